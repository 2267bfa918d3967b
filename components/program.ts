import * as pulumi from "@pulumi/pulumi";
import { DockerPlatform, PlatformOutputs } from "./docker/platform";
import { SpecError } from "./spec/issues";
import { loadSpec } from "./spec/load";
import { PlatformSpec } from "./spec/types";

/** Declares the platform for a validated spec on its target. */
export function declarePlatform(spec: PlatformSpec): PlatformOutputs {
  switch (spec.target) {
    case "docker":
      return new DockerPlatform("regstack", { spec }).outputs;
  }
}

/** The whole program: read the stack config (failing before any resource on bad input), then declare. */
export function program(): PlatformOutputs {
  let spec: PlatformSpec;
  try {
    spec = loadSpec();
  } catch (err) {
    // A RunError prints its message alone, without a stack trace: the list of config problems.
    if (err instanceof SpecError) throw new pulumi.RunError(err.message);
    throw err;
  }
  return declarePlatform(spec);
}
