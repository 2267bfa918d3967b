import * as pulumi from "@pulumi/pulumi";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./issues";
import { parseSpec } from "./parse";
import { readStackYaml, secretPathsOf, StackFileError } from "./stackFile";
import { PlatformSpec } from "./types";

/** The engine's list of secret keys: exported by the SDK's runtime/config module but not typed. */
interface RuntimeConfigSecrets {
  isConfigSecret(key: string): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as RuntimeConfigSecrets;

/** What the stack file itself says beyond the values the engine hands over. */
export interface StackFileFacts {
  /** Each value held encrypted, by full path (`regstack:users[1].password`); undefined when no stack file was read. */
  readonly secretPaths?: readonly string[];
  /** Values the engine could not decrypt (the offline engine's placeholders), by full path. */
  readonly unknownPaths?: readonly string[];
}

/**
 * The running stack's file, as `pulumi up` reads it: Pulumi.<stack>.yaml beside Pulumi.yaml (the
 * program's working directory), or in Pulumi.yaml's `stackConfigDir`. Without one (config given
 * with `--config-file`, or from an environment) no paths are known, and the per-key secret marks
 * are all the checks have.
 */
export function readRunningStackFile(stack: string, dir = process.cwd()): StackFileFacts {
  const project = path.join(dir, "Pulumi.yaml");
  if (!existsSync(project)) return {};
  const settings = (parseYaml(readFileSync(project, "utf8")) ?? {}) as { stackConfigDir?: unknown };
  const configDir = typeof settings.stackConfigDir === "string" ? path.resolve(dir, settings.stackConfigDir) : dir;
  const file = path.join(configDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return {};
  const text = readFileSync(file, "utf8");
  try {
    const config = readStackYaml(text, path.basename(file));
    // Values an environment (Pulumi ESC) supplies are not in the file: then its paths are not all there is.
    if ((parseYaml(text) as { environment?: unknown } | null)?.environment !== undefined) return {};
    return { secretPaths: secretPathsOf(config, "regstack") };
  } catch (err) {
    // Pulumi read the file already; what it let through and regstack's reader refuses (an
    // unquoted date, a leading-zero octal) is a config problem like any other.
    if (err instanceof StackFileError) throw new ConfigError(err.problems.map((p) => ({ path: p.slice(0, p.indexOf(": ")), message: p.slice(p.indexOf(": ") + 2) })));
    throw err;
  }
}

/**
 * The only place regstack reads Pulumi config: every key of the running stack, with the keys and
 * the paths that are secret, handed to the pure parser. The offline engine passes what it read of
 * the stack file; under `pulumi up` the program reads the stack file itself.
 */
export function loadConfig(stackFile?: StackFileFacts): PlatformSpec {
  const values = pulumi.runtime.allConfig();
  const secretKeys = Object.keys(values).filter((key) => runtimeConfig.isConfigSecret(key));
  const stack = pulumi.getStack();
  const facts = stackFile ?? readRunningStackFile(stack);
  return parseSpec({ values, secretKeys, secretPaths: facts.secretPaths, unknownPaths: facts.unknownPaths, stack });
}
