/**
 * Monitoring, described once for every target: Prometheus and what it scrapes, the alert rules,
 * Alertmanager, the exporters and Grafana. Grafana is described before the edges (they serve it);
 * the rest after them (Prometheus scrapes the edges and watches their certificates).
 */
import { X509Certificate } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, Secret } from "../config/types";
import { ScrapeTarget } from "../render/monitoring/prometheus";
import { RulesInput, renderRules, WatchedCertificate } from "../render/monitoring/rules";
import { edgePaths, monitoringPaths, registryPaths } from "../render/paths";
import { KeepPolicy, ServiceDescription } from "./description";
import { ALERTMANAGER_ID, alertmanagerService } from "./services/alertmanager";
import { NODE_EXPORTER_ID, nodeExporterService, REDIS_EXPORTER_ID, redisExporterService } from "./services/exporters";
import { grafanaService } from "./services/grafana";
import { PROMETHEUS_ID, prometheusService } from "./services/prometheus";
import { Endpoints, internalNames, perNodeId, Placement, reaches, registryListeners } from "./topology";
import { RemoteScrape, SCRAPE_USER, scrapePathOf } from "./remoteScrape";

/** A certificate file an edge carries that `pulumi up` (not Caddy) renews. */
export interface EdgeCertificate {
  /** "edge/server.crt". */
  readonly name: string;
  readonly pem: pulumi.Input<string>;
}

/** The edge files whose expiry is watched: the provided mode's server certificate, the internal mode's intermediate. */
export const WATCHED_CERTIFICATES: readonly string[] = [edgePaths.serverCert, edgePaths.intermediateCert];

export function grafanaOf(spec: PlatformSpec, endpoints: Endpoints, placement: Placement, adminPassword: Secret, keep: KeepPolicy): ServiceDescription | undefined {
  if (!spec.monitoring?.grafana || !endpoints.grafana) return undefined;
  return grafanaService({ placement: placement.primary, rootUrl: endpoints.grafana.url, adminPassword, prometheus: `${PROMETHEUS_ID}:${monitoringPaths.prometheus.port}`, keep });
}

export interface MonitoringArgs {
  /** The validated spec (monitoring settings, target, mirrors, backups). */
  readonly spec: PlatformSpec;
  /** Which node runs what. */
  readonly placement: Placement;
  /** Every service described so far (registry, caches, Redis, UI, Grafana, edges, scheduler). */
  readonly services: readonly ServiceDescription[];
  /** The certificates the edges carry that `pulumi up` renews (their expiry is alerted on). */
  readonly edgeCertificates: readonly EdgeCertificate[];
  /** Redis' password, when Redis runs (redis_exporter logs in with it). */
  readonly redisPassword?: Secret;
  /** The scheduler and the name of its working space, whose metrics directory holds the jobs' textfiles. */
  readonly scheduler?: { readonly id: string; readonly data: string };
  /** How Prometheus', Alertmanager's and Grafana's data are kept (retained, never protected). */
  readonly keep: KeepPolicy;
  /** Per host: the other hosts whose edges serve their metrics, Prometheus' login there, and the CA their certificates chain to (none with ACME). */
  readonly remote?: { readonly scrapes: readonly RemoteScrape[]; readonly password: Secret; readonly caCertPem?: pulumi.Output<string> };
}

export interface Monitoring {
  /** Prometheus, Alertmanager and the exporters, in the order they start. */
  readonly services: ServiceDescription[];
  /** What the rules file is rendered from (the rule tests are rendered from it too). */
  readonly rules: pulumi.Output<RulesInput>;
}

function notAfterOf(name: string, pem: string): WatchedCertificate[] {
  try {
    return [{ name, notAfter: Math.floor(Date.parse(new X509Certificate(pem).validTo) / 1000) }];
  } catch {
    // Not a certificate (the offline engine's stand-in): nothing to watch.
    return [];
  }
}

