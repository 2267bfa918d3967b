/**
 * The platform network, fenced by `connectsTo`: each service that others connect to has a network of
 * its own, where its aliases are, and only the services that connect to it join that network. A
 * cache or the UI is then on no network the registry is on, and Redis is reached by the registry
 * (and the jobs) only. A scrape-only listener bound to a name of its own (the registry's debug
 * port, on Docker hosts) has a second network, `scrape-<id>`, that only its scrapers join.
 * The same plan serves the host layout (bridges) and Swarm (overlays).
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
 * The name a service binds its scrape-only listener to, when the target gives that listener a network
 * of its own: the network is keyed by that name and the service has it as its alias there.
 */
function scrapeNetworkOf(d: ServiceDescription): string | undefined {
  return d.ports.find((p) => p.audience === "scrapers" && p.bind !== undefined)?.bind;
}

/**
 * The networks a service joins: its own when anyone connects to it (or when it connects to nobody,
 * so it still has a network for its published ports and its traffic out), its scrape network when
 * anyone scrapes it, then the network of every service it connects to and the scrape network of
 * every service it scrapes (the service's own when it has none). `reachable` limits the peers to
 * those it can reach (the same host; a Swarm overlay spans the nodes).
 */
export function networksOf(d: ServiceDescription, all: readonly ServiceDescription[], reachable: (peer: ServiceDescription) => boolean): NetworkJoin[] {
  const find = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => all.find((s) => s.id === id)).filter((p): p is ServiceDescription => p !== undefined && reachable(p));
  const connectsVia = (s: ServiceDescription, peer: ServiceDescription) => s.connectsTo.includes(peer.id) || ((s.scrapes ?? []).includes(peer.id) && scrapeNetworkOf(peer) === undefined);
  const others = all.filter((s) => s.id !== d.id && reachable(s));
  const peers = find(d.connectsTo);
  const scraped = find(d.scrapes);
  const joins: NetworkJoin[] = [];
  if (others.some((s) => connectsVia(s, d)) || peers.length + scraped.length === 0) joins.push({ owner: d.id, aliases: d.aliases });
  const scrapeNet = scrapeNetworkOf(d);
  if (scrapeNet && others.some((s) => (s.scrapes ?? []).includes(d.id))) joins.push({ owner: scrapeNet, aliases: [scrapeNet] });
  for (const p of peers) joins.push({ owner: p.id, aliases: [] });
  for (const p of scraped) {
    const owner = scrapeNetworkOf(p) ?? p.id;
    if (!joins.some((j) => j.owner === owner)) joins.push({ owner, aliases: [] });
  }
  return joins;
}

/** The services that own a network on a set of services (what a host or a Swarm declares). */
export function networkOwners(placed: readonly ServiceDescription[], all: readonly ServiceDescription[], reachable: (a: ServiceDescription, b: ServiceDescription) => boolean): string[] {
  const owners = new Set<string>();
  for (const d of placed) for (const n of networksOf(d, all, (p) => reachable(d, p))) owners.add(n.owner);
  return [...owners];
}
