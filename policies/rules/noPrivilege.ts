/** No privileged container (but the allow-listed images) and no container with the Docker socket. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN } from "./props";
import { containersOf } from "./workloads";

export interface NoPrivilegeConfig {
  /** Image repositories that may run privileged (cAdvisor reads the host's cgroups). */
  readonly allowPrivileged: string[];
}

const SOCKETS = /(^|\/)(docker|containerd|podman)\.sock$|^\/var\/run\/?$|^\/run\/?$/;

function repository(image: unknown): string {
  if (typeof image !== "string") return "";
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export const noPrivilege: ResourceValidationPolicy = {
  name: "no-privilege",
  description: "No privileged container except the allow-list (cAdvisor); no container mounts the Docker socket (it is root on the host).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowPrivileged: { type: "array", items: { type: "string" }, default: ["gcr.io/cadvisor/cadvisor"], description: "Image repositories allowed to run privileged." },
    },
  },
  remediationSteps: "Drop `privileged` and mount no Docker socket: regstack stops writes at the edge instead of controlling containers.",
  validateResource: (args, reportViolation) => {
    const config = args.getConfig<NoPrivilegeConfig>();
    for (const c of containersOf(args.type, args.props)) {
      if (c.privileged === UNKNOWN) reportViolation(`${c.name}: whether it is privileged is unknown at preview.`);
      else if (c.privileged === true && !(config.allowPrivileged ?? []).includes(repository(c.image))) reportViolation(`${c.name}: runs privileged (${repository(c.image) || "unknown image"} is not in allowPrivileged).`);
      for (const p of c.hostPaths) {
        if (p === UNKNOWN) reportViolation(`${c.name}: mounts a host path unknown at preview.`);
        else if (typeof p === "string" && SOCKETS.test(p)) reportViolation(`${c.name}: mounts ${p}, which holds the container engine's socket.`);
      }
    }
  },
};
