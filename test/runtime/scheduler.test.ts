/**
 * The in-platform scheduler (runtime/scheduler.js) as the scheduler container runs it, with plain sh
 * jobs: group locks keep jobs of one group apart (also against a job started by hand), a timeout stops
 * a job, every run leaves a Prometheus textfile, failures and recoveries reach the webhooks, a freeze
 * left behind is lifted at start, and jobs run on their cron schedule.
 */
import { ChildProcess, spawn } from "child_process";
import { createServer, IncomingMessage, Server } from "http";
import { AddressInfo } from "net";
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "fs";
import { hostname } from "os";
import * as path from "path";
import { renderSchedule, ScheduleEntry } from "../../components/render/jobs/schedule";
import { scratchDir } from "../support/scratch";

const SCHEDULER = path.join(__dirname, "..", "..", "runtime", "scheduler.js");
const work = scratchDir("regstack-scheduler-");
let server: Server;
let hooks: Record<string, unknown>[] = [];
let hookUrl = "";

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      hooks.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});

function scheduleFile(name: string, jobs: ScheduleEntry[]): string {
  const dir = path.join(work, name);
  const file = path.join(dir, "schedule.json");
  require("fs").mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    renderSchedule({
      stack: "test",
      jobs,
      metricsDir: path.join(dir, "metrics"),
      lockDir: path.join(dir, "locks"),
      freezeFile: path.join(dir, "frozen"),
      heartbeatFile: path.join(dir, "heartbeat"),
      webhooks: [{ name: "ops", url: hookUrl, headers: { "X-Token": "t" }, timeout: "1s", threshold: 5, backoff: "10s", ignoredMediaTypes: [] }],
    }),
  );
  return file;
}

const sh = (script: string, name: string, extra: Partial<ScheduleEntry> = {}): ScheduleEntry => ({ name, command: ["/bin/sh", "-c", script, name], env: {}, timeoutSeconds: 30, ...extra });

function start(file: string, ...args: string[]): { child: ChildProcess; output: () => string; done: Promise<{ code: number; output: string }> } {
  const child = spawn(process.execPath, [SCHEDULER, ...args], { env: { ...process.env, REGSTACK_SCHEDULE: file } });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const done = new Promise<{ code: number; output: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, output })));
  return { child, output: () => output, done };
}

