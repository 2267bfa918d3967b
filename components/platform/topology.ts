/**
 * Where everything is: the external endpoints clients use, the internal addresses services use to
 * reach each other, and which node runs what. Decided once here, per target.
 */
import { PlatformSpec } from "../config/types";
import { ClientView } from "../render/clients";
import { monitoringPaths, redisPaths, registryPaths, uiPaths } from "../render/paths";

/** One published service as clients reach it. */
export interface ServiceEndpoint {
  /** host[:port] clients use (no port when it is 443 behind a TLS edge). */
  readonly address: string;
  readonly url: string;
  /** The edge's port for it. */
  readonly port: number;
  /** Every name and IP the service answers to (certificate names, Caddy site addresses). */
  readonly names: readonly string[];
  /** The node whose edge serves it. */
  readonly placement: string;
}

export interface MirrorEndpoint extends ServiceEndpoint {
  readonly upstream: string;
}

/** Where clients reach each published service. */
export interface Endpoints {
  readonly scheme: "http" | "https";
  readonly registry: ServiceEndpoint;
  readonly ui?: ServiceEndpoint;
  /** Grafana, when monitoring runs it. */
  readonly grafana?: ServiceEndpoint;
  readonly mirrors: Readonly<Record<string, MirrorEndpoint>>;
  readonly clientView: ClientView;
}

/** Names services reach each other by on the platform network. */
export const internalNames = {
  registry: "registry",
  redis: "redis",
  ui: "ui",
  grafana: "grafana",
  mirror: (name: string) => `mirror-${name}`,
} as const;

/** host:port addresses on the platform network. */
export const internalAddresses = {
  registry: `${internalNames.registry}:${registryPaths.port}`,
  redis: `${internalNames.redis}:${redisPaths.port}`,
  ui: `${internalNames.ui}:${uiPaths.port}`,
  grafana: `${internalNames.grafana}:${monitoringPaths.grafana.port}`,
  mirror: (name: string) => `${internalNames.mirror(name)}:${registryPaths.port}`,
} as const;

/** Which node runs each service: the registry's node runs the registry, UI and Redis. */
export interface Placement {
  /** The node of the registry, the UI and Redis. */
  readonly primary: string;
  /** The node of each cache, by name. */
  readonly mirrors: Readonly<Record<string, string>>;
  /** Every node that runs a service, primary first. */
  readonly nodes: readonly string[];
}

/**
 * The id of a service that runs once per node (the edge, its guard, node-exporter): its plain name
 * on the registry's node, `<name>-<node>` on another.
 */
export function perNodeId(name: string, node: string, placement: Placement): string {
  return node === placement.primary ? name : `${name}-${node}`;
}

/** Where a registry's (or a cache's) listeners bind, and where its scrapers reach the debug one. */
export interface RegistryListeners {
  /** The API's host (`http.addr`); "" binds every interface. */
  readonly api: string;
  /** The debug listener's host (`http.debug.addr`: pprof, expvar, /metrics, /debug/health). */
  readonly debug: string;
  /** Who reaches the debug listener: the scrapers when monitoring runs, otherwise nobody but its probe. */
  readonly debugAudience: "scrapers" | "self";
  /** The host scrapers reach the debug listener by, when monitoring runs. */
  readonly scrapeHost?: string;
}

/** The name a service has on its scrape network (Docker hosts), apart from every service id. */
export function scrapeAlias(id: string): string {
  return `scrape-${id}`;
}

/**
 * A registry's listeners, per target. The debug listener shows pprof and expvar (`/debug/vars` holds
 * a webhook's Authorization header), so only Prometheus may read it, and the API only the edge and
 * the jobs.
 * - Docker hosts: each listener binds the name the container has on one network: the API its own
 *   alias (on its own network, which the edge and the jobs join), the debug listener its scrape
 *   alias (on a network only Prometheus, or a remote edge's metrics site, joins). Docker's DNS
 *   resolves a container's aliases as soon as it starts.
 * - Kubernetes: both bind every interface; a NetworkPolicy per port lets only the scrapers reach
 *   the debug port.
 * - Swarm: both bind every interface. An overlay alias names the service's virtual IP, not the
 *   task, and a task's hostname maps in /etc/hosts to its address on every overlay, in an order
 *   that is not the service's network order (measured), so no name binds one overlay's address:
 *   the services on the registry's overlay (the edge, the jobs) reach both ports.
 * Without monitoring the debug listener binds loopback on the Docker targets, for the probe alone.
 */
export function registryListeners(spec: PlatformSpec, id: string): RegistryListeners {
  const scraped = spec.monitoring !== undefined;
  const perNetwork = spec.target.kind === "docker" && spec.target.mode.kind !== "swarm";
  if (!scraped) return { api: perNetwork ? id : "", debug: spec.target.kind === "kubernetes" ? "" : "127.0.0.1", debugAudience: "self" };
  const scrapeHost = perNetwork ? scrapeAlias(id) : id;
  return { api: perNetwork ? id : "", debug: perNetwork ? scrapeHost : "", debugAudience: "scrapers", scrapeHost };
}

