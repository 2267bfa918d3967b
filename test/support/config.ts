import { ConfigError, ConfigIssue } from "../../components/config/issues";
import { parseSpec, RawConfig } from "../../components/config/parse";
import { StackConfig } from "../../offline/stackConfig";
import { DockerTarget, PlatformSpec } from "../../components/config/types";

/** Builds engine-style config (objects as JSON text) from plain values keyed without the namespace. */
export function rawConfig(values: Record<string, unknown>, secretKeys: string[] = [], stack = "test"): RawConfig & StackConfig {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const full = key.includes(":") ? key : `regstack:${key}`;
    flat[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values: flat, secretKeys: secretKeys.map((k) => (k.includes(":") ? k : `regstack:${k}`)), stack };
}

/** A valid minimal config to vary in tests. */
export const minimal = { users: [{ name: "ci", role: "push" }] };

const within = (p: string, key: string) => p === key || p.startsWith(`${key}.`) || p.startsWith(`${key}[`);

/** A copy of a stack config with one top-level key replaced (value given as plain data). */
export function withKey(config: StackConfig, key: string, value: unknown, secret = false): StackConfig {
  const full = `regstack:${key}`;
  return {
    stack: config.stack,
    values: { ...config.values, [full]: typeof value === "string" ? value : JSON.stringify(value) },
    secretKeys: secret ? [...new Set([...config.secretKeys, full])] : config.secretKeys,
    // The replaced value is secret as a whole or not at all; the other keys keep their paths.
    secretPaths: config.secretPaths && [...config.secretPaths.filter((p) => !within(p, full)), ...(secret ? [full] : [])],
    // The new value is known, placeholder or not: only the other keys' placeholders stay unknown.
    unknownPaths: config.unknownPaths?.filter((p) => !within(p, full)),
  };
}

/** A top-level key's current value in a stack config, parsed. */
export function keyValue<T>(config: StackConfig, key: string): T {
  return JSON.parse(config.values[`regstack:${key}`]) as T;
}

/** Every problem the spec layer finds in a config ([] when it is valid). */
export function problemsOf(values: Record<string, unknown>, secretKeys: string[] = []): ConfigIssue[] {
  try {
    parseSpec(rawConfig(values, secretKeys));
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
  return [];
}

/** The spec's Docker target (the test fails when the stack targets something else). */
export function dockerOf(spec: PlatformSpec): DockerTarget {
  if (spec.target.kind !== "docker") throw new Error(`expected a docker target, got ${spec.target.kind}`);
  return spec.target;
}
