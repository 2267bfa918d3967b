import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/issues";
import { loadConfig, StackFileFacts } from "./config/load";
import { PlatformSpec } from "./config/types";
import { DockerPlatform } from "./docker/platform";
import { SwarmPlatform } from "./docker/swarm/platform";
import { KubernetesPlatform } from "./kubernetes/platform";
import { PlatformOutputs } from "./platform/outputs";
import { PlatformDescription } from "./platform/platform";

/** What a caller of the program may observe (the offline engine renders files from the description). */
export interface ProgramHooks {
  readonly onDescribed?: (description: PlatformDescription) => void;
  /** What the offline engine read of the stack file; under `pulumi up` the program reads it itself. */
  readonly stackFile?: StackFileFacts;
}

/** Declares the platform for a validated spec on its target. */
export function declarePlatform(spec: PlatformSpec, hooks: ProgramHooks = {}): PlatformOutputs {
  switch (spec.target.kind) {
    case "docker":
      if (spec.target.mode.kind === "swarm") return new SwarmPlatform("regstack", { spec, target: spec.target, mode: spec.target.mode, onDescribed: hooks.onDescribed }).outputs;
      return new DockerPlatform("regstack", { spec, target: spec.target, onDescribed: hooks.onDescribed }).outputs;
    case "kubernetes":
      return new KubernetesPlatform("regstack", { spec, target: spec.target, onDescribed: hooks.onDescribed }).outputs;
  }
}

/** The whole program: read the stack config (failing before any resource on bad input), then declare. */
export function program(hooks: ProgramHooks = {}): PlatformOutputs {
  let spec: PlatformSpec;
  try {
    spec = loadConfig(hooks.stackFile);
  } catch (err) {
    // A RunError prints its message alone, without a stack trace: the list of config problems.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  return declarePlatform(spec, hooks);
}
