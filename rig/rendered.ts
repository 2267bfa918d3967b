import { existsSync, mkdirSync, readFileSync } from "fs";
import * as path from "path";
import { Evaluation } from "../offline/engine";
import { SECRETS_DIR, writeRendered } from "../offline/render";
import { evaluateConfig } from "../offline/run";
import { readStackConfig, StackConfig } from "../offline/stackConfig";

export interface RenderedStack {
  /** Directory written by the offline render (<service>/<path in the service>). */
  readonly dir: string;
  readonly evaluation: Evaluation;
  /** The offline engine's passwords, by user. */
  readonly users: Record<string, string>;
  /** A service's file's path on disk (a plain rendered file, or a secret file under secrets/). */
  file(service: string, servicePath: string): string;
}

/** A shipped stack's config (or `base`) with some top-level keys replaced (values as plain data; undefined removes a key). */
export function variant(stack: string, overrides: Record<string, unknown>, base: StackConfig = readStackConfig(stack)): StackConfig {
  const values = { ...base.values };
  for (const [key, value] of Object.entries(overrides)) {
    const full = `regstack:${key}`;
    if (value === undefined) delete values[full];
    else values[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { stack, values, secretKeys: [...base.secretKeys] };
}

/** Evaluates a config under the offline engine and writes what its resources carry into `dir`. */
export async function renderConfig(config: StackConfig, dir: string): Promise<RenderedStack> {
  const evaluation = await evaluateConfig(config);
  mkdirSync(dir, { recursive: true });
  writeRendered(evaluation, dir);
  const users = JSON.parse(readFileSync(path.join(dir, "credentials.json"), "utf8")).users as Record<string, string>;
  const file = (service: string, servicePath: string) => {
    const plain = path.join(dir, service, servicePath);
    return existsSync(plain) ? plain : path.join(dir, SECRETS_DIR, service, servicePath);
  };
  return { dir, evaluation, users, file };
}
