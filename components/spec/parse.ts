import * as pulumi from "@pulumi/pulumi";
import { createPrivateKey, X509Certificate } from "crypto";
import { Decoder, Field } from "./decoders";
import { IssueList, SpecError, SpecIssue } from "./issues";
import { schema, TopKey } from "./schema";
import { unknownKeyMessage } from "./suggest";
import { isLoopback, isPublicDnsName } from "./patterns";
import { DockerHost, MirrorSpec, PlatformSpec, TlsMode, UserSpec } from "./types";

export const NAMESPACE = "regstack";

/** The stack's raw config as the engine hands it over: `regstack:key` → string (objects as JSON). */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  /** Keys marked secret (set with `pulumi config set --secret`). */
  readonly secretKeys: readonly string[];
  readonly stack: string;
}

type Schema = typeof schema;
type FieldType<F> = F extends Field<infer T> ? T : F extends Decoder<infer T> ? T : never;
type RawSpec = { -readonly [K in TopKey]: FieldType<Schema[K]> };

/** Reads the raw config into a validated PlatformSpec, or throws a SpecError listing every problem. */
export function parseSpec(raw: RawConfig): PlatformSpec {
  const issues = new IssueList();
  const known = Object.keys(schema);
  const given = new Map<string, unknown>();
  for (const [fullKey, text] of Object.entries(raw.values)) {
    const [namespace, ...rest] = fullKey.split(":");
    if (namespace !== NAMESPACE) continue;
    const key = rest.join(":");
    if (!known.includes(key)) {
      issues.add(fullKey, unknownKeyMessage(key, known));
      continue;
    }
    given.set(key, fromConfigText(text, fullKey, issues));
  }

  const decoded: Partial<RawSpec> = {};
  for (const key of known as TopKey[]) {
    const field = schema[key] as Field<unknown> | Decoder<unknown>;
    const path = `${NAMESPACE}:${key}`;
    const value = given.get(key);
    const write = decoded as Record<string, unknown>;
    if (typeof field === "function") {
      if (value === undefined) issues.add(path, `is required; ${requiredHint(key)}`);
      else write[key] = field(value, path, issues);
    } else if (value === undefined) {
      if (field.fallback) write[key] = field.fallback();
    } else {
      write[key] = field.decode(value, path, issues);
    }
  }
  const spec = decoded as RawSpec;
  const decodeFailed = !issues.empty;
  try {
    checkCrossFields(spec, raw, issues);
  } catch (err) {
    // Checks across keys read values that may have failed to decode: then the decode problems
    // already listed are what the user needs; anything else is a bug.
    if (!decodeFailed) throw err;
  }
  if (!issues.empty) throw new SpecError(dedupe(issues.all));
  return buildSpec(spec, raw.stack);
}

/** One message per key: a value that failed to decode is not also reported by a check across keys. */
function dedupe(all: readonly SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return all.filter((i) => (seen.has(i.path) ? false : (seen.add(i.path), true)));
}

function requiredHint(key: string): string {
  if (key === "users") return 'add at least one user, e.g. [{name: "ci", role: "push"}]';
  return "set it in Pulumi.<stack>.yaml";
}

/** Pulumi hands objects and lists over as JSON text, scalars as plain text. */
function fromConfigText(text: string, path: string, issues: IssueList): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    issues.add(path, "expected a YAML object or list (the value did not parse)");
    return undefined;
  }
}

function duplicates<T>(items: readonly T[], key: (item: T) => string | number, path: (i: number) => string, what: string, issues: IssueList): void {
  const seen = new Map<string | number, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) issues.add(path(i), `${what} ${JSON.stringify(k)} is already used by entry [${first}]`);
    else seen.set(k, i);
  });
}

