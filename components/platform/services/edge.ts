/**
 * The Caddy edge of one node, the platform's only published service on every stack: TLS (or plain
 * HTTP on loopback), users and roles, and streaming proxies. Its files reload in place (caddy --watch),
 * so a user or certificate change never restarts it; only a new published port does.
 */
import * as pulumi from "@pulumi/pulumi";
import { EdgeSite, EdgeTls, EdgeUser, renderCaddyfile, renderEdgeUsers, renderKnownNames, renderLoginErrors } from "../../render/caddy";
import { edgePaths, guardPaths } from "../../render/paths";
import { FailedLoginLimit } from "../../config/types";
import { GUARD_VOLUMES } from "./guard";
import { KeepPolicy, ServiceDescription, ServicePort } from "../description";
import { EdgeTlsFile } from "../edgeSites";

export interface EdgeServiceArgs {
  readonly id: string;
  readonly placement: string;
  readonly sites: readonly EdgeSite[];
  readonly tls: EdgeTls;
  readonly tlsFiles: readonly EdgeTlsFile[];
  /** Users with their bcrypt hashes, secret. */
  readonly users: pulumi.Output<EdgeUser[]>;
  /** Every user's name (the Caddyfile refuses any other name before any bcrypt). */
  readonly userNames: readonly string[];
  /** On an edge with a metrics site: the scrape login's name, and its users file (secret). */
  readonly scrapers?: { readonly names: readonly string[]; readonly file: pulumi.Output<string> };
  /** Names of the pull-only users (refused writes). */
  readonly pullUsers: readonly string[];
  readonly anonymousPull: boolean;
  /** The maintenance volume and the flag file that stops writes (the registry's node, when a job freezes writes). */
  readonly maintenance?: { readonly dir: string; readonly freezeFile: string; readonly beside: string };
  /** Its failed-login guard's limit, when one runs beside it. */
  readonly failedLogins?: FailedLoginLimit;
  /** Caddy's state (issued leaves, ACME account). */
  readonly keep: KeepPolicy;
  /** Ids of the services that must be up before it starts. */
  readonly dependsOn: readonly string[];
  /** Ids of the services it proxies to. */
  readonly connectsTo: readonly string[];
  /** Ids of the services whose debug listeners its metrics site relays to Prometheus (another host's caches). */
  readonly scrapes: readonly string[];
}

/** The id of the registry's node's edge; another node's is `edge-<node>` (topology's perNodeId). */
export const EDGE_ID = "edge";

/**
 * The unprivileged user the edge runs as when it listens on no privileged port (every stack but one
 * with host routing on 443 or ACME's port 80): its state and files are handed to it.
 */
export const EDGE_USER = "10600:10600";

/** Below this port a listener needs root's NET_BIND_SERVICE. */
const FIRST_UNPRIVILEGED_PORT = 1024;

export function edgeService(args: EdgeServiceArgs): ServiceDescription {
  const guard = args.failedLogins ? { accessLog: guardPaths.accessLog, blockedDir: guardPaths.blockedDir, blockSeconds: args.failedLogins.blockSeconds } : undefined;
  const caddyfile = renderCaddyfile({
    tls: args.tls,
    pullUsers: args.pullUsers,
    scrapeUsers: args.scrapers?.names,
    anonymousPull: args.anonymousPull,
    sites: args.sites,
    freezeFile: args.maintenance?.freezeFile,
    guard,
  });
  const sitePorts = [...new Set(args.sites.map((s) => s.port))].sort((a, b) => a - b);
  const ports: ServicePort[] = [
    ...(args.tls.mode === "acme" ? [{ name: "acme-http", port: edgePaths.acmeHttpPort, published: true }] : []),
    ...sitePorts.map((p) => ({ name: `site-${p}`, port: p, published: true })),
    { name: "metrics", port: edgePaths.metricsPort, published: false },
  ];
  // On privileged ports Caddy keeps the image's root user with the few capabilities it needs;
  // otherwise it runs as its own user with none.
  const unprivileged = ports.every((p) => p.port >= FIRST_UNPRIVILEGED_PORT);
  const uid = Number(EDGE_USER.split(":")[0]);
  return {
    id: args.id,
    role: "edge",
    component: "Edge",
    placement: args.placement,
    image: "edge",
    // Unique on the platform: on a Swarm every node's edge is on one network.
    aliases: [args.id],
    command: ["caddy", "run", "--config", edgePaths.caddyfile, "--adapter", "caddyfile", "--watch"],
    env: { XDG_DATA_HOME: edgePaths.dataDir, XDG_CONFIG_HOME: edgePaths.configDir },
    secretEnv: {},
    // Certificates and users first, the Caddyfile last: Caddy never reloads a config whose files are missing.
    files: [
      // Certificates are public (the scheduler reads them for the backup); keys are not.
      ...args.tlsFiles.map((f) => ({ ...f, onChange: "reload" as const, mode: f.secret ? "0440" : "0444" })),
      { path: edgePaths.usersFile, content: args.users.apply(renderEdgeUsers), secret: true, onChange: "reload", mode: "0440" },
      // Written with the users file, as a secret like it: a user edit then renews the edge's secret
      // files only, and nothing that copies the edge's plain config (the jobs) changes with it.
      { path: edgePaths.namesFile, content: renderKnownNames(args.userNames), secret: true, onChange: "reload", mode: "0440" },
      { path: edgePaths.loginsFile, content: renderLoginErrors(args.userNames), secret: true, onChange: "reload", mode: "0440" },
      ...(args.scrapers ? [{ path: edgePaths.scrapersFile, content: args.scrapers.file, secret: true, onChange: "reload" as const, mode: "0440" }] : []),
      { path: edgePaths.caddyfile, content: caddyfile, secret: false, onChange: "reload", mode: "0444" },
    ],
    watchedFile: edgePaths.caddyfile,
    data: { path: edgePaths.dataDir, name: "edge", keep: args.keep, size: "small", ...(unprivileged ? { owner: EDGE_USER } : {}) },
    sharedVolumes: [
      ...(args.maintenance ? [{ path: args.maintenance.dir, name: "maintenance", readOnly: true, beside: args.maintenance.beside }] : []),
      // It writes the access log its guard follows, and reads the addresses the guard blocks.
      ...(guard
        ? [
            { path: guardPaths.logDir, name: GUARD_VOLUMES.log, readOnly: false, beside: args.id },
            { path: guardPaths.blockedDir, name: GUARD_VOLUMES.blocked, readOnly: true, beside: args.id },
          ]
        : []),
    ],
    scratch: [
      { path: edgePaths.configDir, sizeMb: 8, mode: "0700", ...(unprivileged ? { uid } : {}) },
      { path: "/tmp", sizeMb: 16, mode: "1777" },
    ],
    ports,
    probe: { kind: "http", port: edgePaths.metricsPort, path: "/metrics" },
    ...(unprivileged ? { user: EDGE_USER, capabilities: [] } : { capabilities: ["NET_BIND_SERVICE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"] }),
    readOnlyRoot: true,
    // Caddy locks its storage for clustered instances: two edges may share it for a moment.
    overlapOnUpdate: true,
    resources: "edge",
    dependsOn: args.dependsOn,
    connectsTo: args.connectsTo,
    scrapes: args.scrapes,
  };
}
