// @ts-check
/**
 * The job scheduler that runs inside the platform: on Docker and Swarm it serves cron schedules from
 * schedule.json, one exclusive lock per group (backup, GC and retention never overlap, also with a
 * job started by hand), a timeout per job, a Prometheus textfile per job and a webhook on failure
 * and on recovery. It needs no privilege and no Docker socket. On Kubernetes each CronJob's pod runs
 * one job with `run`, and the locks live on the jobs' shared claim.
 *
 *   node scheduler.js serve              run jobs on their schedules until SIGTERM
 *   node scheduler.js run <job> [args]   run one job now, in the foreground, with its lock
 *   node scheduler.js list               jobs, schedules and next runs
 *   node scheduler.js tidy               lift a write freeze no running job holds (serve does it
 *                                        continually; on Kubernetes a CronJob runs it)
 *
 * The schedule file is $REGSTACK_SCHEDULE (default /opt/regstack/jobs/schedule.json).
 * A job's output line `@metric <name> <value>` becomes `regstack_job_<name>{operation=...}` in its textfile.
 */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { parseCron, nextRun } = require("./cron");

/**
 * @typedef {{ name: string, schedule?: string, group?: string, command: string[], env: Record<string, string>, timeoutSeconds: number }} JobSpec
 * @typedef {{ name: string, url: string, headers: Record<string, string> }} Webhook
 * @typedef {{ stack: string, jobs: JobSpec[], metricsDir: string, lockDir: string, freezeFile?: string, heartbeatFile?: string, webhooks: Webhook[] }} ScheduleFile
 * @typedef {{ exitCode: number, durationSeconds: number, startedAt: number, metrics: Record<string, number>, tail: string[] }} RunResult
 */

const SCHEDULE = process.env.REGSTACK_SCHEDULE || "/opt/regstack/jobs/schedule.json";
const METRIC_LINE = /^@metric ([a-z][a-z0-9_]*) (-?[0-9.]+(?:[eE][-+]?[0-9]+)?)$/;

/** @param {string} message */
function log(message) {
  process.stdout.write(`${new Date().toISOString()} scheduler: ${message}\n`);
}

/** @returns {ScheduleFile} */
function readSchedule() {
  return JSON.parse(fs.readFileSync(SCHEDULE, "utf8"));
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === "EPERM";
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often a lock's holder renews its lease, and how old a lease from another machine must be to count as dead. */
const LEASE = { renewMs: 10000, staleMs: 60000 };

/**
 * Takes a group's lock: a directory whose owner file names the holder's host, pid and job. The lock
 * directory may be shared by several machines (Kubernetes runs each job in its own pod, on one
 * claim), so the holder renews its lease (the owner file's time) while it runs. A lock is taken over
 * when its holder is gone: a dead process on this host, or a lease not renewed for a minute. A freeze
 * of the edge left by a holder that died is lifted then too (only lock holders freeze writes).
 * Returns the release function.
 * @param {ScheduleFile} schedule
 * @param {string} group
 * @param {string} job
 * @returns {Promise<() => void>}
 */
async function lock(schedule, group, job) {
  const lockDir = schedule.lockDir;
  const dir = path.join(lockDir, group);
  const ownerFile = path.join(dir, "owner");
  const host = os.hostname();
  fs.mkdirSync(lockDir, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(ownerFile, `${host} ${process.pid} ${job}\n`);
      const renew = setInterval(() => {
        const now = new Date();
        try {
          fs.utimesSync(ownerFile, now, now);
        } catch {
          // Released meanwhile.
        }
      }, LEASE.renewMs);
      renew.unref();
      return () => {
        clearInterval(renew);
        fs.rmSync(dir, { recursive: true, force: true });
      };
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== "EEXIST") throw e;
    }
    const held = holder(schedule, group);
    const owner = held?.owner ?? "";
    if (held?.dead) {
      log(`${job}: taking over the ${group} lock left by ${owner} (${held.why})`);
      fs.rmSync(dir, { recursive: true, force: true });
      if (schedule.freezeFile && fs.existsSync(schedule.freezeFile)) {
        log(`${job}: lifting the write freeze it left behind`);
        fs.rmSync(schedule.freezeFile, { force: true });
      }
      continue;
    }
    if (!announced) log(`${job}: waiting for the ${group} lock (held by ${owner || "?"})`);
    announced = true;
    await sleep(2000);
  }
}

