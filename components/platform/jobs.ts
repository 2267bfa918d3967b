/**
 * The scheduled operations, described once for every target: backup, its repository check, the
 * restore drill, garbage collection, and the restore run by hand. Docker and Swarm run them in the
 * platform's scheduler service (services/scheduler.ts); Kubernetes as CronJobs.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, Secret } from "../config/types";
import { syncLoginEnv } from "../render/jobs/regsync";
import { ImageRole } from "../images";
import { jobPaths, registryPaths } from "../render/paths";
import { RuntimeFile } from "../render/jobs/runtimeFiles";
import { internalAddresses } from "./topology";

/** Jobs that change or read the registry's storage as a whole: they never overlap. */
export const STORAGE_GROUP = "storage";

/** What a job mounts, besides its scripts. */
export type JobMount =
  /** The registry's storage (read-write: GC deletes, restore replaces). */
  | "registry-data"
  /** The backup repository, when it is on the node. */
  | "backup-repository"
  /** The jobs' working space: stage, scratch, restic cache, metrics. */
  | "state"
  /** The edge's maintenance flag directory. */
  | "maintenance";

export interface ScheduledJob {
  readonly name: "backup" | "backup-check" | "drill" | "gc" | "restore" | "retention" | "sync" | "usage";
  /** One line for listings and docs. */
  readonly summary: string;
  /** The arguments a run by hand takes, as a usage line shows them (restore's snapshot). */
  readonly byHandArgs?: string;
  /** Cron expression (validated in the config layer); undefined: run by hand only. */
  readonly schedule?: string;
  /** Jobs of one group never run at the same time. */
  readonly group?: string;
  /** The node it runs on (where the registry's data is). */
  readonly placement: string;
  readonly image: ImageRole;
  /** The runtime script it runs with sh. */
  readonly script: RuntimeFile;
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, Secret>>;
  readonly mounts: readonly JobMount[];
  /** Programs it borrows from other images (restic, the registry binary). */
  readonly programs: readonly ImageRole[];
  /** It stops writes at the edge while it runs (GC, restore). */
  readonly freezesWrites: boolean;
  readonly timeoutSeconds: number;
}

export interface JobSecrets {
  /** The backup repository's password (given or generated). */
  readonly resticPassword?: Secret;
  /** The Redis cache's password, when Redis runs. */
  readonly redisPassword?: Secret;
}

/** A service's live config directory, which the backup includes without its secret files. */
export interface JobConfigDir {
  /** The service id; the jobs see its directory at `${jobPaths.platformConfig}/<service>`. */
  readonly service: string;
  /** File names in it that are secret (users' hashes, keys): left out of backups. */
  readonly secretFiles: readonly string[];
}

const HOUR = 3600;

/** The storage-usage job's textfile, beside the scheduler's own per job. */
export const USAGE_TEXTFILE = "regstack_storage.prom";

/** The repository as restic names it inside the job. */
function resticRepository(spec: PlatformSpec): string {
  const repo = spec.backup?.repository;
  return repo === undefined || repo.kind !== "url" ? jobPaths.repository : repo.url;
}

