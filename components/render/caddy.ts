import { basicPrefixPattern, knownUsersPattern } from "./basicUsers";
import { edgePaths } from "./paths";
import { header } from "./yaml";

/**
 * Who may do what on a site:
 * - registry: writes need a push user (a pull user gets 403 DENIED); reads need any user unless
 *   anonymous pull is on;
 * - ui: like the registry, never anonymous; its `/v2/` goes to the registry from the edge;
 * - mirror: a pull-through cache, read-only (writes get 405 UNSUPPORTED); reads need any user
 *   (mirror-private) or none (mirror-open, see cacheIsOpen);
 * - app: an application with its own login (Grafana): the edge adds TLS and passes every request,
 *   Authorization included, on to it;
 * - metrics: another host's services' metrics for Prometheus (`metricsRoutes`), read with the scrape
 *   login only (the scrapers file, never the registry's users).
 */
export type SiteAccess = "registry" | "ui" | "mirror-open" | "mirror-private" | "app" | "metrics";

/** On a metrics site: `path` (GET) is answered with the metrics at `upstream` (host:port, its /metrics). */
export interface MetricsRoute {
  readonly path: string;
  readonly upstream: string;
}

export interface EdgeSite {
  /** Comment naming the service. */
  readonly service: string;
  /** Names and IPs the site answers to (TLS); ignored on a plain-HTTP edge, which answers any name. */
  readonly names: readonly string[];
  /** The port Caddy listens on (published as the same port). */
  readonly port: number;
  /** host:port of the service behind it. */
  readonly upstream: string;
  readonly access: SiteAccess;
  /**
   * The UI's site: host:port of the registry, which serves the site's `/v2/` itself under the same
   * rules as the registry's site (the UI's pages call their own origin's `/v2/`), so the UI needs
   * no path to the registry and a pull user cannot delete through it.
   */
  readonly registryApi?: string;
  /** A metrics site's routes (access "metrics"); `upstream` is then unused. */
  readonly metricsRoutes?: readonly MetricsRoute[];
}

export type EdgeTls =
  | { readonly mode: "off" }
  | { readonly mode: "internal"; readonly caName: string; readonly leafLifetimeHours: number }
  | { readonly mode: "provided" }
  | { readonly mode: "acme"; readonly email: string };

export interface CaddyfileInput {
  readonly tls: EdgeTls;
  /** Users whose role is pull: refused writes with the registry's 403 DENIED. Names only; the hashes live in the users file. */
  readonly pullUsers: readonly string[];
  /** The names in the scrapers file, on an edge with a metrics site. */
  readonly scrapeUsers?: readonly string[];
  readonly anonymousPull: boolean;
  readonly sites: readonly EdgeSite[];
  /** With a failed-login guard: the access log it follows, and the directory of the addresses it blocks. */
  readonly guard?: EdgeGuard;
  /**
   * While this file exists, the registry's sites refuse writes with 503 and Retry-After (garbage
   * collection, restore); reads go on. Checked on every request, so no reload is needed.
   */
  readonly freezeFile?: string;
}

/** What the edge shares with its failed-login guard. */
export interface EdgeGuard {
  /** The JSON access log every site writes (rolled), instead of the edge's own output. */
  readonly accessLog: string;
  /** A file named after a client's address here refuses that address. */
  readonly blockedDir: string;
  /** How long a block lasts: the Retry-After of a refusal. */
  readonly blockSeconds: number;
}

/** What a client is told to wait before it retries a write refused during maintenance. */
export const FREEZE_RETRY_AFTER_SECONDS = 60;

/** A user as the edge checks it: a name and a bcrypt hash (the users file, a secret). */
export interface EdgeUser {
  readonly name: string;
  readonly hash: string;
}

/** How long a client may take to send its headers, keep a connection idle, and how large its headers may be. */
export const EDGE_LIMITS = { readHeader: "10s", idle: "2m", maxHeaderSize: "32KB" } as const;

const TAB = "\t";
const REALM = "regstack";
const SCRAPE_REALM = "regstack-metrics";

function block(head: string, lines: readonly string[], depth = 0): string[] {
  const pad = TAB.repeat(depth);
  return [`${pad}${head} {`, ...lines.map((l) => `${pad}${TAB}${l}`), `${pad}}`];
}

function siteAddress(name: string, port: number): string {
  const host = name.includes(":") ? `[${name}]` : name;
  return port === 443 ? `https://${host}` : `https://${host}:${port}`;
}

