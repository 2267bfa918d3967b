/**
 * Scraping across hosts in the per-host layout. Each Docker host has its own networks, so Prometheus
 * (on the registry's host) cannot reach another host's caches, edge or node-exporter by name. That
 * host's edge serves their metrics instead, on a TLS site of its own (`regstack:ports.metrics`) that
 * only a generated scrape login may read: `/metrics/<service id>` is proxied to that service's
 * metrics. On a Swarm and on a cluster one network spans the nodes, so nothing goes this way.
 */
import { PlatformSpec } from "../config/types";
import { edgePaths, monitoringPaths, registryPaths } from "../render/paths";
import { NODE_EXPORTER_ID } from "./services/exporters";
import { EDGE_ID } from "./services/edge";
import { internalNames, perNodeId, Placement, reaches, registryListeners } from "./topology";

/** The user name Prometheus logs in with at another host's edge (never one of the registry's users). */
export const SCRAPE_USER = "prometheus";

/** One service whose metrics another host's edge serves. */
export interface ScrapeRoute {
  /** Its service id; its metrics are at `/metrics/<service>` on the edge's metrics site. */
  readonly service: string;
  /** The scrape job its series belong to (the same as for a service Prometheus reaches itself). */
  readonly job: "edge" | "cache" | "node";
  /** host:port of its metrics, as the edge reaches it. */
  readonly upstream: string;
  /** Further labels of its series (a cache's upstream). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Another host's edge as Prometheus scrapes it. */
export interface RemoteScrape {
  /** The host. */
  readonly node: string;
  /** The name Prometheus reaches its edge by (the host's address, on its certificate). */
  readonly address: string;
  /** The edge's metrics port. */
  readonly port: number;
  readonly routes: readonly ScrapeRoute[];
}

/** Where `/metrics/<service>` leads on an edge's metrics site. */
export function scrapePathOf(service: string): string {
  return `/metrics/${service}`;
}

/** The hosts Prometheus scrapes through their edge, with what each serves it. */
export function remoteScrapesOf(spec: PlatformSpec, placement: Placement): RemoteScrape[] {
  const target = spec.target;
  if (!spec.monitoring || target.kind !== "docker") return [];
  return placement.nodes
    .filter((node) => !reaches(spec, placement.primary, node))
    .map((node) => {
      const exporter = perNodeId(NODE_EXPORTER_ID, node, placement);
      const routes: ScrapeRoute[] = [
        // The edge's own listener, inside its container.
        { service: perNodeId(EDGE_ID, node, placement), job: "edge", upstream: `localhost:${edgePaths.metricsPort}` },
        ...spec.mirrors
          .filter((m) => placement.mirrors[m.name] === node)
          .map((m): ScrapeRoute => ({ service: internalNames.mirror(m.name), job: "cache", upstream: `${registryListeners(spec, internalNames.mirror(m.name)).scrapeHost}:${registryPaths.debugPort}`, labels: { upstream: m.upstream } })),
        { service: exporter, job: "node", upstream: `${exporter}:${monitoringPaths.nodeExporter.port}` },
      ];
      return { node, address: target.hosts.find((h) => h.name === node)!.address, port: target.metricsPort, routes };
    });
}