function checkCrossFields(spec: RawSpec, raw: RawConfig, issues: IssueList): void {
  const hosts = spec.docker.hosts;
  const hostNames = hosts.map((h) => h.name);
  duplicates(hosts, (h) => h.name, (i) => `regstack:docker.hosts[${i}].name`, "host name", issues);
  hosts.forEach((h, i) => {
    if (h.sshOpts.length > 0 && !h.url.startsWith("ssh://")) {
      issues.add(`regstack:docker.hosts[${i}].sshOpts`, "only applies to ssh:// hosts; remove it or use an ssh:// url");
    }
  });

  duplicates(spec.users, (u) => u.name, (i) => `regstack:users[${i}].name`, "user name", issues);
  if (spec.users.every((u) => u.role !== undefined) && !spec.users.some((u) => u.role === "push")) {
    issues.add("regstack:users", 'expected at least one user with role "push", or nobody can push images');
  }
  requireSecret(spec.users, "users", raw, issues);

  duplicates(spec.mirrors, (m) => m.name, (i) => `regstack:mirrors[${i}].name`, "mirror name", issues);
  spec.mirrors.forEach((m, i) => {
    const at = `regstack:mirrors[${i}]`;
    if (m.host !== undefined && !hostNames.includes(m.host)) {
      issues.add(`${at}.host`, `expected one of the hosts in regstack:docker.hosts (${hostNames.join(", ")}), got "${m.host}"`);
    }
    if (m.ttl !== undefined && spec.registry.version === "2.8") {
      issues.add(`${at}.ttl`, 'is supported by registry 3.x only; registry 2.8 keeps proxied content 7 days (remove ttl or set regstack:registry.version to "3")');
    }
    if ((m.username === undefined) !== (m.password === undefined)) {
      issues.add(m.username === undefined ? `${at}.username` : `${at}.password`, "upstream credentials need both username and password");
    }
  });
  requireSecret(spec.mirrors, "mirrors", raw, issues);

  const published: { port: number; host: string; path: string }[] = [
    { port: spec.ports.registry, host: hostNames[0], path: "regstack:ports.registry" },
  ];
  if (spec.ui.enabled) published.push({ port: spec.ports.ui, host: hostNames[0], path: "regstack:ports.ui" });
  spec.mirrors.forEach((m, i) => published.push({ port: m.port, host: m.host ?? hostNames[0], path: `regstack:mirrors[${i}].port` }));
  const taken = new Map<string, string>();
  for (const p of published) {
    const k = `${p.host}:${p.port}`;
    const first = taken.get(k);
    if (first) issues.add(p.path, `port ${p.port} on host "${p.host}" is already used by ${first}`);
    else taken.set(k, p.path);
  }

  checkTls(spec, raw, issues);
  checkClients(spec, raw, issues);

  duplicates(spec.notifications, (n) => n.name, (i) => `regstack:notifications[${i}].name`, "endpoint name", issues);
  if (spec.redis.enabled && spec.redis.maxMemoryMb >= spec.resources.redis.memoryMb) {
    issues.add(
      "regstack:redis.maxMemoryMb",
      `expected less than the Redis container limit regstack:resources.redis.memoryMb (${spec.resources.redis.memoryMb}), got ${spec.redis.maxMemoryMb}`,
    );
  }
}

/** TLS off is refused on a LAN bind, unless the stack says so explicitly nothing is served in clear. */
export function tlsModeOf(spec: { tls: { mode?: TlsMode }; bindAddress: string }): TlsMode {
  return spec.tls.mode ?? (isLoopback(spec.bindAddress) ? "off" : "internal");
}

