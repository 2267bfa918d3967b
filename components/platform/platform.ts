/**
 * The platform layer: everything that is the same on every target, decided once. It declares only
 * target-neutral resources (passwords, salts, keys and certificates) and returns one description
 * per service, which a target translates.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PlatformSpec, Secret } from "../config/types";
import { Authority } from "./authority";
import { ClientTrust, ClientTrustArgs, trustScriptsOf } from "./clientTrust";
import { Credentials } from "./credentials";
import { KeepPolicy, ServiceDescription } from "./description";
import { edgeTlsOf, metricsSiteOf, sitesOn } from "./edgeSites";
import { EDGE_ID, edgeService } from "./services/edge";
import { GUARD_ID, guardService } from "./services/guard";
import { mirrorService } from "./services/mirror";
import { redisService } from "./services/redis";
import { registryService } from "./services/registry";
import { uiService } from "./services/ui";
import { SCHEDULER_ID, SCHEDULER_STATE, schedulerService } from "./services/scheduler";
import { describeJobs, JobConfigDir, ScheduledJob } from "./jobs";
import { jobPaths, registryPaths } from "../render/paths";
import { Endpoints, endpointsOf, internalNames, perNodeId, Placement, placementOf } from "./topology";
import { TrustScripts } from "../render/clientTrust";
import { describeMonitoring, EdgeCertificate, grafanaOf, WATCHED_CERTIFICATES } from "./monitoring";
import { RulesInput } from "../render/monitoring/rules";
import { renderEdgeUsers } from "../render/caddy";
import { remoteScrapesOf, SCRAPE_USER } from "./remoteScrape";

/** The whole platform, described: what a target translates and what the outputs are built from. */
export interface PlatformDescription {
  readonly spec: PlatformSpec;
  readonly endpoints: Endpoints;
  readonly placement: Placement;
  /** Every service, in the order they start (dependencies first). */
  readonly services: readonly ServiceDescription[];
  /** The scheduled operations (Docker and Swarm run them in the scheduler service, Kubernetes as CronJobs). */
  readonly jobs: readonly ScheduledJob[];
  /** The id of the service that runs the jobs (Docker, Swarm), when there are jobs. */
  readonly schedulerId?: string;
  /** The backup repository's password (given or generated), when backups are on. */
  readonly backupPassword?: Secret;
  /** Grafana's admin password (generated), when Grafana runs. */
  readonly grafanaPassword?: Secret;
  /** What the alert rules are rendered from, when monitoring runs (the rule tests use it too). */
  readonly alertRules?: pulumi.Output<RulesInput>;
  readonly credentials: Credentials;
  /** The CA clients trust (internal and provided modes). */
  readonly caCertPem?: pulumi.Output<string>;
  /** Per client node: what client trust runs there. */
  readonly clients: readonly { readonly args: ClientTrustArgs; readonly scripts: pulumi.Output<TrustScripts> }[];
}

function httpSecret(name: string, parent: pulumi.Resource): Secret {
  return pulumi.secret(new random.RandomPassword(name, { length: 48, special: false }, { parent, additionalSecretOutputs: ["result"] }).result);
}

