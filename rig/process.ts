import { ChildProcess, spawn, spawnSync } from "child_process";
import { readFileSync } from "fs";
import { createServer } from "net";
import { onInterrupt } from "./interrupt";

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Polls a URL until it answers with the wanted status, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, status = 200, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === status) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ${status} in ${timeoutMs} ms (${last})`);
}

/** Starts a long-running program, collecting its output for failure messages. */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  // An interrupted run stops it too; once it has exited there is nothing to stop.
  const forget = onInterrupt(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  child.once("exit", forget);
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A process's resident memory in MiB, from /proc: all of it, or its anonymous part (heap and stacks, which a memory limit cannot page out). */
export function rssMibOf(pid: number, part: "all" | "anonymous" = "all"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = part === "all" ? "VmRSS" : "RssAnon";
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
}

/** Runs a command to completion. */
export function runTool(command: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Fails with a clear message when a Debian program the check needs is not installed. */
export function requireTool(name: string): void {
  if (spawnSync("sh", ["-c", `command -v ${name}`]).status !== 0) {
    throw new Error(`${name} is not installed: run scripts/install-real-tools.sh`);
  }
}
