/** Every container and pod container has a memory limit (a NAS runs out of memory otherwise). */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf } from "./workloads";

export const memoryLimits: ResourceValidationPolicy = {
  name: "memory-limits",
  description: "Containers and pods have memory limits.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set the role's limit in regstack:resources (Docker, memoryMb) or regstack:kubernetes.resources (limits.memory).",
  validateResource: (args, reportViolation) => {
    // A limit computed at preview (unknown) is still a limit: only a missing one is reported.
    for (const c of containersOf(args.type, args.props)) {
      if (c.memoryLimit === undefined || c.memoryLimit === null) reportViolation(`${c.name}: no memory limit.`);
    }
  },
};