/** Describes the platform for a validated spec; its resources are children of `parent` (the target's root). */
export function describePlatform(name: string, spec: PlatformSpec, parent: pulumi.Resource): PlatformDescription {
  const endpoints = endpointsOf(spec);
  const placement = placementOf(spec);
  const retain = !spec.data.deleteOnDestroy;
  const registryKeep: KeepPolicy = { protect: spec.data.protect, retain };
  // Caches and the edge's state are kept like data but never protected: removing a cache must not be blocked.
  const refillableKeep: KeepPolicy = { protect: false, retain };

  const credentials = new Credentials(`${name}-users`, { users: spec.users, bcryptCost: spec.access.bcryptCost }, { parent });
  const services: ServiceDescription[] = [];

  const redisPassword = spec.redis.enabled
    ? pulumi.secret(new random.RandomPassword(`${name}-redis-password`, { length: 32, special: false }, { parent, additionalSecretOutputs: ["result"] }).result)
    : undefined;
  if (redisPassword) services.push(redisService(spec, placement.primary, redisPassword));
  services.push(
    registryService({
      spec,
      placement: placement.primary,
      httpSecret: httpSecret(`${name}-registry-http-secret`, parent),
      redisPassword,
      keep: registryKeep,
    }),
  );
  for (const m of spec.mirrors) {
    const id = internalNames.mirror(m.name);
    services.push(mirrorService({ spec, mirror: m, placement: placement.mirrors[m.name], httpSecret: httpSecret(`${name}-${id}-http-secret`, parent), keep: refillableKeep }));
  }
  if (spec.ui.enabled) services.push(uiService(spec, placement.primary));
  const grafanaPassword = spec.monitoring?.grafana
    ? pulumi.secret(new random.RandomPassword(`${name}-grafana-password`, { length: 32, special: false }, { parent, additionalSecretOutputs: ["result"] }).result)
    : undefined;
  const grafana = grafanaPassword ? grafanaOf(spec, endpoints, placement, grafanaPassword, refillableKeep) : undefined;
  if (grafana) services.push(grafana);

  const backupPassword = spec.backup
    ? (spec.backup.password ?? pulumi.secret(new random.RandomPassword(`${name}-backup-password`, { length: 40, special: false }, { parent, additionalSecretOutputs: ["result"] }).result))
    : undefined;
  // GC and restore stop writes at the registry's edge while they run.
  const freezeFile = spec.gc || spec.backup ? jobPaths.freezeFile : undefined;

  const authority = new Authority(`${name}-pki`, { stack: spec.stack, tls: spec.tls }, { parent });
  const pullUsers = spec.users.filter((u) => u.role === "pull").map((u) => u.name);
  const edgeCertificates: EdgeCertificate[] = [];
  // Per host, Prometheus reads another host's services through that host's edge, with a login of its own.
  const remoteScrapes = remoteScrapesOf(spec, placement);
  const scrapeLogin = remoteScrapes.length > 0 ? new Credentials(`${name}-scrape`, { users: [{ name: SCRAPE_USER, role: "pull" }], bcryptCost: spec.access.bcryptCost }, { parent }) : undefined;
  for (const node of placement.nodes) {
    const remote = remoteScrapes.find((r) => r.node === node);
    const sites = [...sitesOn(node, spec, endpoints, placement), ...(remote ? [metricsSiteOf(remote, placement)] : [])];
    if (sites.length === 0) continue;
    // The registry's node has "the" edge; another node's edge is named after it.
    const id = perNodeId(EDGE_ID, node, placement);
    const tls = edgeTlsOf(`${name}-${id}`, sites, spec, authority);
    for (const f of tls.files.filter((file) => WATCHED_CERTIFICATES.includes(file.path))) edgeCertificates.push({ name: `${id}/${f.path.slice(f.path.lastIndexOf("/") + 1)}`, pem: f.content });
    const edge = edgeService({
      id,
      placement: node,
      sites,
      tls: tls.tls,
      tlsFiles: tls.files,
      users: credentials.hashed,
      userNames: spec.users.map((u) => u.name),
      scrapers: remote && scrapeLogin ? { names: [SCRAPE_USER], file: scrapeLogin.hashed.apply(renderEdgeUsers) } : undefined,
      pullUsers,
      anonymousPull: spec.access.anonymousPull,
      // Writes stop at the registry's edge while GC or a restore runs.
      maintenance: node === placement.primary && freezeFile ? { dir: jobPaths.maintenanceDir, freezeFile, beside: internalNames.registry } : undefined,
      keep: refillableKeep,
      // Not the caches: a cache whose upstream is unreachable at boot restart-loops (distribution
      // issue 4038) and must not hold up the edge; Caddy answers 502 for that site until it is up.
      // Nor Grafana: monitoring never holds up the registry.
      dependsOn: services.filter((s) => s.placement === node && s.component !== "Mirror" && s.component !== "Grafana").map((s) => s.id),
      connectsTo: [
        ...services.filter((s) => s.placement === node && sites.some((site) => s.aliases.some((a) => site.upstream.startsWith(`${a}:`)))).map((s) => s.id),
        // What its metrics site reads beyond its caches: this host's node-exporter (described with monitoring).
        ...(remote?.routes.filter((r) => r.job === "node").map((r) => r.service) ?? []),
      ],
      // The caches' debug listeners its metrics site relays (on their scrape networks).
      scrapes: remote?.routes.filter((r) => r.job === "cache").map((r) => r.service) ?? [],
      failedLogins: spec.access.failedLogins,
    });
    services.push(edge);
    if (spec.access.failedLogins) {
      services.push(guardService({ id: perNodeId(GUARD_ID, node, placement), edge: id, placement: node, limit: spec.access.failedLogins, user: edge.user }));
    }
  }

  // The backup includes the live config of the registry's node (the edge's Caddyfile), not its secrets.
  const configOf: JobConfigDir[] = services
    .filter((d) => d.placement === placement.primary && d.files.some((f) => f.onChange === "reload"))
    .map((d) => {
      const live = d.files.filter((f) => f.onChange === "reload");
      return { service: d.id, secretFiles: live.filter((f) => f.secret).map((f) => f.path.slice(f.path.lastIndexOf("/") + 1)) };
    });
  const jobs = describeJobs(spec, placement.primary, { resticPassword: backupPassword, redisPassword }, configOf);
  if (jobs.length > 0) {
    const registry = services.find((d) => d.id === internalNames.registry)!;
    services.push(
      schedulerService({
        spec,
        placement: placement.primary,
        jobs,
        registryConfig: registry.files.find((f) => f.path === registryPaths.configFile(spec.registry.version))!,
        configOf,
        // Backups outlive the platform: destroy never deletes the repository.
        repositoryKeep: { protect: spec.data.protect, retain: true },
      }),
    );
  }

  const monitoring = describeMonitoring({
    spec,
    placement,
    services,
    edgeCertificates,
    redisPassword,
    scheduler: jobs.length > 0 ? { id: SCHEDULER_ID, data: SCHEDULER_STATE } : undefined,
    remote: scrapeLogin ? { scrapes: remoteScrapes, password: scrapeLogin.passwords[SCRAPE_USER], caCertPem: authority.caCertPem } : undefined,
    keep: refillableKeep,
  });
  if (monitoring) services.push(...monitoring.services);

  // A public ACME CA is trusted already: clients then only need their mirror settings.
  const ca = authority.caCertPem ?? pulumi.output("");
  const clients = spec.clients.map((client) => {
    const args: ClientTrustArgs = {
      client,
      stack: spec.stack,
      caCertPem: ca,
      view: endpoints.clientView,
      loginPassword: client.login ? credentials.passwords[client.login] : undefined,
    };
    return { args, scripts: trustScriptsOf(args) };
  });
  const schedulerId = jobs.length > 0 ? SCHEDULER_ID : undefined;
  return { spec, endpoints, placement, services, jobs, schedulerId, backupPassword, grafanaPassword, alertRules: monitoring?.rules, credentials, caCertPem: authority.caCertPem, clients };
}

/**
 * Puts the CA and mirror settings on every client node, once the edges that serve them exist.
 * Returns what the last apply did per node.
 */
export function declareClientTrust(
  name: string,
  description: PlatformDescription,
  parent: pulumi.Resource,
  edges: readonly pulumi.Resource[],
): Record<string, pulumi.Output<string>> | undefined {
  if (description.clients.length === 0) return undefined;
  const status: Record<string, pulumi.Output<string>> = {};
  for (const { args } of description.clients) {
    status[args.client.name] = new ClientTrust(`${name}-client-${args.client.name}`, args, { parent, dependsOn: [...edges] }).status;
  }
  return status;
}
