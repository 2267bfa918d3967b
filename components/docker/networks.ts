/**
 * The platform network, fenced by `connectsTo`: each service that others connect to has a network of
 * its own, where its aliases are, and only the services that connect to it join that network. A
 * cache or the UI is then on no network the registry is on, and Redis is reached by the registry
 * (and the jobs) only. The same plan serves the host layout (bridges) and Swarm (overlays).
 */
import { ServiceDescription } from "../platform/description";

/** A network of the platform: the one of the service `owner`, named after it. */
export interface NetworkJoin {
  /** The id of the service whose network it is. */
  readonly owner: string;
  /** The service's aliases, on its own network; none on another's. */
  readonly aliases: readonly string[];
}

/** A service network's name on its engine: `regstack-<stack>-<id>`. */
export function serviceNetworkName(stack: string, owner: string): string {
  return `regstack-${stack}-${owner}`;
}

/**
 * The networks a service joins: its own when anyone connects to it (or when it connects to nobody,
 * so it still has a network for its published ports and its traffic out), then the network of every
 * service it connects to. `reachable` limits the peers to those it can reach (the same host; a Swarm
 * overlay spans the nodes).
 */
export function networksOf(d: ServiceDescription, all: readonly ServiceDescription[], reachable: (peer: ServiceDescription) => boolean): NetworkJoin[] {
  const peers = d.connectsTo.map((id) => all.find((s) => s.id === id)).filter((p): p is ServiceDescription => p !== undefined && reachable(p));
  const wanted = all.some((s) => s.id !== d.id && s.connectsTo.includes(d.id) && reachable(s));
  const own = wanted || peers.length === 0 ? [{ owner: d.id, aliases: d.aliases }] : [];
  return [...own, ...peers.map((p) => ({ owner: p.id, aliases: [] }))];
}

/** The services that own a network on a set of services (what a host or a Swarm declares). */
export function networkOwners(placed: readonly ServiceDescription[], all: readonly ServiceDescription[], reachable: (a: ServiceDescription, b: ServiceDescription) => boolean): string[] {
  const owners = new Set<string>();
  for (const d of placed) for (const n of networksOf(d, all, (p) => reachable(d, p))) owners.add(n.owner);
  return [...owners];
}