/** Every scheduled operation the spec asks for, placed on the registry's node. */
export function describeJobs(spec: PlatformSpec, placement: string, secrets: JobSecrets, configDirs: readonly JobConfigDir[]): ScheduledJob[] {
  const registryImage: ImageRole = spec.registry.version === "3" ? "registry3" : "registry28";
  const common: Record<string, string> = {
    REGSTACK_STACK: spec.stack,
    REGSTACK_RUNTIME: jobPaths.dir,
    REGSTACK_STATE: jobPaths.state,
    REGSTACK_REGISTRY_DATA: registryPaths.dataDir,
    REGSTACK_REGISTRY_BIN: `${jobPaths.programs}/registry`,
    REGSTACK_REGISTRY_CONFIG: jobPaths.registryConfig,
    REGSTACK_REGISTRY_VERSION: spec.registry.version,
    REGSTACK_REGISTRY_URL: `http://${internalAddresses.registry}`,
    REGSTACK_FREEZE_FILE: jobPaths.freezeFile,
    PATH: `${jobPaths.programs}:/usr/local/bin:/usr/bin:/bin`,
    ...(spec.redis.enabled ? { REDIS_ADDR: internalAddresses.redis } : {}),
  };
  const redisSecret: Record<string, Secret> = secrets.redisPassword ? { REDIS_PASSWORD: secrets.redisPassword } : {};
  const jobs: ScheduledJob[] = [];
  const base = { group: STORAGE_GROUP, placement, image: "ops" as const };

  const backup = spec.backup;
  if (backup && secrets.resticPassword) {
    const restic = {
      ...common,
      RESTIC_REPOSITORY: resticRepository(spec),
      RESTIC_CACHE_DIR: `${jobPaths.state}/restic-cache`,
      // The platform's config as it runs (space-separated paths of regstack's own, never config values).
      BACKUP_CONFIG_PATHS: [jobPaths.registryConfig, jobPaths.schedule, ...configDirs.map((c) => `${jobPaths.platformConfig}/${c.service}`)].join(" "),
      BACKUP_EXCLUDES: configDirs.flatMap((c) => c.secretFiles.map((f) => `${jobPaths.platformConfig}/${c.service}/${f}`)).join(" "),
      DRILL_CONFIG: jobPaths.drillConfig,
      DRILL_PORT: String(jobPaths.drillPort),
    };
    const resticSecrets: Record<string, Secret> = { RESTIC_PASSWORD: secrets.resticPassword, ...backup.environment };
    const onNode: JobMount[] = backup.repository.kind === "url" ? [] : ["backup-repository"];
    jobs.push(
      {
        ...base,
        name: "backup",
        summary: "Backs the registry's data and rendered config up with restic, then forgets and prunes old snapshots.",
        schedule: backup.schedule,
        script: "backup.sh",
        env: {
          ...restic,
          BACKUP_KEEP_DAILY: String(backup.keep.daily),
          BACKUP_KEEP_WEEKLY: String(backup.keep.weekly),
          BACKUP_KEEP_MONTHLY: String(backup.keep.monthly),
        },
        secretEnv: resticSecrets,
        mounts: ["registry-data", "state", ...onNode],
        programs: ["restic"],
        freezesWrites: false,
        timeoutSeconds: 6 * HOUR,
      },
      {
        ...base,
        name: "backup-check",
        summary: "Checks the backup repository and reads a rotating quarter of its data.",
        schedule: backup.checkSchedule,
        script: "check.sh",
        env: restic,
        secretEnv: resticSecrets,
        mounts: ["state", ...onNode],
        programs: ["restic"],
        freezesWrites: false,
        timeoutSeconds: 6 * HOUR,
      },
      {
        ...base,
        name: "drill",
        summary: "Restores the newest snapshot into scratch space and verifies every tag through a throwaway registry.",
        schedule: backup.drillSchedule,
        script: "drill.sh",
        env: restic,
        secretEnv: resticSecrets,
        mounts: ["state", ...onNode],
        programs: ["restic", registryImage],
        freezesWrites: false,
        timeoutSeconds: 6 * HOUR,
      },
      {
        ...base,
        name: "restore",
        byHandArgs: "<snapshot|latest> [--force]",
        summary: "Restores a snapshot into the registry's data (by hand: `restore <snapshot|latest> [--force]`).",
        script: "restore.sh",
        env: restic,
        secretEnv: { ...resticSecrets, ...redisSecret },
        mounts: ["registry-data", "state", "maintenance", ...onNode],
        programs: ["restic"],
        freezesWrites: true,
        timeoutSeconds: 24 * HOUR,
      },
    );
  }
  const retention = spec.retention;
  if (retention) {
    jobs.push({
      ...base,
      name: "retention",
      summary: "Plans which tags the rules keep and delete, writes the plan, and deletes unless it is a dry run (`undo <file>` puts tags back before GC).",
      schedule: retention.schedule,
      script: "retention.sh",
      env: { ...common, RETENTION_RULES: jobPaths.retentionRules, RETENTION_DRY_RUN: String(retention.dryRun) },
      secretEnv: {},
      mounts: ["registry-data", "state"],
      programs: [],
      freezesWrites: false,
      timeoutSeconds: 2 * HOUR,
    });
  }
  const sync = spec.sync;
  if (sync) {
    const logins: Record<string, Secret> = {};
    sync.credentials.forEach((c, i) => {
      const env = syncLoginEnv(i);
      logins[env.user] = pulumi.secret(c.username);
      logins[env.pass] = c.password;
    });
    jobs.push({
      ...base,
      name: "sync",
      summary: "Copies the listed repositories into the registry with regsync, respecting the sources' pull limits.",
      schedule: sync.schedule,
      script: "sync.sh",
      // regsync keeps its state in HOME; it must not read a Docker config of its own.
      env: { ...common, SYNC_CONFIG: jobPaths.regsyncConfig, HOME: `${jobPaths.state}/regsync` },
      secretEnv: logins,
      mounts: ["state"],
      programs: ["regsync"],
      freezesWrites: false,
      timeoutSeconds: 6 * HOUR,
    });
  }
  const monitoring = spec.monitoring;
  if (monitoring) {
    jobs.push({
      placement,
      image: "ops",
      name: "usage",
      summary: "Measures the registry's storage, in total and per repository, for Prometheus (distribution exports no storage size).",
      schedule: monitoring.usageSchedule,
      // Read-only beside every other job: a blob GC deletes meanwhile is skipped.
      script: "usage.sh",
      env: { ...common, USAGE_TEXTFILE: `${jobPaths.metrics}/${USAGE_TEXTFILE}` },
      secretEnv: {},
      mounts: ["registry-data", "state"],
      programs: [],
      freezesWrites: false,
      timeoutSeconds: 2 * HOUR,
    });
  }
  const gc = spec.gc;
  if (gc) {
    jobs.push({
      ...base,
      name: "gc",
      summary: "Collects unreferenced blobs while the edge holds writes back; no restart.",
      schedule: gc.schedule,
      script: "gc.sh",
      env: {
        ...common,
        GC_DELETE_UNTAGGED: String(gc.deleteUntagged),
        GC_DRAIN_QUIET: String(gc.drainQuietSeconds),
        GC_DRAIN_TIMEOUT: String(gc.drainTimeoutSeconds),
      },
      secretEnv: redisSecret,
      mounts: ["registry-data", "state", "maintenance"],
      programs: [registryImage],
      freezesWrites: true,
      timeoutSeconds: 4 * HOUR,
    });
  }
  return jobs;
}
