import { createHash } from "crypto";
import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { CapturedResource, Evaluation } from "../offline/engine";
import { reveal } from "../offline/secrets";
import { ReportedFailure } from "../offline/cli";
import { freePort } from "../rig/process";
import { DOCKER_CLI, PrivateEngine } from "./engine";
import { NO_STAND_IN } from "./standins";
import { AppliedService, SERVICE, SwarmApplier } from "./swarmApplier";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const NETWORK = "docker:index/network:Network";

interface Upload {
  file: string;
  content: string;
  executable?: boolean;
  permissions?: string;
}
interface Port {
  internal: number;
  external: number;
  ip?: string;
  protocol?: string;
}
interface Volume {
  volumeName?: string;
  hostPath?: string;
  containerPath: string;
  readOnly?: boolean;
}
interface Health {
  tests?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  startPeriod?: string;
}
interface ContainerInputs {
  name?: string;
  image: string;
  command?: string[];
  entrypoints?: string[];
  envs?: string[];
  user?: string;
  readOnly?: boolean;
  tmpfs?: Record<string, string>;
  memory?: number;
  memorySwap?: number;
  cpus?: string;
  capabilities?: { adds?: string[]; drops?: string[] };
  ports?: Port[];
  volumes?: Volume[];
  networksAdvanced?: { name: string; aliases?: string[] }[];
  networkMode?: string;
  healthcheck?: Health;
  restart?: string;
  logDriver?: string;
  logOpts?: Record<string, string>;
  labels?: { label: string; value: string }[];
  uploads?: Upload[];
  attach?: boolean;
  mustRun?: boolean;
  wait?: boolean;
}

/** What the applier did with one container. */
export interface AppliedContainer {
  readonly resource: string;
  readonly name: string;
  readonly id: string;
  /** created, kept (inputs unchanged), replaced, or ran (a one-shot job). */
  readonly action: "created" | "kept" | "replaced" | "ran";
}

export interface ApplyReport {
  readonly containers: AppliedContainer[];
  /** Swarm services (Swarm mode). */
  readonly services: AppliedService[];
  /** Containers not run, with the reason (no stand-in image). */
  readonly skipped: { readonly resource: string; readonly image: string; readonly reason: string }[];
  /** Published ports: declared host port → the free loopback port used here. */
  readonly ports: ReadonlyMap<number, number>;
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Containers in an order where each comes after what it depends on (dependsOn, then declaration order). */
function ordered(containers: CapturedResource[]): CapturedResource[] {
  const byUrn = new Map(containers.map((c) => [c.urn, c]));
  const done = new Set<string>();
  const out: CapturedResource[] = [];
  const visit = (c: CapturedResource, stack: Set<string>) => {
    if (done.has(c.urn)) return;
    if (stack.has(c.urn)) throw new Error(`dependency cycle at ${c.name}`);
    stack.add(c.urn);
    for (const dep of c.dependsOn) {
      const d = byUrn.get(dep);
      if (d) visit(d, stack);
    }
    done.add(c.urn);
    out.push(c);
  };
  for (const c of containers) visit(c, new Set());
  return out;
}

/**
 * Creates a stack's captured Docker resources (networks, volumes, containers, and in Swarm mode configs,
 * secrets and services) in a real engine, in dependency order, exactly as declared but for two things: image references (to the stand-ins) and
 * published host ports (to free loopback ports). Applying again after a config edit recreates only
 * the containers whose inputs changed, as `pulumi up` would replace them.
 */
export class Applier {
  private readonly ports = new Map<number, number>();

  /** Containers that did not become healthy (only when the applier tolerates them). */
  readonly unhealthy: string[] = [];
  /** Containers whose probe passed by hand, not yet healthy as Docker sees them. */
  private readonly ready: string[] = [];

  /** Runs a container's declared probe in it, as Docker's healthcheck would. */
  private probePasses(name: string, tests: readonly string[]): boolean {
    const [kind, ...rest] = tests;
    const command = kind === "CMD-SHELL" ? ["sh", "-c", rest.join(" ")] : rest;
    // As the declared healthcheck's timeout (5 s): a probe that hangs has not passed.
    return this.engine.docker(["exec", name, ...command], undefined, 5000).status === 0;
  }

  constructor(
    private readonly engine: PrivateEngine,
    private readonly images: ReadonlyMap<string, string>,
    /** Keep going when a service does not become healthy (e2e:up: a cache of an unreachable upstream). */
    private readonly tolerateUnhealthy = false,
  ) {
    this.swarm = new SwarmApplier(engine, images, (declared) => this.hostPort(declared));
  }

  /** The Swarm half: configs, secrets and services. */
  readonly swarm: SwarmApplier;