function tlsLines(tls: EdgeTls): string[] {
  switch (tls.mode) {
    case "internal":
      return block("tls", block("issuer internal", ["ca regstack", `lifetime ${tls.leafLifetimeHours}h`]));
    case "provided":
      return [`tls ${edgePaths.serverCert} ${edgePaths.serverKey}`];
    case "acme":
    case "off":
      return [];
  }
}

/** A refusal in the registry's own JSON error format, so clients say why (not "authentication required"). */
function jsonRefusal(matcher: string, status: number, code: string, message: string): string[] {
  return [
    `header ${matcher} Content-Type "application/json; charset=utf-8"`,
    `header ${matcher} Docker-Distribution-Api-Version registry/2.0`,
    `respond ${matcher} \`${JSON.stringify({ errors: [{ code, message, detail: null }] })}\` ${status}`,
  ];
}

/**
 * Basic auth against a users file, for the requests `scope` selects (its `conditions`), or all. Caddy
 * caches a verified hash, so a correct login costs once; a wrong password costs one bcrypt. A header
 * naming no user of the file is refused first, from its text alone (basicUsers.ts): Caddy would check
 * it against a fake hash of cost 14. Its 401 carries the same challenge as basicauth's.
 */
function basicauth(scope: Scope, known: Known, file: string, realm: string): { matchers: string[]; handlers: string[] } {
  const stranger = `@stranger${scope.name ? `-${scope.name}` : ""}`;
  return {
    matchers: block(stranger, [...scope.conditions, "header Authorization *", "names" in known ? knownCondition(known.names) : `import ${known.file}`]),
    handlers: [
      `header ${stranger} WWW-Authenticate \`Basic realm="${realm}"\``,
      `error ${stranger} 401`,
      ...block(`basicauth${scope.name ? ` @${scope.name}` : ""} bcrypt ${realm}`, [`import ${file}`]),
    ],
  };
}

/** Who a users file holds: their names written in place, or the names file that says it. */
type Known = { readonly names: readonly string[] } | { readonly file: string };

/** The matcher condition "the header names nobody of these". */
function knownCondition(names: readonly string[]): string {
  return `not header_regexp Authorization \`${knownUsersPattern(names)}\``;
}

/**
 * The names file the Caddyfile imports into its stranger matchers: the users' names, so adding a user
 * changes this file and the users file, never the Caddyfile. Reloaded in place.
 */
export function renderKnownNames(names: readonly string[]): string {
  return `# The users of the users file; a Basic header naming anyone else is refused before any bcrypt.\n# ${[...names].sort().join(" ")}\n${knownCondition(names)}\n`;
}

/** Which requests an authentication covers: a named matcher and its conditions, or every request. */
interface Scope {
  readonly name?: string;
  readonly conditions: readonly string[];
}

const ALL: Scope = { conditions: [] };
const WRITES: Scope = { name: "write", conditions: ["not method GET HEAD OPTIONS"] };
const PING: Scope = { name: "ping", conditions: ["path /v2/"] };

/** A scope's named matcher on one line (`@write not method GET HEAD OPTIONS`). */
const matcherOf = (scope: Scope): string => `@${scope.name} ${scope.conditions.join(" ")}`;
const WRITE = matcherOf(WRITES);

/** Matchers and handlers of a site, in the order they run (see SiteAccess). */
function accessLines(site: EdgeSite, input: CaddyfileInput): { matchers: string[]; handlers: string[] } {
  const denied = input.pullUsers.length > 0 ? block("@denied", ["not method GET HEAD OPTIONS", `vars {http.auth.user.id} ${input.pullUsers.join(" ")}`]) : [];
  const deny = input.pullUsers.length > 0 ? jsonRefusal("@denied", 403, "DENIED", "requested access to the resource is denied") : [];
  const readOnly = jsonRefusal("@write", 405, "UNSUPPORTED", "this is a pull-through cache; push to the registry instead");
  const users = (scope: Scope) => basicauth(scope, { file: edgePaths.namesFile }, edgePaths.usersFile, REALM);
  switch (site.access) {
    case "registry":
      if (input.anonymousPull) {
        // Reads are open; the /v2/ ping still challenges, so clients log in before they push and a
        // wrong password fails at `docker login`.
        const [ping, write] = [users(PING), users(WRITES)];
        return { matchers: [WRITE, matcherOf(PING), ...ping.matchers, ...write.matchers, ...denied], handlers: [...ping.handlers, ...write.handlers, ...deny] };
      }
      return { matchers: [WRITE, ...users(ALL).matchers, ...denied], handlers: [...users(ALL).handlers, ...deny] };
    case "ui":
      return { matchers: [WRITE, ...users(ALL).matchers, ...denied], handlers: [...users(ALL).handlers, ...deny] };
    case "mirror-private":
      return { matchers: [WRITE, ...users(ALL).matchers], handlers: [...readOnly, ...users(ALL).handlers] };
    case "mirror-open":
      return { matchers: [WRITE], handlers: [...readOnly] };
    case "app":
    case "metrics":
      return { matchers: [], handlers: [] };
  }
}

