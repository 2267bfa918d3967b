/**
 * The Swarm half of the applier: a stack's captured configs, secrets and services, created or updated
 * in the private engine's single-node Swarm through the Engine API, as the provider does: a service
 * whose inputs changed is updated in place (Swarm rolls its task), and a config or secret is created
 * under its versioned name. Published ports go to free loopback ports, images to the stand-ins.
 */
import { createHash } from "crypto";
import { request } from "http";
import { CapturedResource, Evaluation } from "../offline/engine";
import { reveal } from "../offline/secrets";
import { ReportedFailure } from "../offline/cli";
import { PrivateEngine } from "./engine";
import { NO_STAND_IN } from "./standins";

export const SERVICE = "docker:index/service:Service";
export const SWARM_CONFIG = "docker:index/serviceConfig:ServiceConfig";
export const SWARM_SECRET = "docker:index/secret:Secret";

type Json = Record<string, unknown>;
interface FileRef {
  configId?: string;
  secretId?: string;
  configName?: string;
  secretName?: string;
  fileName: string;
  fileUid?: string;
  fileGid?: string;
  fileMode?: number;
}
interface ServiceInputs {
  name: string;
  labels?: { label: string; value: string }[];
  taskSpec: {
    containerSpec: {
      image: string;
      args?: string[];
      env?: Record<string, string>;
      user?: string;
      readOnly?: boolean;
      capDrops?: string[];
      capAdds?: string[];
      mounts?: { type: string; source?: string; target: string; readOnly?: boolean; tmpfsOptions?: { sizeBytes?: number; mode?: number } }[];
      configs?: FileRef[];
      secrets?: FileRef[];
      healthcheck?: { tests?: string[]; interval?: string; timeout?: string; retries?: number; startPeriod?: string };
      labels?: { label: string; value: string }[];
    };
    networksAdvanceds?: { id: string; aliases?: string[] }[];
    placement?: { constraints?: string[] };
    resources?: { limits?: { memoryBytes?: number; nanoCpus?: number }; reservation?: { memoryBytes?: number } };
    restartPolicy?: { condition?: string; delay?: string; window?: string };
    logDriver?: { name: string; options?: Record<string, string> };
  };
  endpointSpec?: { mode?: string; ports?: { name?: string; targetPort: number; publishedPort?: number; publishMode?: string; protocol?: string }[] };
  updateConfig?: { parallelism?: number; order?: string; failureAction?: string; monitor?: string; delay?: string };
  rollbackConfig?: { parallelism?: number; order?: string; failureAction?: string; monitor?: string };
}

/** What the Swarm applier did with one service. */
export interface AppliedService {
  readonly resource: string;
  readonly name: string;
  /** created, kept (inputs unchanged) or updated (Swarm rolled its task). */
  readonly action: "created" | "kept" | "updated";
}

const labelsOf = (list: readonly { label: string; value: string }[] | undefined): Record<string, string> => Object.fromEntries((list ?? []).map((l) => [l.label, l.value]));

/** A Go duration ("15s", "3m", "500ms") in nanoseconds, as the Engine API takes it. */
export function nanoseconds(duration: string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.map((p) => p[0]).join("") !== duration) throw new Error(`not a duration: ${duration}`);
  for (const [, n, unit] of parts) total += Number(n) * units[unit];
  return Math.round(total);
}

