/**
 * What a client needs to pull from the platform, composed once for the stack outputs and for the
 * files client trust writes on nodes: the same rules for the CA and the login in both places.
 */
import { ClientView, renderContainerdHosts, renderDaemonJson, renderK3sRegistries, renderKindClusterConfig } from "../render/clients";
import { clientPaths } from "../render/paths";

/** A registry login a client node pulls with. */
export interface PullLogin {
  readonly username: string;
  readonly password: string;
}

/** k3s's /etc/rancher/k3s/registries.yaml: the CA file when the platform has its own CA, the login when given. */
export function k3sRegistriesFor(view: ClientView, hasCa: boolean, login?: PullLogin): string {
  return renderK3sRegistries(view, login, hasCa ? clientPaths.k3sCa : undefined);
}

/** containerd hosts.toml files by directory under /etc/containerd/certs.d (kind nodes). */
export function containerdHostsFor(view: ClientView, hasCa: boolean): Record<string, string> {
  return renderContainerdHosts(view, hasCa ? clientPaths.containerdCa : undefined);
}

/** dockerd's daemon.json fragment. */
export function daemonJsonFor(view: ClientView): string {
  return renderDaemonJson(view);
}

/** The kind cluster config that makes the nodes read the hosts.toml files. */
export function kindClusterConfigFor(): string {
  return renderKindClusterConfig(clientPaths.containerdCertsDir);
}

/**
 * How a workload on a Swarm runs an image from the registry: the manager hands the caller's login to
 * the nodes (`--with-registry-auth`), after `docker login` on the manager.
 */
export function swarmServiceFor(registryAddress: string): string {
  return `docker login ${registryAddress} && docker service create --with-registry-auth --name <app> ${registryAddress}/<team>/<app>:<tag>`;
}