const metrics = (file: string, job: string) => {
  const text = readFileSync(path.join(path.dirname(file), "metrics", `regstack_job_${job}.prom`), "utf8");
  return Object.fromEntries([...text.matchAll(/^regstack_job_([a-z_]+)\{operation="[^"]+",stack="test"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]));
};

describe("the job scheduler", () => {
  it("runs a job by hand with its arguments, and records its own metrics and success", async () => {
    const file = scheduleFile("by-hand", [sh('echo "args: $*"; echo "@metric things_done 42"', "work", { group: "storage" })]);
    const { done } = start(file, "run", "work", "one", "two");
    const { code, output } = await done;
    expect(code).toBe(0);
    expect(output).toContain("work: args: one two");
    expect(output).not.toContain("@metric");
    const m = metrics(file, "work");
    expect(m.things_done).toBe(42);
    expect(m.last_exit_code).toBe(0);
    expect(m.last_success_timestamp_seconds).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it("keeps jobs of one group apart: a second run waits until the first has released the lock", async () => {
    const log = path.join(work, "overlap.log");
    const job = (n: string) => sh(`echo start-${n} >> ${log}; sleep 1; echo end-${n} >> ${log}`, n, { group: "storage" });
    const file = scheduleFile("lock", [job("a"), job("b")]);
    const first = start(file, "run", "a");
    await new Promise((r) => setTimeout(r, 300));
    const second = start(file, "run", "b");
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.output).toContain("waiting for the storage lock");
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["start-a", "end-a", "start-b", "end-b"]);
  });

  it("takes over a lock whose owner died on this host, and lifts the write freeze it left", async () => {
    const file = scheduleFile("stale", [sh("echo ran", "work", { group: "storage" })]);
    require("fs").mkdirSync(path.join(work, "stale", "locks", "storage"), { recursive: true });
    writeFileSync(path.join(work, "stale", "locks", "storage", "owner"), `${hostname()} 999999 gc\n`);
    writeFileSync(path.join(work, "stale", "frozen"), "gc\n");
    const { code, output } = await start(file, "run", "work").done;
    expect(code).toBe(0);
    expect(output).toContain(`taking over the storage lock left by ${hostname()} 999999 gc (the process is gone)`);
    expect(existsSync(path.join(work, "stale", "frozen"))).toBe(false);
  });

  it("waits for a lock another machine holds while its lease is renewed, and takes it over once the lease is a minute old", async () => {
    const file = scheduleFile("lease", [sh("echo ran", "work", { group: "storage" })]);
    const owner = path.join(work, "lease", "locks", "storage", "owner");
    require("fs").mkdirSync(path.dirname(owner), { recursive: true });
    // Another pod's job (its pid means nothing here), renewed just now: the run waits.
    writeFileSync(owner, "gc-pod-1 1 gc\n");
    const waiting = start(file, "run", "work");
    await new Promise((r) => setTimeout(r, 2500));
    expect(waiting.output()).toContain("waiting for the storage lock (held by gc-pod-1 1 gc)");
    expect(existsSync(owner)).toBe(true);
    // The holder stops renewing: a lease older than a minute counts as dead.
    const old = new Date(Date.now() - 61000);
    utimesSync(owner, old, old);
    const { code, output } = await waiting.done;
    expect(code).toBe(0);
    expect(output).toMatch(/taking over the storage lock left by gc-pod-1 1 gc \(no renewal for 6\d s\)/);
  });

  it("tidy lifts a freeze that no live job holds, and keeps one a live lock holder holds", async () => {
    const file = scheduleFile("tidy", [sh("echo ran", "work", { group: "storage" })]);
    const frozen = path.join(work, "tidy", "frozen");
    const owner = path.join(work, "tidy", "locks", "storage", "owner");
    require("fs").mkdirSync(path.dirname(owner), { recursive: true });
    // A job in another pod holds the lock, renewed just now: its freeze stays.
    writeFileSync(owner, "gc-pod-2 1 gc\n");
    writeFileSync(frozen, "gc\n");
    expect((await start(file, "tidy").done).code).toBe(0);
    expect(existsSync(frozen)).toBe(true);
    // That pod was killed: the lease ages past a minute, and the freeze it left is lifted.
    const old = new Date(Date.now() - 61000);
    utimesSync(owner, old, old);
    const { code, output } = await start(file, "tidy").done;
    expect(code).toBe(0);
    expect(output).toContain("lifting a write freeze no running job holds (gc)");
    expect(existsSync(frozen)).toBe(false);
  });

  it("stops a job at its timeout, fails it, and tells the webhooks; its next success is a recovery", async () => {
    hooks = [];
    const flag = path.join(work, "fail-once");
    const file = scheduleFile("timeout", [sh(`if [ -e ${flag} ]; then echo fine; else sleep 30; fi`, "slow", { timeoutSeconds: 1 })]);
    const failed = await start(file, "run", "slow").done;
    expect(failed.code).toBe(124);
    expect(failed.output).toContain("timed out after 1 s");
    expect(metrics(file, "slow").last_exit_code).toBe(124);
    expect(hooks).toEqual([expect.objectContaining({ source: "regstack", stack: "test", job: "slow", status: "failed", exitCode: 124 })]);
    writeFileSync(flag, "");
    expect((await start(file, "run", "slow").done).code).toBe(0);
    expect(hooks[1]).toEqual(expect.objectContaining({ job: "slow", status: "recovered", exitCode: 0, output: ["fine"] }));
    const m = metrics(file, "slow");
    expect(m.last_success_timestamp_seconds).toBeGreaterThan(0);
  });

  it("serves schedules: lifts a freeze left behind, beats its heartbeat, plans each job's next run, and stops cleanly", async () => {
    const file = scheduleFile("serve", [sh("echo tick", "nightly", { schedule: "0 2 * * *" }), sh("true", "restore")]);
    const frozen = path.join(work, "serve", "frozen");
    writeFileSync(frozen, "gc 2026-01-01T00:00:00Z\n");
    const server = start(file, "serve");
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline && !existsSync(path.join(work, "serve", "heartbeat"))) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(frozen)).toBe(false);
    server.child.kill("SIGTERM");
    const { code, output } = await server.done;
    expect(code).toBe(0);
    expect(output).toContain("lifting a write freeze left behind (gc 2026-01-01T00:00:00Z)");
    // The next 02:00 in the scheduler's time zone; a job without a schedule runs only by hand.
    expect(output).toMatch(/nightly: next run \d{4}-\d\d-\d\dT\d\d:00:00\.000Z/);
    expect(output).not.toContain("restore: next run");
  });

  it("refuses an unknown job by name", async () => {
    const file = scheduleFile("unknown", [sh("true", "backup")]);
    const { code, output } = await start(file, "run", "bakup").done;
    expect(code).toBe(2);
    expect(output).toContain('unknown job "bakup"; jobs: backup');
  });
});
