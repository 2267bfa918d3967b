import { execFile, spawn, spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { freePort } from "../rig/process";

/** Debian's Docker CLI (a newer CLI earlier on PATH may not match Debian's daemon). */
export const DOCKER_CLI = "/usr/bin/docker";
const DOCKERD = "/usr/sbin/dockerd";

export interface DockerResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A private Docker engine for end-to-end runs: vfs storage, no iptables, no default bridge, its own
 * socket, data root and exec root under one directory. `stop` removes its containers, the bridges its
 * networks made, and every byte of its state, also after a failed run.
 */
export class PrivateEngine {
  readonly root: string;
  readonly socket: string;
  private pid = 0;

  constructor(root = mkdtempSync(path.join(tmpdir(), "regstack-engine-"))) {
    this.root = root;
    this.socket = path.join(root, "docker.sock");
  }

  /** Where `npm run e2e:up` records what it left running in this engine, for `npm run e2e:down`. */
  get stateFile(): string {
    return path.join(this.root, "e2e-up.json");
  }

  /** A short name for the engine: the unique part of its directory. */
  get id(): string {
    return path.basename(this.root).replace(/^regstack-engine-/, "");
  }

  /** The engines `npm run e2e:up` left running under a directory (the system's temporary one by default). */
  static running(dir = tmpdir()): PrivateEngine[] {
    return PrivateEngine.rootsUnder(dir)
      .filter((root) => existsSync(path.join(root, "e2e-up.json")))
      .map((root) => new PrivateEngine(root));
  }

  async start(): Promise<void> {
    if (!existsSync(DOCKERD)) throw new Error(`${DOCKERD} is missing: run scripts/install-e2e-tools.sh`);
    mkdirSync(path.join(this.root, "data"), { recursive: true });
    const log = openSync(path.join(this.root, "dockerd.log"), "a");
    const child = spawn(
      DOCKERD,
      [
        "--storage-driver", "vfs",
        "--iptables=false",
        "--ip-masq=false",
        "--bridge=none",
        "--data-root", path.join(this.root, "data"),
        "--exec-root", path.join(this.root, "exec"),
        "--pidfile", path.join(this.root, "docker.pid"),
        "-H", `unix://${this.socket}`,
      ],
      { detached: true, stdio: ["ignore", log, log] },
    );
    child.unref();
    this.pid = child.pid ?? 0;
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      if (this.docker(["info", "--format", "{{.ServerVersion}}"]).status === 0) return;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`dockerd did not start:\n${readFileSync(path.join(this.root, "dockerd.log"), "utf8").slice(-3000)}`);
  }

  docker(args: readonly string[], input?: string, timeoutMs?: number): DockerResult {
    const r = spawnSync(DOCKER_CLI, ["-H", `unix://${this.socket}`, ...args], { encoding: "utf8", input, maxBuffer: 1 << 26, timeout: timeoutMs });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  }

  /** As docker(), without blocking: for checks that each wait on something (a DNS lookup that times out). */
  dockerAsync(args: readonly string[]): Promise<DockerResult> {
    return new Promise((resolve) => {
      execFile(DOCKER_CLI, ["-H", `unix://${this.socket}`, ...args], { encoding: "utf8", maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
        const status = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ status, stdout: stdout ?? "", stderr: stderr ?? "" });
      });
    });
  }

  /** Runs a docker command that must succeed; returns its trimmed output. */
  must(args: readonly string[], input?: string): string {
    const r = this.docker(args, input);
    if (r.status !== 0) throw new Error(`docker ${args.join(" ")} failed:\n${r.stderr}`);
    return r.stdout.trim();
  }

  save(extra: Record<string, unknown> = {}): void {
    writeFileSync(this.stateFile, JSON.stringify({ id: this.id, root: this.root, pid: this.pid, ...extra }, null, 2));
  }

  /**
   * The bridge this engine's Swarm gateway network (docker_gwbridge) uses: a name of its own, since
   * Docker's default name is one per machine and may belong to another engine.
   */
  get gatewayBridge(): string {
    return `rsgw${this.id.slice(0, 8)}`;
  }

  /**
   * Makes the engine a single-node Swarm manager on loopback and returns its node's hostname. The
   * gateway network comes first, under this engine's own bridge name; the control port is a free one.
   * (Swarm's gossip still listens on 127.0.0.1:7946, so two engines here cannot be Swarms at once.)
   */
  async initSwarm(): Promise<string> {
    this.must([
      "network", "create", "--driver", "bridge",
      "--opt", `com.docker.network.bridge.name=${this.gatewayBridge}`,
      "--opt", "com.docker.network.bridge.enable_icc=false",
      "--opt", "com.docker.network.bridge.enable_ip_masquerade=false",
      "docker_gwbridge",
    ]);
    const port = await freePort();
    this.must(["swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", `127.0.0.1:${port}`]);
    return this.must(["info", "--format", "{{.Name}}"]);
  }

  async stop(): Promise<void> {
    const bridges: string[] = [];
    if (this.docker(["version"]).status === 0) {
      // Leaving the Swarm removes its services, so no task comes back while the containers go.
      if (this.docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]).stdout.trim() === "active") this.docker(["swarm", "leave", "--force"]);
      const ids = this.docker(["ps", "-aq"]).stdout.split("\n").filter(Boolean);
      if (ids.length) this.docker(["rm", "-f", "-v", ...ids]);
      bridges.push(...this.bridges());
    }
    const pidFile = path.join(this.root, "docker.pid");
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : this.pid;
    if (pid > 0) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
      const deadline = Date.now() + 20000;
      while (Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 200));
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    for (const bridge of bridges) spawnSync("ip", ["link", "delete", bridge], { stdio: "ignore" });
    // vfs layers can hold read-only files; a bind mount may linger until the daemon is gone.
    spawnSync("sh", ["-c", `umount -R "${this.root}"/exec/* 2>/dev/null; true`]);
    // Its record (e2e-up.json) lives in its own directory and goes with it.
    rmSync(this.root, { recursive: true, force: true });
  }

  /** The bridges this engine's networks made (br-<id>, or the name a network was given), while it runs. */
  bridges(): string[] {
    const ids = this.docker(["network", "ls", "-q", "--no-trunc", "--filter", "type=custom", "--filter", "driver=bridge"]).stdout.split("\n").filter(Boolean);
    return ids.map((id) => {
      const named = this.docker(["network", "inspect", "--format", '{{index .Options "com.docker.network.bridge.name"}}', id]).stdout.trim();
      return named && named !== "<no value>" ? named : `br-${id.slice(0, 12)}`;
    });
  }

  /** The roots of every engine under a directory (CI's own temporary directory). */
  static rootsUnder(dir: string): string[] {
    return readdirSync(dir).filter((d) => d.startsWith("regstack-engine-")).map((d) => path.join(dir, d));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a network link of that name exists on this machine. */
export function linkExists(name: string): boolean {
  return spawnSync("ip", ["link", "show", name], { stdio: "ignore" }).status === 0;
}
