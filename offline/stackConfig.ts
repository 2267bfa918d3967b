import { createHash } from "crypto";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { isSecure, readStackYaml, secretPathsOf } from "../components/config/stackFile";

/** A stack's config as the engine would hand it to the program: flat key → text, and secret keys. */
export interface StackConfig {
  readonly stack: string;
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
  /** Each value held encrypted, by full path (`regstack:users[1].password`); unset for a config built in memory, where `secretKeys` marks whole keys. */
  readonly secretPaths?: string[];
  /** The values read as placeholders (every encrypted one: the offline engine cannot decrypt), by full path. */
  readonly unknownPaths?: string[];
}

export const PROJECT = "regstack";
export const ROOT = path.resolve(__dirname, "..");

export function stackFile(stack: string): string {
  return path.join(ROOT, `Pulumi.${stack}.yaml`);
}

/** Every Pulumi.<stack>.yaml shipped in the repository. */
export function shippedStacks(): string[] {
  const { readdirSync } = require("fs") as typeof import("fs");
  return readdirSync(ROOT)
    .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The shipped stacks that deploy to a target (`regstack:target`, docker when unset). */
export function stacksOn(target: "docker" | "kubernetes"): string[] {
  return shippedStacks().filter((stack) => (readStackConfig(stack).values["regstack:target"] ?? "docker") === target);
}

/** The value a `secure:` entry gets offline: deterministic per stack and key path, never a real secret. */
export function placeholderSecret(stack: string, keyPath: string): string {
  return `offline-${createHash("sha256").update(`${stack}/${keyPath}`).digest("hex").slice(0, 24)}`;
}

function replaceSecure(value: unknown, stack: string, keyPath: string, found: { any: boolean }): unknown {
  if (isSecure(value)) {
    found.any = true;
    return placeholderSecret(stack, keyPath);
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, stack, `${keyPath}[${i}]`, found));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, stack, `${keyPath}.${k}`, found)]));
  }
  return value;
}

/** Reads a stack file (Pulumi.<stack>.yaml, or any file given with --config-file) into engine config. */
export function readStackConfig(stack: string, file = stackFile(stack)): StackConfig {
  if (!existsSync(file)) throw new Error(`no stack file ${file}`);
  return parseStackFile(stack, readFileSync(file, "utf8"), path.relative(process.cwd(), file) || file);
}

/** A stack file's text (as a git ref holds it) into engine config; `file` names it in messages. */
export function parseStackFile(stack: string, text: string, file = `Pulumi.${stack}.yaml`): StackConfig {
  const config = readStackYaml(text, file);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    const found = { any: false };
    const value = replaceSecure(raw, stack, fullKey, found);
    // An empty value is the empty text, as Pulumi hands it over (never the text "null").
    values[fullKey] = value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
    if (found.any) secretKeys.push(fullKey);
  }
  const secretPaths = secretPathsOf(config, PROJECT);
  return { stack, values, secretKeys, secretPaths, unknownPaths: secretPaths };
}