  async apply(evaluation: Evaluation): Promise<ApplyReport> {
    for (const n of evaluation.resources.filter((r) => r.type === NETWORK)) {
      const name = String(n.inputs.name);
      const attachable = n.inputs.attachable === true ? ["--attachable"] : [];
      if (this.engine.docker(["network", "inspect", name]).status !== 0) this.engine.must(["network", "create", "--driver", String(n.inputs.driver ?? "bridge"), ...attachable, name]);
    }
    for (const v of evaluation.resources.filter((r) => r.type === VOLUME)) {
      const name = String(v.inputs.name);
      if (this.engine.docker(["volume", "inspect", name]).status !== 0) this.engine.must(["volume", "create", name]);
    }
    const containers: AppliedContainer[] = [];
    const skipped: ApplyReport["skipped"] = [];
    for (const c of ordered(evaluation.resources.filter((r) => r.type === CONTAINER))) {
      const inputs = reveal(c.inputs) as ContainerInputs;
      const image = this.images.get(inputs.image);
      if (!image) {
        skipped.push({ resource: c.name, image: inputs.image, reason: NO_STAND_IN[inputs.image] ?? "no stand-in image" });
        continue;
      }
      containers.push(await this.container(c, inputs, image));
    }
    // Each container went on once its own probe passed; Docker's first scheduled probe (15 s after
    // the start) has come for most of them by now, and for the last ones it comes here.
    for (const name of this.ready.splice(0)) await this.awaitHealthy(name);
    const services: AppliedService[] = [];
    const declared = ordered(evaluation.resources.filter((r) => r.type === SERVICE));
    if (declared.length > 0) {
      this.swarm.noteNetworks(evaluation, NETWORK);
      await this.swarm.files(evaluation);
      for (const r of declared) {
        const applied = await this.swarm.service(r, skipped);
        if (applied) services.push(applied);
      }
    }
    return { containers, services, skipped, ports: new Map(this.ports) };
  }

  /** Takes over the port mapping of an earlier apply to the same engine. */
  restorePorts(ports: ReadonlyMap<number, number>): void {
    for (const [declared, local] of ports) this.ports.set(declared, local);
  }

  private async hostPort(declared: number): Promise<number> {
    if (!this.ports.has(declared)) this.ports.set(declared, await freePort());
    return this.ports.get(declared)!;
  }

