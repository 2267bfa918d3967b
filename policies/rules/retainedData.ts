/**
 * Registry data and backups outlive `pulumi destroy`: their Docker volumes and claims are retained
 * (retainOnDelete) or protected. The policy SDK exposes `protect` but not `retainOnDelete`; the
 * offline engine gives both, so under `pulumi preview` an unprotected volume is reported even when
 * it is retained (protect it, as every stack but local does).
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { at } from "./props";
import { dockerLabel, DOCKER_VOLUME, K8S_CLAIM } from "./workloads";

export interface RetainedDataConfig {
  /** Values of a Docker volume's io.regstack.data label that hold registry data or backups. */
  readonly dockerData: string[];
  /** Names of the claims that hold registry data or backups. */
  readonly claims: string[];
}

/** Whether the engine keeps the resource through destroy. */
function kept(args: ResourceValidationArgs): boolean {
  const opts = args.opts as ResourceValidationArgs["opts"] & { retainOnDelete?: boolean };
  return opts.protect === true || opts.retainOnDelete === true;
}

export const retainedData: ResourceValidationPolicy = {
  name: "data-retained",
  description: "Registry data and backup volumes or claims are retained on delete or protected.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      dockerData: { type: "array", items: { type: "string" }, default: ["registry", "backup"], description: "io.regstack.data label values of data volumes." },
      claims: { type: "array", items: { type: "string" }, default: ["registry-storage", "backup-storage"], description: "Claim names of data." },
    },
  },
  remediationSteps: "Keep regstack:data.deleteOnDestroy false (the default) and regstack:data.protect true; never delete registry data with destroy.",
  validateResource: (args, reportViolation) => {
    const data =
      (args.type === DOCKER_VOLUME && (args.getConfig<RetainedDataConfig>().dockerData ?? []).includes(String(dockerLabel(args.props, "io.regstack.data")))) ||
      (args.type === K8S_CLAIM && (args.getConfig<RetainedDataConfig>().claims ?? []).includes(String(at(args.props, "metadata", "name"))));
    if (data && !kept(args)) reportViolation(`${args.name}: holds registry data or backups but is neither protected nor retained on delete.`);
  },
};
