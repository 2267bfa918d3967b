/** Reads the raw stack config into a validated PlatformSpec: decode every key, check across keys, build. */
import { CheckContext, NAMESPACE } from "./checks";
import { Decoder, Field } from "./decoders";
import { ConfigError, ConfigIssue, IssueList } from "./issues";
import { isLoopback } from "./patterns";
import { schema, TopKey } from "./schema";
import { buildBackup, checkBackup } from "./sections/backup";
import { buildClients, checkClients } from "./sections/clients";
import { buildDocker, buildDockerHosts, checkDocker } from "./sections/docker";
import { buildGc, checkGc } from "./sections/gc";
import { buildKubernetes, checkKubernetes } from "./sections/kubernetes";
import { buildMirrors, checkMirrors } from "./sections/mirrors";
import { buildMonitoring, checkMonitoring } from "./sections/monitoring";
import { checkNotifications } from "./sections/notifications";
import { checkRedis } from "./sections/registry";
import { buildRetention, checkRetention } from "./sections/retention";
import { buildSync, checkSync } from "./sections/sync";
import { buildTls, checkTls, tlsModeOf } from "./sections/tls";
import { buildFailedLogins, buildUsers, checkFailedLogins, checkUsers } from "./sections/users";
import { editDistance, unknownKeyMessage } from "./suggest";
import { PlatformSpec } from "./types";

export { NAMESPACE };

/** The stack's raw config as the engine hands it over: `regstack:key` → string (objects as JSON). */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  /** Keys marked secret (set with `pulumi config set --secret`). */
  readonly secretKeys: readonly string[];
  /** Each value the stack file holds encrypted, by full path, when the stack file was read (see CheckContext). */
  readonly secretPaths?: readonly string[];
  /**
   * Values not known here, by full path: the offline engine cannot decrypt a `secure:` value and
   * passes a placeholder. What a check finds at such a path is about the placeholder, not the value
   * `pulumi up` will see, so it is not reported (as a preview does with unknowns).
   */
  readonly unknownPaths?: readonly string[];
  readonly stack: string;
}

type Schema = typeof schema;
type FieldType<F> = F extends Field<infer T> ? T : F extends Decoder<infer T> ? T : never;
type RawSpec = { -readonly [K in TopKey]: FieldType<Schema[K]> };

/** Reads the raw config into a validated PlatformSpec, or throws a ConfigError listing every problem. */
export function parseSpec(raw: RawConfig): PlatformSpec {
  const issues = new IssueList();
  const known = Object.keys(schema);
  const given = new Map<string, unknown>();
  for (const [fullKey, text] of Object.entries(raw.values)) {
    const [namespace, ...rest] = fullKey.split(":");
    if (namespace !== NAMESPACE) {
      // Another project's key is none of ours; a near miss of ours is a typo that would be dropped.
      if (isNearMiss(namespace)) issues.add(fullKey, `unknown namespace "${namespace}"; did you mean "${NAMESPACE}:${rest.join(":")}"?`);
      continue;
    }
    const key = rest.join(":");
    if (!known.includes(key)) {
      issues.add(fullKey, unknownKeyMessage(key, known));
      continue;
    }
    given.set(key, fromConfigText(text, fullKey, issues));
  }

  const decoded: Partial<RawSpec> = {};
  for (const key of known as TopKey[]) {
    const field = schema[key] as Field<unknown>;
    const path = `${NAMESPACE}:${key}`;
    const value = given.get(key);
    const write = decoded as Record<string, unknown>;
    if (value === undefined) {
      if (field.fallback) write[key] = field.fallback();
      else if (!field.optional) issues.add(path, `is required; ${requiredHint(key)}`);
    } else {
      write[key] = field.decode(value, path, issues);
    }
  }
  const spec = decoded as RawSpec;
  const decodeFailed = !issues.empty;
  try {
    checkAcrossKeys(spec, { secretKeys: raw.secretKeys, secretPaths: raw.secretPaths, given: new Set(given.keys()) }, issues);
  } catch (err) {
    // Checks across keys read values that may have failed to decode: then the decode problems
    // already listed are what the user needs; anything else is a bug.
    if (!decodeFailed) throw err;
  }
  const unknown = new Set(raw.unknownPaths ?? []);
  const found = dedupe(issues.all).filter((i) => !unknown.has(i.path));
  if (found.length > 0) throw new ConfigError(found);
  return buildSpec(spec, raw.stack);
}

/** A namespace that is ours but for case or a typo (`Regstack`, `regstak`, `reg-stack`). */
function isNearMiss(namespace: string): boolean {
  const plain = namespace.toLowerCase().replace(/[^a-z]/g, "");
  return plain === NAMESPACE || editDistance(namespace.toLowerCase(), NAMESPACE) <= 2;
}

/** One message per key: a value that failed to decode is not also reported by a check across keys. */
function dedupe(all: readonly ConfigIssue[]): ConfigIssue[] {
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

/** Every section's checks, each guarded so one section's bad value does not hide another's problems. */
function checkAcrossKeys(spec: RawSpec, ctx: CheckContext, issues: IssueList): void {
  const checks: (() => void)[] = [
    () => (spec.target === "docker" ? checkDocker(spec, issues) : undefined),
    () => checkKubernetes(spec, ctx.given, issues),
    () => checkUsers(spec, ctx, issues),
    () => checkFailedLogins(spec, issues),
    () => checkMirrors(spec, ctx, issues),
    () => checkTls(spec, ctx, issues),
    () => checkClients(spec, tlsModeOf(spec), ctx, issues),
    () => checkNotifications(spec, ctx, issues),
    () => checkRedis(spec, issues),
    () => checkBackup(spec, ctx, issues),
    () => checkGc(spec, issues),
    () => checkRetention(spec, issues),
    () => checkSync(spec, ctx, issues),
    () => checkMonitoring(spec, ctx, issues),
  ];
  let failure: unknown;
  for (const check of checks) {
    try {
      check();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}

function buildSpec(spec: RawSpec, stack: string): PlatformSpec {
  const onKubernetes = spec.target === "kubernetes";
  return {
    stack,
    // On a cluster the default is the kind setup: NodePorts reached on the machine running the nodes.
    domain: spec.domain ?? (onKubernetes ? "localhost" : buildDockerHosts(spec)[0].address),
    loopbackOnly: !onKubernetes && isLoopback(spec.bindAddress),
    registry: spec.registry,
    ui: spec.ui,
    redis: spec.redis,
    access: { bcryptCost: spec.access.bcryptCost, anonymousPull: spec.access.anonymousPull, failedLogins: buildFailedLogins(spec) },
    tls: buildTls(spec),
    edge: spec.edge,
    users: buildUsers(spec),
    mirrors: buildMirrors(spec),
    notifications: spec.notifications,
    clients: buildClients(spec),
    data: spec.data,
    backup: buildBackup(spec),
    gc: buildGc(spec),
    retention: buildRetention(spec),
    sync: buildSync(spec),
    monitoring: buildMonitoring(spec),
    target: onKubernetes ? buildKubernetes(spec) : buildDocker(spec),
  };
}