/**
 * Who holds a group's lock, and whether they are gone: a dead process on this host, or a lease not
 * renewed for a minute (another machine's). Undefined when the lock is free (or being written).
 * @param {ScheduleFile} schedule
 * @param {string} group
 * @returns {{ owner: string, dead: boolean, why: string } | undefined}
 */
function holder(schedule, group) {
  const ownerFile = path.join(schedule.lockDir, group, "owner");
  let owner = "";
  let age = 0;
  try {
    owner = fs.readFileSync(ownerFile, "utf8").trim();
    age = Date.now() - fs.statSync(ownerFile).mtimeMs;
  } catch {
    return undefined;
  }
  if (owner === "") return undefined;
  const [ownerHost, ownerPid] = owner.split(" ");
  const here = ownerHost === os.hostname();
  if (here && !alive(Number(ownerPid))) return { owner, dead: true, why: "the process is gone" };
  if (age > LEASE.staleMs) return { owner, dead: true, why: `no renewal for ${Math.round(age / 1000)} s` };
  return { owner, dead: false, why: "" };
}

/**
 * Lifts a write freeze no live job holds. A job freezes writes only while it holds its group's lock,
 * and lifts the freeze before it lets the lock go; a freeze with no live lock holder was left by a job
 * that was killed (a pod evicted mid-GC). Returns whether it lifted one.
 * @param {ScheduleFile} schedule
 */
function tidy(schedule) {
  if (!schedule.freezeFile || !fs.existsSync(schedule.freezeFile)) return false;
  const groups = [...new Set(schedule.jobs.map((j) => j.group).filter((g) => g !== undefined))];
  if (groups.some((g) => holder(schedule, /** @type {string} */ (g))?.dead === false)) return false;
  let left = "";
  try {
    left = fs.readFileSync(schedule.freezeFile, "utf8").trim();
  } catch {
    return false;
  }
  log(`lifting a write freeze no running job holds (${left || "?"})`);
  fs.rmSync(schedule.freezeFile, { force: true });
  return true;
}

/**
 * The job's Prometheus textfile, written whole and renamed into place.
 * @param {ScheduleFile} schedule
 * @param {JobSpec} job
 * @param {RunResult} result
 */