function checkTls(spec: RawSpec, raw: RawConfig, issues: IssueList): void {
  const mode = tlsModeOf(spec);
  const tls = spec.tls;
  if (mode === "off") {
    if (!isLoopback(spec.bindAddress)) {
      issues.add("regstack:tls.mode", `"off" serves registry logins in clear text; it is only allowed with a loopback regstack:bindAddress (got ${spec.bindAddress}); use "internal", "provided" or "acme"`);
    }
    spec.users.forEach((u, i) => {
      if (u.role === "pull") {
        issues.add(`regstack:users[${i}].role`, 'pull-only users are enforced by the edge; with regstack:tls.mode "off" the registry gives every user push: use role "push" or turn TLS on');
      }
    });
    if (spec.access.anonymousPull) issues.add("regstack:access.anonymousPull", 'anonymous pull is enforced by the edge; it needs regstack:tls.mode other than "off"');
  }
  if (mode === "acme") {
    if (tls.email === undefined) issues.add("regstack:tls.email", "is required with mode acme (the ACME account's contact)");
    const domain = spec.domain ?? "";
    if (!isPublicDnsName(domain)) {
      issues.add("regstack:domain", `mode acme needs a public DNS name a public CA can validate, got ${domain ? `"${domain}"` : "none"}`);
    }
    if (tls.ips.length > 0) issues.add("regstack:tls.ips", "a public ACME CA does not issue certificates for IP addresses; remove them or use mode internal/provided");
  }
  if (tls.certificate !== undefined) {
    if (mode !== "provided") issues.add("regstack:tls.certificate", 'applies to mode "provided" only');
    checkPems(tls.certificate, issues);
    if (!raw.secretKeys.includes("regstack:tls")) {
      issues.add("regstack:tls.certificate.key", "is stored in plaintext; set it with: pulumi config set --secret --path 'regstack:tls.certificate.key' < key.pem");
    }
  }
  const validity = validityOf(mode, tls.validityHours);
  if (mode === "internal" && validity > INTERNAL_MAX_HOURS) {
    issues.add("regstack:tls.validityHours", `expected at most ${INTERNAL_MAX_HOURS} with mode internal (Caddy's intermediate lives 7 days and caps its leaves), got ${validity}`);
  }
  if (mode === "provided" && tls.earlyRenewalHours >= validity) {
    issues.add("regstack:tls.earlyRenewalHours", `expected less than regstack:tls.validityHours (${validity}), got ${tls.earlyRenewalHours}`);
  }
  if (mode !== "off" && spec.edge.routing === "port") {
    const ports = [spec.ports.registry, spec.ports.ui, ...spec.mirrors.map((m) => m.port)];
    if (mode === "acme" && ports.includes(80)) issues.add("regstack:ports", "port 80 is taken by the ACME HTTP challenge");
  }
}

function checkClients(spec: RawSpec, raw: RawConfig, issues: IssueList): void {
  duplicates(spec.clients, (c) => c.name, (i) => `regstack:clients[${i}].name`, "client name", issues);
  const users = spec.users.map((u) => u.name);
  spec.clients.forEach((c, i) => {
    const at = `regstack:clients[${i}]`;
    if (tlsModeOf(spec) === "off") {
      issues.add(at, 'needs the edge: with regstack:tls.mode "off" the platform listens on loopback only, which no other node reaches');
    }
    if (c.nodes !== undefined && c.kind !== "kind") issues.add(`${at}.nodes`, "applies to kind clients only");
    if (c.service !== undefined && c.kind !== "k3s") issues.add(`${at}.service`, "applies to k3s clients only");
    if (c.login !== undefined && c.kind !== "k3s") issues.add(`${at}.login`, "applies to k3s clients only (registries.yaml carries it; Docker hosts use docker login, kind nodes imagePullSecrets)");
    if (c.login !== undefined && !users.includes(c.login)) issues.add(`${at}.login`, `expected one of regstack:users (${users.join(", ")}), got "${c.login}"`);
    if (c.privateKey !== undefined && !raw.secretKeys.includes("regstack:clients")) {
      issues.add(`${at}.privateKey`, `is stored in plaintext; set it with: pulumi config set --secret --path '${at}.privateKey' < key`);
    }
  });
}

/** Caddy's local CA signs leaves with an intermediate that lives 7 days. */
const INTERNAL_MAX_HOURS = 168;

/** Server certificate lifetime: short-lived leaves Caddy renews itself, or a 90-day generated one. */
function validityOf(mode: TlsMode, given: number | undefined): number {
  return given ?? (mode === "internal" ? 72 : 2160);
}