  private async createArgs(c: CapturedResource, i: ContainerInputs, image: string): Promise<string[]> {
    const args = ["create", "--name", i.name ?? c.name];
    for (const e of i.envs ?? []) args.push("-e", e);
    if (i.user) args.push("--user", i.user);
    if (i.readOnly) args.push("--read-only");
    for (const [p, o] of Object.entries(i.tmpfs ?? {})) args.push("--tmpfs", `${p}:${o}`);
    if (i.memory) args.push("--memory", `${i.memory}m`);
    if (i.memorySwap) args.push("--memory-swap", `${i.memorySwap}m`);
    if (i.cpus) args.push("--cpus", i.cpus);
    for (const cap of i.capabilities?.drops ?? []) args.push("--cap-drop", cap);
    for (const cap of i.capabilities?.adds ?? []) args.push("--cap-add", cap);
    for (const p of i.ports ?? []) args.push("-p", `127.0.0.1:${await this.hostPort(p.external)}:${p.internal}/${p.protocol ?? "tcp"}`);
    for (const v of i.volumes ?? []) args.push("-v", `${v.volumeName ?? v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
    if (i.networkMode) args.push("--network", i.networkMode);
    // The first network at create; the others are connected before the start (see container()).
    const [net] = i.networksAdvanced ?? [];
    if (net) {
      args.push("--network", net.name);
      for (const a of net.aliases ?? []) args.push("--network-alias", a);
    }
    const h = i.healthcheck;
    if (h?.tests?.length) {
      const [kind, ...rest] = h.tests;
      args.push("--health-cmd", kind === "CMD-SHELL" ? rest.join(" ") : rest.map(quote).join(" "));
      if (h.interval) args.push("--health-interval", h.interval);
      if (h.timeout) args.push("--health-timeout", h.timeout);
      if (h.retries) args.push("--health-retries", String(h.retries));
      if (h.startPeriod) args.push("--health-start-period", h.startPeriod);
    }
    if (i.restart) args.push("--restart", i.restart);
    if (i.logDriver) args.push("--log-driver", i.logDriver);
    for (const [k, v] of Object.entries(i.logOpts ?? {})) args.push("--log-opt", `${k}=${v}`);
    for (const l of i.labels ?? []) args.push("--label", `${l.label}=${l.value}`);
    if (i.entrypoints?.length) args.push("--entrypoint", i.entrypoints[0]);
    args.push(image, ...(i.entrypoints?.slice(1) ?? []), ...(i.command ?? []));
    return args;
  }

  private async container(c: CapturedResource, i: ContainerInputs, image: string): Promise<AppliedContainer> {
    const name = i.name ?? c.name;
    const hash = createHash("sha256").update(JSON.stringify({ i, image })).digest("hex").slice(0, 16);
    const existing = this.engine.docker(["inspect", "--format", '{{.Id}} {{index .Config.Labels "io.regstack.e2e.inputs"}}', name]);
    const job = i.mustRun === false;
    if (existing.status === 0) {
      const [id, was] = existing.stdout.trim().split(" ");
      if (was === hash) return { resource: c.name, name, id, action: "kept" };
      this.engine.must(["rm", "-f", name]);
    }
    const args = await this.createArgs(c, i, image);
    args.splice(args.indexOf(image), 0, "--label", `io.regstack.e2e.inputs=${hash}`);
    const id = this.engine.must(args);
    for (const n of (i.networksAdvanced ?? []).slice(1)) this.engine.must(["network", "connect", ...(n.aliases ?? []).flatMap((a) => ["--alias", a]), n.name, name]);
    this.upload(name, i.uploads ?? []);
    if (job) {
      const run = this.engine.docker(["start", "-a", name]);
      const code = this.engine.must(["inspect", "--format", "{{.State.ExitCode}}", name]);
      if (code !== "0") throw new Error(`job ${c.name} exited ${code}:\n${run.stdout}${run.stderr}`);
      return { resource: c.name, name, id, action: "ran" };
    }
    this.engine.must(["start", name]);
    if (i.wait !== false && i.healthcheck?.tests?.length) await this.awaitHealthy(name, i.healthcheck.tests);
    return { resource: c.name, name, id, action: existing.status === 0 ? "replaced" : "created" };
  }

  /**
   * Files go in before the start as one tar extracted at /, as the provider's uploads do (missing
   * parent directories are created; existing ones keep their modes).
   */
  private upload(name: string, uploads: Upload[]): void {
    if (!uploads.length) return;
    const dir = mkdtempSync(path.join(tmpdir(), "regstack-upload-"));
    try {
      const entries = uploads.map((u) => {
        const rel = u.file.replace(/^\/+/, "");
        const local = path.join(dir, rel);
        mkdirSync(path.dirname(local), { recursive: true });
        writeFileSync(local, u.content);
        chmodSync(local, u.permissions ? parseInt(u.permissions, 8) : u.executable ? 0o755 : 0o644);
        return rel;
      });
      const tar = spawnSync("tar", ["-C", dir, "--owner=0", "--group=0", "-cf", "-", ...entries], { maxBuffer: 1 << 26 });
      const cp = spawnSync(DOCKER_CLI, ["-H", `unix://${this.engine.socket}`, "cp", "-", `${name}:/`], { input: tar.stdout });
      if (cp.status !== 0) throw new Error(`uploading into ${name} failed: ${cp.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** `healthy`, with a container that does not become healthy noted instead when the applier tolerates that. */
  private async awaitHealthy(name: string, tests?: readonly string[]): Promise<void> {
    try {
      await this.healthy(name, tests);
    } catch (err) {
      if (!this.tolerateUnhealthy) throw err;
      this.unhealthy.push(`${name}: ${(err as Error).message.split("\n")[0]}`);
    }
  }

  /**
   * Waits until Docker calls the container healthy. With its probe (`tests`, as declared), the wait
   * ends as soon as the probe passes run by hand: Docker's own first probe comes only after the
   * declared interval (15 s; the engines here predate `start_interval`), and a dependent container
   * needs only what that probe shows. Such containers are awaited as Docker sees them at the end of
   * the apply, all at once.
   */
  async healthy(name: string, tests?: readonly string[], timeoutMs = 120000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let status = "";
    while (Date.now() < deadline) {
      const [health, restarts] = this.engine.must(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}} {{.RestartCount}}", name]).split(" ");
      status = health;
      if (status === "healthy") return;
      if (status === "starting" && tests && Number(restarts) === 0 && this.probePasses(name, tests)) {
        this.ready.push(name);
        return;
      }
      // Unhealthy, exited, or crash-looping (restarted already): waiting longer tells nothing more.
      if (status === "unhealthy" || status === "exited" || Number(restarts) > 0) {
        status = Number(restarts) > 0 ? `restarting (${restarts} restarts)` : status;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const logs = this.engine.docker(["logs", "--tail", "40", name]);
    const health = this.engine.docker(["inspect", "--format", "{{json .State.Health}}", name]).stdout;
    throw new ReportedFailure(`${name} is ${status}, not healthy; its last log lines:\n${logs.stdout}${logs.stderr}\nhealth: ${health}`);
  }
}
