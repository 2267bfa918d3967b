import { stackOutputs } from "./components/outputs";
import { program } from "./components/program";

// The stack outputs: registryUrl, uiUrl, mirrors, loginCommands, credentials (secret), daemonJson,
// k3sRegistriesYaml (secret when it carries a login), containerdHosts, kindClusterConfig, and in Swarm
// mode swarmService.
export = stackOutputs(program());
