import * as pulumi from "@pulumi/pulumi";
import { parseSpec } from "./parse";
import { PlatformSpec } from "./types";

/** The engine's list of secret keys: exported by the SDK's runtime/config module but not typed. */
interface RuntimeConfigSecrets {
  isConfigSecret(key: string): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as RuntimeConfigSecrets;

/**
 * The only place regstack reads Pulumi config: every key of the running stack, with the list of
 * keys that are secret, handed to the pure parser.
 */
export function loadConfig(): PlatformSpec {
  const values = pulumi.runtime.allConfig();
  const secretKeys = Object.keys(values).filter((key) => runtimeConfig.isConfigSecret(key));
  return parseSpec({ values, secretKeys, stack: pulumi.getStack() });
}