/** The sites that check the users file: their failed logins are logged by name. */
const LOGIN_SITES: readonly SiteAccess[] = ["registry", "ui", "mirror-private"];

/** Writes refused while the freeze file exists, after authentication (a stranger still gets 401). */
function frozenLines(freezeFile: string): { matchers: string[]; handlers: string[] } {
  const dir = freezeFile.slice(0, freezeFile.lastIndexOf("/"));
  const name = freezeFile.slice(freezeFile.lastIndexOf("/"));
  return {
    matchers: block("@frozen", ["not method GET HEAD OPTIONS", ...block("file", [`root ${dir}`, `try_files ${name}`])]),
    handlers: [
      `header @frozen Retry-After ${FREEZE_RETRY_AFTER_SECONDS}`,
      ...jsonRefusal("@frozen", 503, "UNAVAILABLE", "the registry is read-only during maintenance (garbage collection or restore); retry shortly"),
    ],
  };
}

/**
 * The edge's own 401 in the registry's format, with the header clients look for. On a site with
 * logins, a failed one is logged with the user name it tried first (`logins`: loginErrorLines).
 */
function unauthorizedLines(logins: readonly string[]): string[] {
  const [type, api, respond] = jsonRefusal("@unauthorized", 401, "UNAUTHORIZED", "authentication required");
  return block("handle_errors", ["@unauthorized expression {err.status_code} == 401", ...block("route", [api, ...logins, type, respond])]);
}

/**
 * A failed login's user name, in the edge's error log (its output, with the client's address).
 * Caddy 2.6 logs a request's headers as they arrived (a site's request_header never shows there),
 * redacts Authorization, and its log filters rewrite the live request's headers: a filter on
 * Authorization failed every correct login (measured). What it does log is an error raised while
 * handling another. So a 401 whose header names a user (basicUsers.ts) raises "failed login as
 * <name>", and one that names nobody "failed login as an unknown user". An unknown name itself is
 * not written: a header_regexp can capture the base64 of "name:" without a bit of the password, but
 * Caddy 2.6.2 expands no placeholder in an `error` message (measured), so nothing can write it. The
 * client then gets the 401 with its challenge and the API version header, and no JSON body, whether
 * the name was known or not.
 */
function loginErrorLines(names: readonly string[]): string[] {
  const failed = "expression {err.status_code} == 401";
  return [
    ...[...new Set(names)].sort().flatMap((name, i) => [
      ...block(`@login-${i}`, [failed, `header_regexp Authorization \`^(?i:basic) ${basicPrefixPattern(name)}\``]),
      `error @login-${i} "failed login as ${name}" 401`,
    ]),
    ...block("@login-unknown", [failed, "header Authorization *", knownCondition(names)]),
    'error @login-unknown "failed login as an unknown user" 401',
  ];
}

/**
 * The logins file a site's error handling imports (loginErrorLines): written with the users file, as
 * a secret like it, so adding a user never changes the Caddyfile. Reloaded in place.
 */
export function renderLoginErrors(names: readonly string[]): string {
  return `# A failed login is logged with the user name it tried: one matcher per user of the users file.\n${loginErrorLines(names).join("\n")}\n`;
}

/**
 * A distribution 500 says why in its `detail`: a storage driver's error with the path on disk, or a
 * cache's upstream error. The client gets the code and a plain message; the registry's log keeps the
 * detail. The registry's own headers (API version, correlation) are passed on.
 */
const MASKED_SERVER_ERROR = [
  "@failed status 500",
  ...block("handle_response @failed", [
    ...block("copy_response_headers", ["include Docker-Distribution-Api-Version X-Request-Id"]),
    "header Content-Type application/json",
    `respond \`${JSON.stringify({ errors: [{ code: "UNKNOWN", message: "the registry could not serve this request; its log says why" }] })}\` 500`,
  ]),
];

