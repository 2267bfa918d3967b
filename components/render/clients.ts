import { stringify } from "yaml";
import { header } from "./yaml";

/** One pull-through cache as a client sees it. */
export interface ClientMirror {
  /** Upstream URL, e.g. https://registry-1.docker.io. */
  readonly upstream: string;
  /** host:port clients reach the cache on. */
  readonly endpoint: string;
  /** Reading it needs a registry login. */
  readonly needsLogin: boolean;
}

export interface ClientView {
  /** host:port of the private registry. */
  readonly registry: string;
  readonly mirrors: readonly ClientMirror[];
  /** http while TLS is off, https behind the edge. */
  readonly scheme: "http" | "https";
}

/** The registry name containerd and k3s use for an upstream: Docker Hub is "docker.io". */
export function upstreamRegistryName(upstream: string): string {
  const host = new URL(upstream).host;
  return host === "registry-1.docker.io" || host === "index.docker.io" ? "docker.io" : host;
}

/** dockerd's daemon.json fragment: registry-mirrors applies to Docker Hub only (see field notes). */
export function renderDaemonJson(view: ClientView): string {
  const hubMirrors = view.mirrors.filter((m) => upstreamRegistryName(m.upstream) === "docker.io");
  const fragment: Record<string, string[]> = {
    "registry-mirrors": hubMirrors.map((m) => `${view.scheme}://${m.endpoint}`),
  };
  if (view.scheme === "http") fragment["insecure-registries"] = [view.registry, ...view.mirrors.map((m) => m.endpoint)];
  return JSON.stringify(fragment, null, 2) + "\n";
}

/** k3s /etc/rancher/k3s/registries.yaml: each upstream through its cache, the registry itself, and its login. */
export function renderK3sRegistries(view: ClientView, login?: { username: string; password: string }, caFile?: string): string {
  const mirrors: Record<string, { endpoint: string[] }> = {};
  for (const m of view.mirrors) mirrors[upstreamRegistryName(m.upstream)] = { endpoint: [`${view.scheme}://${m.endpoint}`] };
  mirrors[view.registry] = { endpoint: [`${view.scheme}://${view.registry}`] };
  const configs: Record<string, Record<string, unknown>> = {};
  const endpoints = [view.registry, ...view.mirrors.map((m) => m.endpoint)];
  if (caFile) for (const e of endpoints) configs[e] = { tls: { ca_file: caFile } };
  if (login) {
    const auth = { username: login.username, password: login.password };
    configs[view.registry] = { ...configs[view.registry], auth };
    for (const m of view.mirrors.filter((x) => x.needsLogin)) configs[m.endpoint] = { ...configs[m.endpoint], auth };
  }
  const doc: Record<string, unknown> = { mirrors };
  if (Object.keys(configs).length > 0) doc.configs = configs;
  return header() + stringify(doc, { lineWidth: 0 });
}

/** containerd hosts.toml files, keyed by their directory under /etc/containerd/certs.d/. */
export function renderContainerdHosts(view: ClientView, caFile?: string): Record<string, string> {
  const files: Record<string, string> = {};
  const ca = caFile ? [`  ca = "${caFile}"`] : [];
  for (const m of view.mirrors) {
    files[upstreamRegistryName(m.upstream)] = [
      header().trimEnd(),
      `server = "${m.upstream}"`,
      "",
      `[host."${view.scheme}://${m.endpoint}"]`,
      '  capabilities = ["pull", "resolve"]',
      ...ca,
      "",
    ].join("\n");
  }
  files[view.registry] = [
    header().trimEnd(),
    `server = "${view.scheme}://${view.registry}"`,
    "",
    `[host."${view.scheme}://${view.registry}"]`,
    '  capabilities = ["pull", "resolve", "push"]',
    ...ca,
    "",
  ].join("\n");
  return files;
}

/**
 * A kind cluster config fragment: each node's containerd reads registry hosts from hosts.toml files
 * under `certsDir` (kind's documented local-registry setup), where client trust puts them.
 */
export function renderKindClusterConfig(certsDir: string): string {
  return stringify({
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    containerdConfigPatches: [`[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${certsDir}"\n`],
  });
}