function checkPems(certificate: { cert: string; key: string; ca?: string }, issues: IssueList): void {
  const at = "regstack:tls.certificate";
  let cert: X509Certificate | undefined;
  try {
    cert = new X509Certificate(certificate.cert);
  } catch (err) {
    issues.add(`${at}.cert`, `expected a PEM certificate that parses (${(err as Error).message})`);
  }
  try {
    const key = createPrivateKey(certificate.key);
    if (cert && !cert.checkPrivateKey(key)) issues.add(`${at}.key`, "does not match the certificate's public key");
  } catch (err) {
    issues.add(`${at}.key`, `expected a PEM private key that parses (${(err as Error).message})`);
  }
  if (certificate.ca !== undefined) {
    try {
      const ca = new X509Certificate(certificate.ca);
      if (cert && !cert.checkIssued(ca)) issues.add(`${at}.ca`, "did not issue the certificate");
    } catch (err) {
      issues.add(`${at}.ca`, `expected a PEM CA certificate that parses (${(err as Error).message})`);
    }
  }
}

/** Passwords kept in a stack file must be encrypted there (`pulumi config set --secret --path ...`). */
function requireSecret(entries: readonly { password?: string }[], key: string, raw: RawConfig, issues: IssueList): void {
  if (raw.secretKeys.includes(`${NAMESPACE}:${key}`)) return;
  entries.forEach((e, i) => {
    if (e.password !== undefined) {
      issues.add(
        `${NAMESPACE}:${key}[${i}].password`,
        `is stored in plaintext; set it with: pulumi config set --secret --path '${NAMESPACE}:${key}[${i}].password'`,
      );
    }
  });
}

function defaultAddress(url: string): string {
  const match = /^(?:ssh|tcp):\/\/(?:[^@/]+@)?([^/:]+)/.exec(url);
  return match ? match[1] : "localhost";
}

function buildSpec(spec: RawSpec, stack: string): PlatformSpec {
  const hosts: DockerHost[] = spec.docker.hosts.map((h) => ({
    name: h.name,
    url: h.url,
    sshOpts: h.sshOpts,
    address: h.address ?? defaultAddress(h.url),
    dataPath: h.dataPath,
  }));
  const secret = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));
  const users: UserSpec[] = spec.users.map((u) => ({ name: u.name, role: u.role, password: secret(u.password) }));
  const mirrors: MirrorSpec[] = spec.mirrors.map((m) => ({
    name: m.name,
    upstream: m.upstream.replace(/\/+$/, ""),
    port: m.port,
    host: m.host ?? hosts[0].name,
    username: m.username,
    password: secret(m.password),
    ttl: m.ttl,
  }));
  return {
    stack,
    target: spec.target,
    hosts,
    domain: spec.domain ?? hosts[0].address,
    bindAddress: spec.bindAddress,
    ports: spec.ports,
    registry: spec.registry,
    ui: spec.ui,
    redis: spec.redis,
    access: spec.access,
    tls: {
      mode: tlsModeOf(spec),
      email: spec.tls.email,
      names: spec.tls.names,
      ips: spec.tls.ips,
      validityHours: validityOf(tlsModeOf(spec), spec.tls.validityHours),
      earlyRenewalHours: spec.tls.earlyRenewalHours,
      caValidityHours: spec.tls.caValidityHours,
      certificate: spec.tls.certificate && {
        cert: spec.tls.certificate.cert,
        key: pulumi.secret(spec.tls.certificate.key),
        ca: spec.tls.certificate.ca,
      },
    },
    edge: { enabled: tlsModeOf(spec) !== "off", routing: spec.edge.routing, httpsPort: spec.edge.httpsPort },
    users,
    mirrors,
    resources: spec.resources,
    logs: spec.logs,
    notifications: spec.notifications,
    clients: spec.clients.map((c) => ({
      name: c.name,
      kind: c.kind,
      host: c.host,
      user: c.user,
      port: c.port,
      privateKey: secret(c.privateKey),
      nodes: c.kind === "kind" ? (c.nodes ?? ["kind-control-plane"]) : [],
      service: c.service ?? "k3s",
      login: c.login ?? (c.kind === "k3s" ? spec.users.find((u) => u.role === "pull")?.name : undefined),
    })),
    data: spec.data,
  };
}