/**
 * A streaming proxy to `upstream` (for the requests `matcher` selects, or all). Users' passwords stop
 * here unless the site is an app that checks its own logins. A distribution upstream's 500s are
 * masked (`distribution`).
 */
function proxyLines(upstream: string, options: { matcher?: string; passAuthorization?: boolean; distribution?: boolean } = {}): string[] {
  return block(`reverse_proxy ${options.matcher ? `${options.matcher} ` : ""}${upstream}`, [
    // Stream layers both ways: no buffering, no response timeout for multi-GB blobs.
    "flush_interval -1",
    "header_up X-Real-IP {remote_host}",
    // Nothing behind the edge checks the registry's passwords, and the platform network is plain.
    ...(options.passAuthorization ? [] : ["header_up -Authorization"]),
    ...block("transport http", ["dial_timeout 10s", "keepalive 2m"]),
    ...(options.distribution ? MASKED_SERVER_ERROR : []),
  ]);
}

/**
 * A metrics site: the scrape login, reads only, and one route per service (its /metrics); anything
 * else is 404. The login's Authorization header stops here, as on every other site.
 */
function metricsBody(routes: readonly MetricsRoute[], scrapers: readonly string[], blocked: { matchers: string[]; handlers: string[] }): string[] {
  const login = basicauth(ALL, { names: scrapers }, edgePaths.scrapersFile, SCRAPE_REALM);
  return [
    "@notread not method GET HEAD",
    ...blocked.matchers,
    ...login.matchers,
    ...block("route", [
      ...blocked.handlers,
      ...login.handlers,
      'respond @notread "metrics are read-only" 405',
      ...routes.flatMap((r) => block(`handle ${r.path}`, ["rewrite * /metrics", ...proxyLines(r.upstream)])),
      'respond "no such metrics" 404',
    ]),
  ];
}

/** A site's access log: the edge's output, or the file its guard follows (rolled at 16 MiB, one kept). */
function logLines(guard: EdgeGuard | undefined): string[] {
  return guard ? block("log", block(`output file ${guard.accessLog}`, ["roll_size 16MiB", "roll_keep 1"])) : ["log"];
}

/** An address the guard blocked is refused first, before any bcrypt, in the registry's format. */
function blockedLines(guard: EdgeGuard | undefined): { matchers: string[]; handlers: string[] } {
  if (!guard) return { matchers: [], handlers: [] };
  return {
    matchers: block("@blocked", block("file", [`root ${guard.blockedDir}`, "try_files /{remote_host}"])),
    handlers: [`header @blocked Retry-After ${guard.blockSeconds}`, ...jsonRefusal("@blocked", 429, "TOOMANYREQUESTS", "too many failed logins from this address; retry later")],
  };
}

function siteLines(site: EdgeSite, input: CaddyfileInput): string[] {
  const head = input.tls.mode === "off" ? `http://:${site.port}` : site.names.map((n) => siteAddress(n, site.port)).join(", ");
  const hsts = input.tls.mode === "off" ? [] : ['header Strict-Transport-Security "max-age=31536000"'];
  const blocked = blockedLines(input.guard);
  if (site.access === "metrics") {
    return [`# ${site.service}`, ...block(head, [...tlsLines(input.tls), ...logLines(input.guard), ...hsts, ...metricsBody(site.metricsRoutes ?? [], input.scrapeUsers ?? [], blocked), ...unauthorizedLines(loginErrorLines(input.scrapeUsers ?? []))]), ""];
  }
  // The UI's own /v2/ goes to the registry first; the rest of its pages to the UI.
  const distribution = site.access === "registry" || site.access === "mirror-open" || site.access === "mirror-private";
  const proxy = [
    ...(site.registryApi ? proxyLines(site.registryApi, { matcher: "/v2/*", distribution: true }) : []),
    ...proxyLines(site.upstream, { passAuthorization: site.access === "app", distribution }),
  ];
  const access = accessLines(site, input);
  const writesRegistry = site.access === "registry" || site.registryApi !== undefined;
  const frozen = writesRegistry && input.freezeFile ? frozenLines(input.freezeFile) : { matchers: [], handlers: [] };
  // `route` runs its handlers in the order written: authenticate, refuse, then proxy.
  // Browsers that reached a TLS site once never fall back to plain HTTP for it.
  const body = [
    ...tlsLines(input.tls),
    ...logLines(input.guard),
    ...hsts,
    ...blocked.matchers,
    ...access.matchers,
    ...frozen.matchers,
    ...block("route", [...blocked.handlers, ...access.handlers, ...frozen.handlers, ...proxy]),
    ...unauthorizedLines(LOGIN_SITES.includes(site.access) ? [`import ${edgePaths.loginsFile}`] : []),
  ];
  return [`# ${site.service}`, ...block(head, body), ""];
}

