/** What each edge serves: its sites (by node), and its TLS settings and certificate files per mode. */
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec } from "../config/types";
import { EdgeSite, EdgeTls, SiteAccess } from "../render/caddy";
import { edgePaths } from "../render/paths";
import { Authority, caNameOf } from "./authority";
import { RemoteScrape, scrapePathOf } from "./remoteScrape";
import { cacheIsOpen, Endpoints, internalAddresses, Placement, ServiceEndpoint } from "./topology";

/** A certificate or key file an edge reads. */
export interface EdgeTlsFile {
  readonly path: string;
  readonly content: pulumi.Input<string>;
  readonly secret: boolean;
}

/** The sites an edge on `node` serves: the registry and UI on the primary node, and its caches. */
export function sitesOn(node: string, spec: PlatformSpec, endpoints: Endpoints, placement: Placement): EdgeSite[] {
  const site = (service: string, e: ServiceEndpoint, upstream: string, access: SiteAccess): EdgeSite => ({ service, names: e.names, port: e.port, upstream, access });
  const sites: EdgeSite[] = [];
  if (node === placement.primary) {
    sites.push(site("registry", endpoints.registry, internalAddresses.registry, "registry"));
    if (endpoints.ui) sites.push({ ...site("ui", endpoints.ui, internalAddresses.ui, "ui"), registryApi: internalAddresses.registry });
    // Grafana checks its own logins (and its API's basic auth): the edge passes them on.
    if (endpoints.grafana) sites.push(site("grafana", endpoints.grafana, internalAddresses.grafana, "app"));
  }
  for (const m of spec.mirrors.filter((x) => placement.mirrors[x.name] === node)) {
    const access = cacheIsOpen(spec, m) ? "mirror-open" : "mirror-private";
    sites.push(site(`mirror ${m.name} (${m.upstream})`, endpoints.mirrors[m.name], internalAddresses.mirror(m.name), access));
  }
  return sites;
}

/** The metrics site of another host's edge, which Prometheus on the registry's node scrapes (per host). */
export function metricsSiteOf(remote: RemoteScrape, placement: Placement): EdgeSite {
  return {
    service: `metrics of ${remote.node}'s services, for Prometheus on ${placement.primary}`,
    names: [remote.address],
    port: remote.port,
    upstream: "",
    access: "metrics",
    metricsRoutes: remote.routes.map((r) => ({ path: scrapePathOf(r.service), upstream: r.upstream })),
  };
}

/** An edge's TLS settings and the files they need: the root and this edge's intermediate, or a server certificate. */
export function edgeTlsOf(edgeId: string, sites: readonly EdgeSite[], spec: PlatformSpec, authority: Authority): { tls: EdgeTls; files: EdgeTlsFile[] } {
  switch (spec.tls.mode) {
    case "off":
      return { tls: { mode: "off" }, files: [] };
    case "internal": {
      const intermediate = authority.intermediate(edgeId);
      return {
        tls: { mode: "internal", caName: caNameOf(spec.stack), leafLifetimeHours: spec.tls.validityHours },
        files: [
          { path: edgePaths.rootCert, content: authority.caCertPem!, secret: false },
          { path: edgePaths.intermediateCert, content: intermediate.certPem, secret: false },
          { path: edgePaths.intermediateKey, content: intermediate.keyPem, secret: true },
        ],
      };
    }
    case "provided": {
      const names = [...new Set(sites.flatMap((s) => s.names))];
      const cert = authority.serverCertificate(edgeId, names);
      return {
        tls: { mode: "provided" },
        files: [
          { path: edgePaths.serverCert, content: cert.certPem, secret: false },
          { path: edgePaths.serverKey, content: cert.keyPem, secret: true },
        ],
      };
    }
    case "acme":
      return { tls: { mode: "acme", email: spec.tls.email! }, files: [] };
  }
}
