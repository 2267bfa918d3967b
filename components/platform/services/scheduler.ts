/**
 * The scheduler service (Docker and Swarm targets): one container on the registry's node that runs
 * the scheduled jobs, unprivileged and without the Docker socket. It mounts the registry's storage,
 * the jobs' working space, the backup repository when it is on the node, and the maintenance volume
 * it shares with the edge; it borrows restic and the registry binary from their pinned images.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, Secret } from "../../config/types";
import { ImageRole, programIn } from "../../images";
import { renderDrillRegistryConfig } from "../../render/jobs/drill";
import { RUNTIME_FILES, runtimeFile } from "../../render/jobs/runtimeFiles";
import { renderRegsyncConfig } from "../../render/jobs/regsync";
import { renderRetentionRules } from "../../render/jobs/retention";
import { renderSchedule } from "../../render/jobs/schedule";
import { jobPaths, registryPaths } from "../../render/paths";
import { BorrowedProgram, DataMount, KeepPolicy, ServiceDescription, ServiceFile } from "../description";
import { JobConfigDir, ScheduledJob } from "../jobs";
import { internalAddresses, internalNames } from "../topology";
import { REGISTRY_USER } from "./distribution";

export interface SchedulerServiceArgs {
  readonly spec: PlatformSpec;
  readonly placement: string;
  readonly jobs: readonly ScheduledJob[];
  /** The registry's config.yml as the registry has it (garbage-collect reads it): secret when the registry's is. */
  readonly registryConfig: { readonly content: pulumi.Input<string>; readonly secret: boolean };
  /** Services on the node whose live config directory the backup includes (secret files excluded). */
  readonly configOf: readonly JobConfigDir[];
  /** The backup repository when it is on the node (a volume or a host path). */
  readonly repositoryKeep: KeepPolicy;
}

export const SCHEDULER_ID = "scheduler";
/** The name of the jobs' working space (its metrics directory holds their textfiles). */
export const SCHEDULER_STATE = "jobs";

function borrowed(jobs: readonly ScheduledJob[]): BorrowedProgram[] {
  const roles = [...new Set(jobs.flatMap((j) => j.programs))].sort();
  return roles.map((image: ImageRole) => {
    const from = (programIn as Partial<Record<ImageRole, string>>)[image];
    if (from === undefined) throw new Error(`no program path is known for image ${image}`);
    return { image, from, name: image.startsWith("registry") ? "registry" : image };
  });
}

export function schedulerService(args: SchedulerServiceArgs): ServiceDescription {
  const { spec, jobs } = args;
  const secretEnv: Record<string, Secret> = {};
  for (const job of jobs) Object.assign(secretEnv, job.secretEnv);
  const schedule = renderSchedule({
    stack: spec.stack,
    metricsDir: jobPaths.metrics,
    lockDir: jobPaths.locks,
    freezeFile: jobPaths.freezeFile,
    heartbeatFile: jobPaths.heartbeat,
    webhooks: spec.notifications,
    jobs: jobs.map((j) => ({
      name: j.name,
      schedule: j.schedule,
      group: j.group,
      command: ["/bin/sh", `${jobPaths.dir}/${j.script}`],
      env: j.env,
      timeoutSeconds: j.timeoutSeconds,
    })),
  });
  const file = (path: string, content: pulumi.Input<string>, mode = "0444"): ServiceFile => ({ path, content, secret: false, onChange: "restart", mode });
  const files: ServiceFile[] = [
    ...RUNTIME_FILES.map((name) => file(`${jobPaths.dir}/${name}`, runtimeFile(name), name.endsWith(".sh") ? "0555" : "0444")),
    // Webhook headers (tokens among them) make the schedule a secret file, like the registry's config.
    spec.notifications.some((n) => Object.keys(n.headers).length > 0) ? { ...file(jobPaths.schedule, pulumi.secret(schedule)), secret: true } : file(jobPaths.schedule, schedule),
    { ...file(jobPaths.registryConfig, args.registryConfig.content), secret: args.registryConfig.secret },
    file(jobPaths.drillConfig, renderDrillRegistryConfig(spec.registry.version)),
    ...(spec.retention ? [file(jobPaths.retentionRules, renderRetentionRules(spec.retention.rules))] : []),
    ...(spec.sync
      ? [
          file(
            jobPaths.regsyncConfig,
            renderRegsyncConfig({
              registry: internalAddresses.registry,
              images: spec.sync.images,
              logins: spec.sync.credentials.map((c) => c.registry),
              reservePulls: spec.sync.reservePulls,
              retryAfter: spec.sync.retryAfter,
            }),
          ),
        ]
      : []),
  ];
  const repo = spec.backup?.repository;
  const moreData: DataMount[] = [{ path: jobPaths.state, name: SCHEDULER_STATE, keep: { protect: false, retain: true }, owner: REGISTRY_USER, size: "small" }];
  if (repo && repo.kind !== "url" && jobs.some((j) => j.mounts.includes("backup-repository"))) {
    moreData.push({
      path: jobPaths.repository,
      name: "backup",
      keep: args.repositoryKeep,
      owner: REGISTRY_USER,
      size: "backup",
      ...(repo.kind === "path" ? { hostPath: repo.path } : {}),
    });
  }
  const freezes = jobs.some((j) => j.freezesWrites);
  return {
    id: SCHEDULER_ID,
    role: SCHEDULER_ID,
    component: "Scheduler",
    placement: args.placement,
    image: "ops",
    aliases: [SCHEDULER_ID],
    command: ["node", `${jobPaths.dir}/scheduler.js`, "serve"],
    env: { REGSTACK_SCHEDULE: jobPaths.schedule, PATH: `${jobPaths.programs}:/usr/local/bin:/usr/bin:/bin` },
    secretEnv,
    files,
    moreData,
    sharedData: [
      { path: registryPaths.dataDir, owner: internalNames.registry, what: "data", readOnly: false },
      ...args.configOf.map((c) => ({ path: `${jobPaths.platformConfig}/${c.service}`, owner: c.service, what: "config" as const, readOnly: true })),
    ],
    sharedVolumes: freezes ? [{ path: jobPaths.maintenanceDir, name: "maintenance", readOnly: false, beside: internalNames.registry }] : [],
    programs: { dir: jobPaths.programs, borrow: borrowed(jobs) },
    scratch: [{ path: "/tmp", sizeMb: 64, mode: "1777" }],
    ports: [],
    probe: { kind: "exec", command: `find ${jobPaths.heartbeat} -mmin -3 | grep -q .` },
    user: REGISTRY_USER,
    capabilities: [],
    // The jobs write only to their state, scratch and the registry's data (restic's cache and
    // regsync's HOME are under the state directory).
    readOnlyRoot: true,
    // One scheduler at a time: its jobs write the registry's data.
    overlapOnUpdate: false,
    resources: "jobs",
    dependsOn: [internalNames.registry],
    // The jobs read the registry's API (verify, sync) and empty Redis's cache after a restore.
    connectsTo: [internalNames.registry, ...(spec.redis.enabled ? [internalNames.redis] : [])],
  };
}