/**
 * A TLS port's catch-all: a client that reached a site's certificate (by its SNI) but asks for another
 * host name gets 421 Misdirected Request in the registry's format, not Caddy's empty 200. An unknown
 * SNI still fails the handshake: the catch-all has no name, so no certificate is made for it. It has
 * no `tls` options: with Caddy 2.6 a catch-all's own issuer replaced the named sites' (their leaves
 * came from Caddy's default local CA instead of regstack's intermediate).
 */
function unknownHostLines(port: number, guard: EdgeGuard | undefined): string[] {
  const address = port === 443 ? "https://" : `https://:${port}`;
  const body = [
    ...logLines(guard),
    'header Content-Type "application/json; charset=utf-8"',
    `respond \`${JSON.stringify({ errors: [{ code: "UNSUPPORTED", message: "this edge serves no site of that host name", detail: null }] })}\` 421`,
  ];
  return [`# any other host name on port ${port}`, ...block(address, body), ""];
}

/** The users file the Caddyfile imports: one `name hash` line per user, sorted. Secret. */
export function renderEdgeUsers(users: readonly EdgeUser[]): string {
  return [...users]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((u) => `${u.name} ${u.hash}\n`)
    .join("");
}

/**
 * The edge's Caddyfile: TLS (or plain HTTP on a loopback stack), per-role basic auth against the
 * imported users file, refusals in the registry's JSON format, and streaming proxies. It holds no
 * secret: the hashes and keys are separate files.
 */
export function renderCaddyfile(input: CaddyfileInput): string {
  // Never touch the host's trust store (Caddy's default for its local CA); no admin endpoint.
  const global: string[] = ["admin off", "skip_install_trust"];
  if (input.tls.mode === "acme") global.push(`email ${input.tls.email}`);
  else if (input.tls.mode === "off") global.push("auto_https off");
  else global.push("auto_https disable_redirects");
  // HTTP/1.1 over TCP: in npm run bench HTTP/2 flow control cut large-blob pulls through the edge
  // further below direct than HTTP/1.1 did.
  // Unfinished requests are not held: headers (and the TLS handshake) must arrive within
  // READ_HEADER, idle keep-alive connections close after IDLE, headers are bounded. No body or write
  // timeout: multi-GB layers stream for as long as they take.
  global.push(...block("servers", ["metrics", "protocols h1", ...block("timeouts", [`read_header ${EDGE_LIMITS.readHeader}`, `idle ${EDGE_LIMITS.idle}`]), `max_header_size ${EDGE_LIMITS.maxHeaderSize}`]));
  if (input.tls.mode === "internal") {
    // Caddy signs leaves with the intermediate regstack issued; the root key never leaves Pulumi
    // state. Caddy 2.6-2.8 demand a root key file although an intermediate is given and the root key
    // is then never read (caddy issue 7422): the intermediate's key stands in.
    const ca = block("ca regstack", [
      `name "${input.tls.caName}"`,
      ...block("root", [`cert ${edgePaths.rootCert}`, `key ${edgePaths.intermediateKey}`]),
      ...block("intermediate", [`cert ${edgePaths.intermediateCert}`, `key ${edgePaths.intermediateKey}`]),
    ]);
    global.push(...block("pki", ca));
  }
  return [
    header().trimEnd(),
    ...block("", global).map((l, i) => (i === 0 ? "{" : l)),
    "",
    "# Internal only (not published): Prometheus metrics and the container healthcheck.",
    ...block(`http://:${edgePaths.metricsPort}`, ["metrics /metrics"]),
    "",
    ...input.sites.flatMap((s) => siteLines(s, input)),
    ...(input.tls.mode === "off" ? [] : [...new Set(input.sites.map((s) => s.port))].sort((a, b) => a - b).flatMap((port) => unknownHostLines(port, input.guard))),
  ].join("\n");
}