/**
 * Whether a service on one node reaches a service on another: always on a cluster and on a Swarm
 * (one overlay spans the nodes); per host, only on its own node (each host has its own bridges).
 */
export function reaches(spec: PlatformSpec, from: string, to: string): boolean {
  return from === to || spec.target.kind === "kubernetes" || spec.target.mode.kind === "swarm";
}

/** On a cluster the scheduler places pods: every service is on one logical node. */
export const CLUSTER_NODE = "cluster";

/**
 * The in-cluster Services in front of the edge, by the names the docker-registry chart and KEP-1755
 * users expect: `docker-registry` (ClusterIP) and `docker-registry-nodeport`.
 */
export const clusterService = {
  name: "docker-registry",
  nodePortName: "docker-registry-nodeport",
  /** The names pods reach the registry's edge by (also on its certificate). */
  dnsNames: (namespace: string) => [`docker-registry.${namespace}.svc`, `docker-registry.${namespace}.svc.cluster.local`],
} as const;

export function placementOf(spec: PlatformSpec): Placement {
  if (spec.target.kind === "kubernetes") {
    return { primary: CLUSTER_NODE, mirrors: Object.fromEntries(spec.mirrors.map((m) => [m.name, CLUSTER_NODE])), nodes: [CLUSTER_NODE] };
  }
  const primary = spec.target.hosts[0].name;
  const mirrors = spec.target.mirrorHosts;
  const nodes = [primary, ...spec.target.hosts.map((h) => h.name).filter((n) => n !== primary && Object.values(mirrors).includes(n))];
  return { primary, mirrors, nodes };
}

/**
 * Whether reading a cache needs no login: never when it holds upstream credentials (anyone would pull
 * through the account); otherwise when the stack stays on loopback, opens reads (anonymous pull), or
 * marks the cache public. Beyond loopback a cache is otherwise for the stack's users only.
 */
export function cacheIsOpen(spec: PlatformSpec, mirror: PlatformSpec["mirrors"][number]): boolean {
  if (mirror.username !== undefined) return false;
  return spec.loopbackOnly || spec.access.anonymousPull || mirror.public;
}

function withPort(name: string, port: number, scheme: "http" | "https"): string {
  return scheme === "https" && port === 443 ? name : `${name}:${port}`;
}

/** The external endpoints of every published service, from the spec alone. */
export function endpointsOf(spec: PlatformSpec): Endpoints {
  const scheme = spec.tls.mode === "off" ? "http" : "https";
  const target = spec.target;
  const placement = placementOf(spec);
  const byHost = spec.edge.routing === "host";
  const inCluster = target.kind === "kubernetes" ? clusterService.dnsNames(target.namespace) : [];
  const registryNames = [spec.domain, ...spec.tls.names, ...spec.tls.ips, ...inCluster].filter((n, i, all) => all.indexOf(n) === i);
  const service = (node: string, names: readonly string[], port: number): ServiceEndpoint => {
    const address = withPort(names[0], port, scheme);
    return { address, url: `${scheme}://${address}`, port, names, placement: node };
  };
  const namesOf = (node: string) => (node === placement.primary || target.kind === "kubernetes" ? registryNames : [target.hosts.find((h) => h.name === node)!.address]);

  const registry = service(placement.primary, registryNames, byHost ? spec.edge.httpsPort : target.ports.registry);
  const ui = spec.ui.enabled
    ? byHost
      ? service(placement.primary, [`ui.${spec.domain}`], spec.edge.httpsPort)
      : service(placement.primary, registryNames, target.ports.ui)
    : undefined;
  const grafana =
    spec.monitoring?.grafana === true
      ? byHost
        ? service(placement.primary, [`${internalNames.grafana}.${spec.domain}`], spec.edge.httpsPort)
        : service(placement.primary, registryNames, target.ports.grafana)
      : undefined;
  const mirrors = Object.fromEntries(
    spec.mirrors.map((m) => {
      const node = placement.mirrors[m.name];
      const endpoint = byHost ? service(node, [`${m.name}.${spec.domain}`], spec.edge.httpsPort) : service(node, namesOf(node), target.ports.mirrors[m.name]);
      return [m.name, { ...endpoint, upstream: m.upstream }];
    }),
  );
  return {
    scheme,
    registry,
    ui,
    grafana,
    mirrors,
    clientView: {
      registry: registry.address,
      scheme,
      mirrors: spec.mirrors.map((m) => ({ upstream: m.upstream, endpoint: mirrors[m.name].address, needsLogin: !cacheIsOpen(spec, m) })),
    },
  };
}
