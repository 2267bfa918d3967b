import { UserRole } from "../spec/types";
import { edgePaths } from "./paths";
import { header } from "./yaml";

/** A user as the edge checks it: bcrypt hash and role. */
export interface EdgeUser {
  readonly name: string;
  readonly hash: string;
  readonly role: UserRole;
}

/**
 * Who may do what on a site:
 * - registry: writes need a push user; reads need any user unless anonymous pull is on;
 * - ui: like the registry, never anonymous;
 * - mirror: a pull-through cache, read-only; reads are open unless it holds upstream credentials.
 */
export type SiteAccess = "registry" | "ui" | "mirror-open" | "mirror-private";

export interface EdgeSite {
  /** Comment naming the service. */
  readonly service: string;
  /** Names and IPs the site answers to. */
  readonly names: readonly string[];
  /** The port Caddy listens on (published as the same port). */
  readonly port: number;
  /** host:port on the platform network. */
  readonly upstream: string;
  readonly access: SiteAccess;
}

export type EdgeTls =
  | { readonly mode: "internal"; readonly caName: string; readonly leafLifetimeHours: number }
  | { readonly mode: "provided" }
  | { readonly mode: "acme"; readonly email: string };

export interface CaddyfileInput {
  readonly tls: EdgeTls;
  readonly users: readonly EdgeUser[];
  readonly anonymousPull: boolean;
  readonly sites: readonly EdgeSite[];
}

const TAB = "\t";

function block(head: string, lines: readonly string[], depth = 0): string[] {
  const pad = TAB.repeat(depth);
  return [`${pad}${head} {`, ...lines.map((l) => `${pad}${TAB}${l}`), `${pad}}`];
}

function siteAddress(name: string, port: number): string {
  const host = name.includes(":") ? `[${name}]` : name;
  return port === 443 ? `https://${host}` : `https://${host}:${port}`;
}

function accounts(users: readonly EdgeUser[]): string[] {
  return [...users].sort((a, b) => a.name.localeCompare(b.name)).map((u) => `${u.name} ${u.hash}`);
}

function tlsLines(tls: EdgeTls): string[] {
  switch (tls.mode) {
    case "internal":
      return block("tls", block("issuer internal", [`ca ${tls.caName}`, `lifetime ${tls.leafLifetimeHours}h`]));
    case "provided":
      return [`tls ${edgePaths.serverCert} ${edgePaths.serverKey}`];
    case "acme":
      return [];
  }
}

/** The auth lines of a site: who may read and who may write (see SiteAccess). */
function accessLines(site: EdgeSite, users: readonly EdgeUser[], anonymousPull: boolean): string[] {
  const everyone = accounts(users);
  const pushers = accounts(users.filter((u) => u.role === "push"));
  const write = "@write not method GET HEAD OPTIONS";
  switch (site.access) {
    case "registry":
      if (anonymousPull) {
        // Reads are open; the /v2/ ping still challenges, so clients log in (and learn the realm)
        // before they push, and a wrong password fails at `docker login`.
        return [write, "@ping path /v2/", ...block("basicauth @ping", everyone), ...block("basicauth @write", pushers)];
      }
      return [write, ...block("basicauth", everyone), ...block("basicauth @write", pushers)];
    case "ui":
      return [write, ...block("basicauth", everyone), ...block("basicauth @write", pushers)];
    case "mirror-private":
      return [write, `respond @write "pull-through cache: push to the registry instead" 405`, ...block("basicauth", everyone)];
    case "mirror-open":
      return [write, `respond @write "pull-through cache: push to the registry instead" 405`];
  }
}

function siteLines(site: EdgeSite, input: CaddyfileInput): string[] {
  const head = site.names.map((n) => siteAddress(n, site.port)).join(", ");
  const proxy = block(`reverse_proxy ${site.upstream}`, [
    // Stream layers both ways: no buffering, no response timeout for multi-GB blobs.
    "flush_interval -1",
    "header_up X-Real-IP {remote_host}",
    ...block("transport http", ["dial_timeout 10s", "keepalive 2m"]),
  ]);
  return [`# ${site.service}`, ...block(head, [...tlsLines(input.tls), "log", ...accessLines(site, input.users, input.anonymousPull), ...proxy]), ""];
}

/** The edge's Caddyfile: TLS, per-role basic auth (hash-cached) and streaming proxies. */
export function renderCaddyfile(input: CaddyfileInput): string {
  // Never touch the host's trust store (Caddy's default for its local CA).
  const global: string[] = ["admin off", "skip_install_trust"];
  if (input.tls.mode === "acme") global.push(`email ${input.tls.email}`);
  else global.push("auto_https disable_redirects");
  // HTTP/1.1 over TCP: the published ports are TCP, and in npm run bench HTTP/2 flow control cut
  // large-blob pulls through the edge further below direct than HTTP/1.1 did.
  global.push(...block("servers", ["metrics", "protocols h1"]));
  if (input.tls.mode === "internal") {
    global.push(
      ...block("pki", block(`ca ${input.tls.caName}`, [`name "regstack ${input.tls.caName}"`, ...block("root", [`cert ${edgePaths.rootCert}`, `key ${edgePaths.rootKey}`])])),
    );
  }
  return [
    header().trimEnd(),
    ...block("", global).map((l, i) => (i === 0 ? "{" : l)),
    "",
    "# Internal only (not published): Prometheus metrics and the container healthcheck.",
    ...block(`http://:${edgePaths.metricsPort}`, ["metrics /metrics"]),
    "",
    ...input.sites.flatMap((s) => siteLines(s, input)),
  ].join("\n");
}