export class SwarmApplier {
  /** Mock ids (`<resource>-id`) of the stack's networks, configs and secrets → the engine's ids. */
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly engine: PrivateEngine,
    private readonly images: ReadonlyMap<string, string>,
    /** Declared published port → the free port used here. */
    private readonly hostPort: (declared: number) => Promise<number>,
  ) {}

  /** The Engine API over the engine's socket. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        { socketPath: this.engine.socket, path: `/v1.41${path}`, method, headers: data ? { "Content-Type": "application/json", "Content-Length": data.length } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown = text;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              // plain text answer
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on("error", reject);
      if (data) req.write(data);
      req.end();
    });
  }

  private async must(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json;
  }

  /** Records the engine's id of every network the stack declared (created by the container applier). */
  noteNetworks(evaluation: Evaluation, type: string): void {
    for (const n of evaluation.resources.filter((r) => r.type === type)) {
      const id = this.engine.must(["network", "inspect", "--format", "{{.Id}}", String(n.inputs.name)]);
      this.ids.set(`${n.name}-id`, id);
    }
  }

  /** Creates the configs and secrets a stack declares that the engine does not hold yet (they are immutable). */
  async files(evaluation: Evaluation): Promise<void> {
    for (const r of evaluation.resources.filter((x) => x.type === SWARM_CONFIG || x.type === SWARM_SECRET)) {
      const inputs = reveal(r.inputs) as { name: string; data: string; labels?: { label: string; value: string }[] };
      const kind = r.type === SWARM_CONFIG ? "configs" : "secrets";
      const existing = (await this.must("GET", `/${kind}?filters=${encodeURIComponent(JSON.stringify({ name: [inputs.name] }))}`)) as { ID: string; Spec: { Name: string } }[];
      const found = existing.find((e) => e.Spec.Name === inputs.name);
      const id = found ? found.ID : ((await this.must("POST", `/${kind}/create`, { Name: inputs.name, Data: inputs.data, Labels: labelsOf(inputs.labels) })) as { ID: string }).ID;
      this.ids.set(`${r.name}-id`, id);
    }
  }

  private id(mockId: string): string {
    const id = this.ids.get(mockId);
    if (!id) throw new Error(`no engine object for ${mockId}`);
    return id;
  }

  /** The Engine API's ServiceSpec for a captured service. */
  async specOf(i: ServiceInputs, image: string, hash: string): Promise<Json> {
    const c = i.taskSpec.containerSpec;
    const file = (f: FileRef) => ({ Name: f.fileName, UID: f.fileUid ?? "0", GID: f.fileGid ?? "0", Mode: f.fileMode ?? 0o444 });
    const h = c.healthcheck;
    const ports = [];
    for (const p of i.endpointSpec?.ports ?? []) {
      ports.push({ Name: p.name, Protocol: p.protocol ?? "tcp", TargetPort: p.targetPort, PublishedPort: await this.hostPort(p.publishedPort ?? p.targetPort), PublishMode: p.publishMode ?? "ingress" });
    }
    return {
      Name: i.name,
      Labels: { ...labelsOf(i.labels), "io.regstack.e2e.inputs": hash },
      TaskTemplate: {
        ContainerSpec: {
          Image: image,
          Args: c.args,
          Env: Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`),
          User: c.user,
          ReadOnly: c.readOnly ?? false,
          CapabilityDrop: c.capDrops,
          CapabilityAdd: c.capAdds,
          Labels: labelsOf(c.labels),
          Mounts: (c.mounts ?? []).map((m) => ({
            Type: m.type,
            Source: m.source,
            Target: m.target,
            ReadOnly: m.readOnly ?? false,
            ...(m.tmpfsOptions ? { TmpfsOptions: { SizeBytes: m.tmpfsOptions.sizeBytes, Mode: m.tmpfsOptions.mode } } : {}),
          })),
          Configs: (c.configs ?? []).map((f) => ({ ConfigID: this.id(f.configId!), ConfigName: f.configName, File: file(f) })),
          Secrets: (c.secrets ?? []).map((f) => ({ SecretID: this.id(f.secretId!), SecretName: f.secretName, File: file(f) })),
          Healthcheck: h?.tests?.length
            ? { Test: h.tests, Interval: nanoseconds(h.interval), Timeout: nanoseconds(h.timeout), Retries: h.retries, StartPeriod: nanoseconds(h.startPeriod) }
            : undefined,
        },
        Networks: (i.taskSpec.networksAdvanceds ?? []).map((n) => ({ Target: this.id(n.id), Aliases: n.aliases })),
        Placement: { Constraints: i.taskSpec.placement?.constraints },
        Resources: {
          Limits: { MemoryBytes: i.taskSpec.resources?.limits?.memoryBytes, NanoCPUs: i.taskSpec.resources?.limits?.nanoCpus },
          Reservations: { MemoryBytes: i.taskSpec.resources?.reservation?.memoryBytes },
        },
        RestartPolicy: { Condition: i.taskSpec.restartPolicy?.condition, Delay: nanoseconds(i.taskSpec.restartPolicy?.delay), Window: nanoseconds(i.taskSpec.restartPolicy?.window) },
        LogDriver: i.taskSpec.logDriver ? { Name: i.taskSpec.logDriver.name, Options: i.taskSpec.logDriver.options } : undefined,
      },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: i.updateConfig
        ? { Parallelism: i.updateConfig.parallelism, Order: i.updateConfig.order, FailureAction: i.updateConfig.failureAction, Monitor: nanoseconds(i.updateConfig.monitor), Delay: nanoseconds(i.updateConfig.delay) }
        : undefined,
      RollbackConfig: i.rollbackConfig
        ? { Parallelism: i.rollbackConfig.parallelism, Order: i.rollbackConfig.order, FailureAction: i.rollbackConfig.failureAction, Monitor: nanoseconds(i.rollbackConfig.monitor) }
        : undefined,
      EndpointSpec: { Mode: i.endpointSpec?.mode ?? "vip", Ports: ports },
    };
  }

  /** Creates or updates one service, then waits for its task to run healthy. */
  async service(r: CapturedResource, skipped: { resource: string; image: string; reason: string }[]): Promise<AppliedService | undefined> {
    const i = reveal(r.inputs) as ServiceInputs;
    const image = this.images.get(i.taskSpec.containerSpec.image);
    if (!image) {
      skipped.push({ resource: r.name, image: i.taskSpec.containerSpec.image, reason: NO_STAND_IN[i.taskSpec.containerSpec.image] ?? "no stand-in image" });
      return undefined;
    }
    const hash = createHash("sha256").update(JSON.stringify({ i, image })).digest("hex").slice(0, 16);
    const existing = await this.api("GET", `/services/${encodeURIComponent(i.name)}`);
    const spec = await this.specOf(i, image, hash);
    let action: AppliedService["action"];
    const earlier = this.runningTasks(i.name);
    if (existing.status === 200) {
      const current = existing.json as { ID: string; Version: { Index: number }; Spec: { Labels?: Record<string, string> } };
      if (current.Spec.Labels?.["io.regstack.e2e.inputs"] === hash) return { resource: r.name, name: i.name, action: "kept" };
      await this.must("POST", `/services/${current.ID}/update?version=${current.Version.Index}`, spec);
      action = "updated";
    } else {
      await this.must("POST", "/services/create", spec);
      action = "created";
    }
    await this.converged(i.name, earlier);
    return { resource: r.name, name: i.name, action };
  }

  /** The running task's container of a service. */
  containerOf(service: string): string {
    return this.engine.must(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`]).split("\n")[0] ?? "";
  }

  /** The ids of a service's tasks meant to run. */
  private runningTasks(service: string): string[] {
    return this.engine.docker(["service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", service]).stdout.split("\n").filter(Boolean);
  }

  /**
   * Waits until a task of the service other than the `earlier` ones runs healthy (the new task of an
   * update; Swarm's own monitor period after it is not waited out), and the update did not fail.
   */
  async converged(service: string, earlier: readonly string[] = [], timeoutMs = 180000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      const s = (await this.must("GET", `/services/${encodeURIComponent(service)}`)) as { UpdateStatus?: { State?: string; Message?: string } };
      const update = s.UpdateStatus?.State;
      if (update === "paused" || update === "rollback_started" || update === "rollback_completed" || update === "rollback_paused") {
        throw new ReportedFailure(`${service}: its update ended "${update}": ${s.UpdateStatus?.Message ?? ""}\n${this.taskErrors(service)}`);
      }
      const fresh = this.runningTasks(service).filter((t) => !earlier.includes(t));
      const states = fresh.map((t) => this.engine.docker(["inspect", "--format", "{{.Status.State}} {{.Status.ContainerStatus.ContainerID}}", t]).stdout.trim());
      last = states.join(", ") || "no new task yet";
      const running = states.find((st) => st.startsWith("running "));
      const container = running ? running.split(" ")[1] : "";
      if (container) {
        const health = this.engine.docker(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", container]).stdout.trim();
        if (health === "healthy" || health === "none") return;
        if (health === "unhealthy") break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new ReportedFailure(`${service} did not converge: ${last}\n${this.taskErrors(service)}`);
  }

  private taskErrors(service: string): string {
    const ps = this.engine.docker(["service", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}", service]);
    const logs = this.engine.docker(["service", "logs", "--tail", "30", service]);
    return `tasks:\n${ps.stdout}\nlogs:\n${logs.stdout}${logs.stderr}`;
  }
}
