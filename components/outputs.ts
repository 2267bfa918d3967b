import { PlatformOutputs } from "./platform/outputs";

/**
 * The stack outputs. Each snippet is its own output so that only the ones holding a secret are
 * secret, and the rest stay readable with `pulumi stack output`.
 */
export function stackOutputs(platform: PlatformOutputs): Record<string, unknown> {
  const outputs: Record<string, unknown> = {
    registryUrl: platform.registryUrl,
    uiUrl: platform.uiUrl,
    grafanaUrl: platform.grafanaUrl,
    grafanaPassword: platform.grafanaPassword,
    mirrors: platform.mirrors,
    loginCommands: platform.loginCommands,
    users: platform.users,
    credentials: platform.credentials,
    caCertPem: platform.caCertPem,
    backupPassword: platform.backupPassword,
    jobs: platform.jobs,
    clientStatus: platform.clientStatus,
    daemonJson: platform.clientSnippets.daemonJson,
    k3sRegistriesYaml: platform.clientSnippets.k3sRegistriesYaml,
    containerdHosts: platform.clientSnippets.containerdHosts,
    kindClusterConfig: platform.clientSnippets.kindClusterConfig,
    swarmService: platform.clientSnippets.swarmService,
  };
  // An output that does not apply to the stack (no UI, no CA) is left out, not exported as undefined.
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
}