function writeMetrics(schedule, job, result) {
  const file = path.join(schedule.metricsDir, `regstack_job_${job.name}.prom`);
  // "operation", not "job": Prometheus gives every scraped series the job of its scrape target.
  const labels = `operation="${job.name}",stack="${schedule.stack}"`;
  let lastSuccess = 0;
  try {
    const m = /regstack_job_last_success_timestamp_seconds\{[^}]*\} ([0-9.]+)/.exec(fs.readFileSync(file, "utf8"));
    if (m) lastSuccess = Number(m[1]);
  } catch {
    // First run.
  }
  const ended = result.startedAt + result.durationSeconds;
  if (result.exitCode === 0) lastSuccess = ended;
  /** @type {[string, string, number][]} */
  const rows = [
    ["last_run_timestamp_seconds", "When the job last ended.", ended],
    ["last_success_timestamp_seconds", "When the job last ended successfully (0: never).", lastSuccess],
    ["last_duration_seconds", "How long the last run took.", result.durationSeconds],
    ["last_exit_code", "The last run's exit code (0: success).", result.exitCode],
    ...Object.entries(result.metrics).map(([k, v]) => /** @type {[string, string, number]} */ ([k, `Reported by the job's last run (${k}).`, v])),
  ];
  const text = rows.map(([name, help, v]) => `# HELP regstack_job_${name} ${help}\n# TYPE regstack_job_${name} gauge\nregstack_job_${name}{${labels}} ${v}\n`).join("");
  fs.mkdirSync(schedule.metricsDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Tells the webhooks that a job failed, or succeeded after a failure.
 * @param {ScheduleFile} schedule
 * @param {JobSpec} job
 * @param {RunResult} result
 * @param {"failed" | "recovered"} status
 */
async function notify(schedule, job, result, status) {
  const body = JSON.stringify({
    source: "regstack",
    stack: schedule.stack,
    job: job.name,
    status,
    exitCode: result.exitCode,
    startedAt: new Date(result.startedAt * 1000).toISOString(),
    durationSeconds: result.durationSeconds,
    output: result.tail,
  });
  for (const hook of schedule.webhooks) {
    try {
      const response = await fetch(hook.url, { method: "POST", headers: { "Content-Type": "application/json", ...hook.headers }, body, signal: AbortSignal.timeout(10000) });
      if (!response.ok) log(`${job.name}: webhook ${hook.name} answered ${response.status}`);
    } catch (e) {
      log(`${job.name}: webhook ${hook.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Runs a job to its end: its lock, its output prefixed, its timeout, its metrics and notifications.
 * @param {ScheduleFile} schedule
 * @param {JobSpec} job
 * @param {string[]} args extra arguments (a job run by hand)
 * @param {Set<import("child_process").ChildProcess>} children where running children are tracked
 * @returns {Promise<number>} the exit code
 */
async function runJob(schedule, job, args, children) {
  const release = job.group ? await lock(schedule, job.group, job.name) : () => undefined;
  const startedAt = Date.now() / 1000;
  /** @type {Record<string, number>} */
  const metrics = {};
  /** @type {string[]} */
  const tail = [];
  log(`${job.name}: started`);
  const exitCode = await new Promise((resolve) => {
    const child = spawn(job.command[0], [...job.command.slice(1), ...args], {
      env: { ...process.env, ...job.env, REGSTACK_JOB: job.name },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${job.name}: timed out after ${job.timeoutSeconds} s; stopping it`);
      try {
        process.kill(-(child.pid ?? 0), "SIGTERM");
      } catch {
        // Already gone.
      }
      setTimeout(() => {
        try {
          process.kill(-(child.pid ?? 0), "SIGKILL");
        } catch {
          // Already gone.
        }
      }, 30000).unref();
    }, job.timeoutSeconds * 1000);
    /** @param {NodeJS.ReadableStream} stream */
    const lines = (stream) => {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          const m = METRIC_LINE.exec(line);
          if (m) metrics[m[1]] = Number(m[2]);
          else {
            process.stdout.write(`${job.name}: ${line}\n`);
            tail.push(line);
            if (tail.length > 20) tail.shift();
          }
        }
      });
    };
    lines(/** @type {NodeJS.ReadableStream} */ (child.stdout));
    lines(/** @type {NodeJS.ReadableStream} */ (child.stderr));
    child.on("error", (e) => {
      tail.push(`cannot start: ${e.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(timedOut ? 124 : code ?? (signal ? 128 : 1));
    });
  });
  release();
  const result = { exitCode, durationSeconds: Math.round((Date.now() / 1000 - startedAt) * 1000) / 1000, startedAt, metrics, tail };
  const previous = readLastExit(schedule, job);
  writeMetrics(schedule, job, result);
  log(`${job.name}: ${exitCode === 0 ? "succeeded" : `FAILED (exit ${exitCode})`} in ${result.durationSeconds} s`);
  if (exitCode !== 0) await notify(schedule, job, result, "failed");
  else if (previous !== undefined && previous !== 0) await notify(schedule, job, result, "recovered");
  return exitCode;
}

/**
 * @param {ScheduleFile} schedule
 * @param {JobSpec} job
 * @returns {number | undefined}
 */
function readLastExit(schedule, job) {
  try {
    const m = /regstack_job_last_exit_code\{[^}]*\} (\d+)/.exec(fs.readFileSync(path.join(schedule.metricsDir, `regstack_job_${job.name}.prom`), "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** @param {ScheduleFile} schedule */
async function serve(schedule) {
  /** @type {Map<string, Date>} */
  const due = new Map();
  /** @type {Set<string>} */
  const running = new Set();
  /** @type {Set<import("child_process").ChildProcess>} */
  const children = new Set();
  let stopping = false;
  /** Ends the current wait early (a stop request). */
  let wake = () => {};
  /** @param {number} ms */
  const pause = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve(undefined);
      };
    });
  const plan = () => {
    for (const job of schedule.jobs) {
      if (!job.schedule || due.has(job.name)) continue;
      const parsed = parseCron(job.schedule);
      if (!parsed.ok) throw new Error(`${job.name}: ${parsed.problem}`);
      const next = nextRun(parsed.schedule, new Date());
      if (next) due.set(job.name, next);
    }
  };
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log(`stopping; ${children.size} job(s) told to stop`);
    wake();
    for (const child of children) {
      try {
        process.kill(-(child.pid ?? 0), "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // No job runs when the scheduler starts: a freeze left by a job that was killed (the container was
  // replaced mid-GC) would keep the edge refusing writes.
  if (schedule.freezeFile && fs.existsSync(schedule.freezeFile)) {
    log(`lifting a write freeze left behind (${fs.readFileSync(schedule.freezeFile, "utf8").trim()})`);
    fs.rmSync(schedule.freezeFile, { force: true });
  }
  plan();
  for (const [name, at] of due) log(`${name}: next run ${at.toISOString()}`);
  while (!stopping) {
    const now = Date.now();
    if (schedule.heartbeatFile) {
      fs.mkdirSync(path.dirname(schedule.heartbeatFile), { recursive: true });
      fs.writeFileSync(schedule.heartbeatFile, `${new Date(now).toISOString()}\n`);
    }
    tidy(schedule);
    for (const job of schedule.jobs) {
      const at = due.get(job.name);
      if (!at || at.getTime() > now) continue;
      due.delete(job.name);
      if (running.has(job.name)) {
        log(`${job.name}: still running; this run is skipped`);
        continue;
      }
      running.add(job.name);
      void runJob(schedule, job, [], children).finally(() => running.delete(job.name));
    }
    plan();
    const earliest = Math.min(...[...due.values()].map((d) => d.getTime()), now + 60000);
    await pause(Math.max(200, Math.min(earliest - Date.now(), 60000)));
  }
  while (children.size > 0) await sleep(200);
}

async function main() {
  const [command, name, ...args] = process.argv.slice(2);
  const schedule = readSchedule();
  if (command === "serve") return serve(schedule);
  if (command === "tidy") {
    tidy(schedule);
    return;
  }
  if (command === "list") {
    for (const job of schedule.jobs) {
      const parsed = job.schedule ? parseCron(job.schedule) : undefined;
      const next = parsed && parsed.ok ? nextRun(parsed.schedule, new Date())?.toISOString() : "by hand";
      process.stdout.write(`${job.name}\t${job.schedule ?? "-"}\t${job.group ?? "-"}\t${next}\n`);
    }
    return;
  }
  if (command === "run" && name) {
    const job = schedule.jobs.find((j) => j.name === name);
    if (!job) {
      process.stderr.write(`unknown job "${name}"; jobs: ${schedule.jobs.map((j) => j.name).join(", ")}\n`);
      process.exitCode = 2;
      return;
    }
    const children = new Set();
    const forward = () => children.forEach((c) => c.kill("SIGTERM"));
    process.on("SIGTERM", forward);
    process.on("SIGINT", forward);
    process.exitCode = await runJob(schedule, job, args, children);
    return;
  }
  process.stderr.write("usage: scheduler.js serve | list | run <job> [args] | tidy\n");
  process.exitCode = 2;
}

main().catch((e) => {
  process.stderr.write(`scheduler: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
