/**
 * A private containerd (Debian's) for the real-tool checks: its own root, state and socket under a
 * temporary directory, no CRI plugin, stopped and removed by the caller. `ctr images pull
 * --hosts-dir` then reads hosts.toml files the way a kind or k3s node's containerd does.
 */
import { spawn } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { startProcess } from "./process";

export interface RunningContainerd {
  readonly socket: string;
  /** Runs ctr against it without blocking the event loop (the daemon's log pipe keeps draining). */
  ctr(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

function run(command: string, args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export async function startContainerd(work: string): Promise<RunningContainerd> {
  // Short names: a unix socket's path may not pass 104 bytes, and `work` may already be deep (a
  // test run's directory inside CI's TMPDIR).
  const dir = path.join(work, "ctd");
  mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, "sock");
  const config = path.join(dir, "config.toml");
  writeFileSync(
    config,
    [
      "version = 2",
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
      "[grpc]",
      `  address = "${socket}"`,
      "[ttrpc]",
      `  address = "${socket}.ttrpc"`,
      "",
    ].join("\n"),
  );
  const proc = startProcess("containerd", ["--config", config]);
  const ctr = (args: readonly string[]) => run("ctr", ["--address", socket, ...args]);
  const deadline = Date.now() + 20000;
  for (;;) {
    if ((await ctr(["version"])).status === 0) break;
    if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`containerd did not start:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { socket, ctr, stop: () => proc.stop() };
}
