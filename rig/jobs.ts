/**
 * Runs the scheduler's jobs on this machine from the files a stack rendered: the scheduler's files
 * copied out of the render, its schedule.json with container paths mapped into a work directory, and
 * a PATH of busybox applets (as in the alpine-based job image) plus Debian's restic, registry and
 * this Node.
 */
import { spawn, spawnSync } from "child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";
import { internalAddresses } from "../components/platform/topology";
import { jobPaths, registryPaths } from "../components/render/paths";
import { ScheduleEntry } from "../components/render/jobs/schedule";
import { RenderedStack } from "./rendered";

export interface JobRun {
  readonly status: number;
  readonly output: string;
}

export interface JobsRig {
  /** The registry's storage root the jobs work on. */
  readonly dataDir: string;
  readonly stateDir: string;
  /** The backup repository (a local restic repository). */
  readonly repoDir: string;
  /** The edge's maintenance directory (where the freeze flag appears). */
  readonly maintenanceDir: string;
  readonly freezeFile: string;
  /** The schedule file as mapped for this machine. */
  readonly scheduleFile: string;
  /** Runs a job by hand through the scheduler (its lock, metrics and timeout), to its end. */
  run(job: string, args?: readonly string[]): Promise<JobRun>;
  /** The metrics textfile the scheduler wrote for a job. */
  metrics(job: string): Record<string, number>;
  /** The environment the scheduler runs with here (its secrets included). */
  readonly env: Record<string, string>;
}

export interface JobsRigOptions {
  /** Where the registry serves (for restore's verification); default none. */
  readonly registryUrl?: string;
  /** host:port of a Redis to flush; default: the stack's setting removed. */
  readonly redisAddr?: string;
  /** An existing repository to share (another rig's). */
  readonly repoDir?: string;
  /** An existing storage root to work on. */
  readonly dataDir?: string;
  /** Extra plain env for every job (e.g. GC_DRAIN_QUIET). */
  readonly jobEnv?: Record<string, string>;
}

/** A directory of busybox applets, plus restic, the registry (Debian's docker-registry) and node. */
export function jobBinDir(root: string): string {
  const bin = path.join(root, "bin");
  if (existsSync(bin)) return bin;
  mkdirSync(bin, { recursive: true });
  const applets = spawnSync("/bin/busybox", ["--list"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const applet of applets) symlinkSync("/bin/busybox", path.join(bin, applet));
  symlinkSync("/usr/bin/restic", path.join(bin, "restic"));
  symlinkSync("/usr/bin/docker-registry", path.join(bin, "registry"));
  symlinkSync(process.execPath, path.join(bin, "node"));
  return bin;
}

export const TEST_RESTIC_PASSWORD = "regstack-test-repository-password";

export function jobsRig(rendered: RenderedStack, work: string, options: JobsRigOptions = {}): JobsRig {
  const bin = jobBinDir(work);
  const jobsDir = path.join(work, "jobs");
  mkdirSync(jobsDir, { recursive: true });
  const renderedJobs = path.join(rendered.dir, "scheduler", jobPaths.dir);
  for (const f of readdirSync(renderedJobs)) {
    const target = path.join(jobsDir, f);
    copyFileSync(path.join(renderedJobs, f), target);
    chmodSync(target, f.endsWith(".sh") ? 0o755 : 0o644);
  }
  const dataDir = options.dataDir ?? path.join(work, "data");
  const stateDir = path.join(work, "state");
  const repoDir = options.repoDir ?? path.join(work, "repo");
  const maintenanceDir = path.join(work, "maintenance");
  for (const d of [dataDir, stateDir, maintenanceDir]) mkdirSync(d, { recursive: true });
  const mapping: [string, string][] = [
    [jobPaths.dir, jobsDir],
    [jobPaths.programs, bin],
    [jobPaths.state, stateDir],
    [jobPaths.maintenanceDir, maintenanceDir],
    ["/tmp/regstack", path.join(work, "tmp")],
    [registryPaths.dataDir, dataDir],
    [jobPaths.repository, repoDir],
    [`http://${internalAddresses.registry}`, options.registryUrl ?? ""],
  ];
  // Each container path is replaced where a path starts (value start, or after a space): once, longest first.
  const alternatives = mapping
    .map(([from]) => from)
    .sort((a, b) => b.length - a.length)
    .map((f) => f.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join("|");
  const pattern = new RegExp(`(^|\\s)(${alternatives})(?=/|\\s|$)`, "g");
  const targets = new Map(mapping);
  const map = (value: string) => value.replace(pattern, (_m, lead: string, from: string) => `${lead}${targets.get(from)}`);
  const schedule = JSON.parse(readFileSync(path.join(renderedJobs, "schedule.json"), "utf8"));
  schedule.metricsDir = map(schedule.metricsDir);
  schedule.lockDir = map(schedule.lockDir);
  schedule.freezeFile = map(schedule.freezeFile);
  schedule.heartbeatFile = map(schedule.heartbeatFile);
  schedule.jobs = (schedule.jobs as ScheduleEntry[]).map((j) => {
    const env: Record<string, string> = Object.fromEntries(Object.entries(j.env).map(([k, v]) => [k, k === "PATH" ? bin : map(v)]));
    delete env.REDIS_ADDR;
    if (!options.registryUrl) delete env.REGSTACK_REGISTRY_URL;
    if (options.redisAddr) env.REDIS_ADDR = options.redisAddr;
    // garbage-collect reads the registry's own config.yml, whose storage root is the container's.
    env.REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY = dataDir;
    Object.assign(env, options.jobEnv ?? {});
    return { ...j, command: [path.join(bin, "sh"), ...j.command.slice(1).map(map)], env };
  });
  const scheduleFile = path.join(work, "schedule.json");
  writeFileSync(scheduleFile, JSON.stringify(schedule, null, 2));
  const env = { PATH: bin, REGSTACK_SCHEDULE: scheduleFile, RESTIC_PASSWORD: TEST_RESTIC_PASSWORD, HOME: work };
  return {
    dataDir,
    stateDir,
    repoDir,
    maintenanceDir,
    freezeFile: schedule.freezeFile,
    scheduleFile,
    env,
    run: (job, args = []) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(jobsDir, "scheduler.js"), "run", job, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("close", (code) => resolve({ status: code ?? -1, output }));
      }),
    metrics: (job) => {
      const text = readFileSync(path.join(schedule.metricsDir, `regstack_job_${job}.prom`), "utf8");
      return Object.fromEntries([...text.matchAll(/^regstack_job_([a-z0-9_]+)\{[^}]*\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]));
    },
  };
}
