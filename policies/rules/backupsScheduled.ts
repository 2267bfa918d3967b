/**
 * Advisory: a stack that keeps registry data backs it up on a schedule and drills restores. The jobs
 * are CronJobs on Kubernetes and entries of the scheduler's schedule.json on Docker.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { at, list, record } from "./props";
import { DOCKER_CONTAINER, dockerLabel, K8S_CLAIM, K8S_CRON_JOB } from "./workloads";

/** The scheduled (not suspended, not by-hand) jobs a stack declares, by name. */
export function scheduledJobs(resources: readonly PolicyResource[]): Set<string> {
  const names = new Set<string>();
  for (const r of resources) {
    if (r.type === K8S_CRON_JOB && at(r.props, "spec", "suspend") !== true) {
      const job = record(at(r.props, "metadata", "labels"))["regstack.io/job"];
      if (typeof job === "string") names.add(job);
    }
    if (r.type === DOCKER_CONTAINER) {
      for (const u of list(at(r.props, "uploads"))) {
        const file = at(u, "file");
        const content = at(u, "content");
        if (typeof file !== "string" || !file.endsWith("/schedule.json") || typeof content !== "string") continue;
        try {
          const schedule = JSON.parse(content) as { jobs?: { name?: string; schedule?: string }[] };
          for (const j of schedule.jobs ?? []) if (j.name && j.schedule) names.add(j.name);
        } catch {
          // Not a schedule regstack wrote: nothing to learn from it.
        }
      }
    }
  }
  return names;
}

/** Whether the stack keeps registry data: a registry container or claim. */
function keepsRegistryData(resources: readonly PolicyResource[]): boolean {
  return resources.some(
    (r) => (r.type === DOCKER_CONTAINER && dockerLabel(r.props, "io.regstack.role") === "registry") || (r.type === K8S_CLAIM && at(r.props, "metadata", "name") === "registry-storage"),
  );
}

export const backupsScheduled: StackValidationPolicy = {
  name: "backups-scheduled",
  description: "A stack with persistent registry data has a scheduled backup and a scheduled restore drill.",
  enforcementLevel: "advisory",
  remediationSteps: "Keep regstack:backup.enabled true (the default) with its schedule and drillSchedule.",
  validateStack: (args, reportViolation) => {
    if (!keepsRegistryData(args.resources)) return;
    const jobs = scheduledJobs(args.resources);
    if (!jobs.has("backup")) reportViolation("the registry's data has no scheduled backup.");
    if (!jobs.has("drill")) reportViolation("no restore drill is scheduled: a backup never restored is not known to restore.");
  },
};