/** The services that watch the platform, and the rules they evaluate. */
export function describeMonitoring(args: MonitoringArgs): Monitoring | undefined {
  const { spec, placement } = args;
  const monitoring = spec.monitoring;
  if (!monitoring) return undefined;
  const home = placement.primary;
  const seen = (d: ServiceDescription) => reaches(spec, home, d.placement);
  const services: ServiceDescription[] = [];

  if (args.redisPassword) services.push(redisExporterService(home, args.redisPassword));
  // One node-exporter per node: the data disks of the services there (read through its edge on a
  // host Prometheus does not reach).
  const remote = args.remote?.scrapes ?? [];
  const scraped = (node: string) => reaches(spec, home, node) || remote.some((r) => r.node === node);
  const caches = spec.mirrors.filter((m) => scraped(placement.mirrors[m.name]));
  const onCluster = spec.target.kind === "kubernetes";
  for (const node of placement.nodes.filter(scraped)) {
    services.push(
      nodeExporterService({
        id: perNodeId(NODE_EXPORTER_ID, node, placement),
        placement: node,
        registry: node === home,
        // On a cluster each claim may sit on another node: node-exporter reads the registry's only.
        caches: onCluster ? [] : caches.filter((m) => placement.mirrors[m.name] === node).map((m) => m.name),
        scheduler: node === home ? args.scheduler : undefined,
      }),
    );
  }
  services.push(alertmanagerService(home, monitoring.receivers, args.keep));

  const metricsPort = (d: ServiceDescription) => d.ports.find((p) => p.name === "metrics" || p.name === "http")!.port;
  const debugOf = (id: string) => `${registryListeners(spec, id).scrapeHost ?? id}:${registryPaths.debugPort}`;
  const targets: ScrapeTarget[] = [];
  const all = [...args.services, ...services];
  for (const d of all.filter(seen)) {
    const at = (port: number) => `${d.aliases[0]}:${port}`;
    switch (d.component) {
      // Their debug listeners, reached at the name only scrapers reach (registryListeners).
      case "Registry":
        targets.push({ job: "registry", address: debugOf(d.id), service: d.id });
        break;
      case "Mirror": {
        const mirror = spec.mirrors.find((m) => internalNames.mirror(m.name) === d.id)!;
        targets.push({ job: "cache", address: debugOf(d.id), service: d.id, labels: { upstream: mirror.upstream } });
        break;
      }
      case "Edge":
        targets.push({ job: "edge", address: at(edgePaths.metricsPort), service: d.id });
        break;
      case "Exporter":
        targets.push({ job: d.id === REDIS_EXPORTER_ID ? "redis" : "node", address: at(metricsPort(d)), service: d.id });
        break;
      case "Alertmanager":
        targets.push({ job: "alertmanager", address: at(monitoringPaths.alertmanager.port), service: d.id });
        break;
      case "Grafana":
        targets.push({ job: "grafana", address: at(monitoringPaths.grafana.port), service: d.id });
        break;
      default:
        break;
    }
  }
  targets.push({ job: "prometheus", address: `localhost:${monitoringPaths.prometheus.port}`, service: PROMETHEUS_ID });
  // Another host's services, through its edge's metrics site.
  for (const r of remote) {
    for (const route of r.routes) targets.push({ job: route.job, address: `${r.address}:${r.port}`, service: route.service, path: scrapePathOf(route.service), labels: route.labels, via: r.node });
  }

  // What it reads on the platform network: the debug listeners it scrapes, everything else it connects to.
  const local = targets.filter((t) => t.service !== PROMETHEUS_ID && t.via === undefined);
  const debugListeners = new Set(all.filter((d) => d.component === "Registry" || d.component === "Mirror").map((d) => d.id));
  const rules = pulumi
    .all(args.edgeCertificates.map((c) => pulumi.output(c.pem).apply((pem) => notAfterOf(c.name, pem))))
    .apply((lists): RulesInput => ({ thresholds: monitoring.thresholds, certificates: lists.flat(), backups: spec.backup !== undefined }));
  services.unshift(
    prometheusService({
      stack: spec.stack,
      monitoring,
      placement: home,
      targets,
      alertmanager: `${ALERTMANAGER_ID}:${monitoringPaths.alertmanager.port}`,
      rules: rules.apply(renderRules),
      keep: args.keep,
      remoteLogin: args.remote ? { username: SCRAPE_USER, password: args.remote.password, caCertPem: args.remote.caCertPem } : undefined,
      connectsTo: [...new Set(local.filter((t) => !debugListeners.has(t.service)).map((t) => t.service))],
      scrapes: [...new Set(local.filter((t) => debugListeners.has(t.service)).map((t) => t.service))],
    }),
  );
  return { services, rules };
}
