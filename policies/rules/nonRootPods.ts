/**
 * Pods run as non-root with a read-only root filesystem: each container's own security context, or
 * its pod's, says runAsNonRoot (or a non-zero runAsUser), and its root filesystem is read-only.
 * Images that cannot (the joxit UI's nginx starts as root and writes its config) are allow-listed.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { at, list, UNKNOWN } from "./props";
import { podSpecOf } from "./workloads";

export interface NonRootConfig {
  /** Image repositories allowed to run as root or with a writable root filesystem. */
  readonly allowRoot: string[];
}

const repositoryOf = (image: unknown) => (typeof image === "string" ? image.split("@")[0].replace(/:[^/:]+$/, "") : "");

export const nonRootPods: ResourceValidationPolicy = {
  name: "pods-non-root",
  description: "Pods run as non-root with a read-only root filesystem.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowRoot: {
        type: "array",
        items: { type: "string" },
        default: ["joxit/docker-registry-ui"],
        description: "Image repositories exempt (the joxit UI's nginx writes its config at start, as root).",
      },
    },
  },
  remediationSteps: "Give the service a `user` and `readOnlyRoot: true` in its description (components/platform/services/<role>.ts), with scratch directories for what it writes.",
  validateResource: (args, reportViolation) => {
    const pod = podSpecOf(args.type, args.props);
    if (pod === undefined) return;
    const allowed = args.getConfig<NonRootConfig>().allowRoot ?? [];
    const podNonRoot = at(pod, "securityContext", "runAsNonRoot");
    const podUser = at(pod, "securityContext", "runAsUser");
    for (const c of [...list(at(pod, "containers")), ...list(at(pod, "initContainers"))]) {
      const name = String(at(c, "name"));
      if (allowed.includes(repositoryOf(at(c, "image")))) continue;
      const nonRoot = at(c, "securityContext", "runAsNonRoot") ?? podNonRoot;
      const user = at(c, "securityContext", "runAsUser") ?? podUser;
      if (nonRoot === UNKNOWN || user === UNKNOWN) reportViolation(`${name}: its user is unknown at preview.`);
      else if (!(nonRoot === true || (typeof user === "number" && user > 0)) || user === 0) reportViolation(`${name}: may run as root (set runAsNonRoot or a non-zero runAsUser).`);
      const readOnly = at(c, "securityContext", "readOnlyRootFilesystem");
      if (readOnly !== true) reportViolation(`${name}: its root filesystem is ${readOnly === UNKNOWN ? "unknown at preview" : "writable"}.`);
    }
  },
};
