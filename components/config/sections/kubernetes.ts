/**
 * The kubernetes target: `regstack:kubernetes` (cluster access, namespace, NodePorts, replicas,
 * claims, requests and limits), and the checks that keep the Docker target's keys off it.
 */
import { grafanaRuns } from "./monitoring";
import { int, oneOf, optional, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { absolutePath, dnsLabel } from "../patterns";
import { KubernetesResources, KubernetesTarget, PodResources, ResourceRole } from "../types";
import { floorText, MEMORY_FLOORS_MB } from "../memoryFloors";
import { cpuQuantity, cpuValue, memoryQuantity, memoryValue, storageQuantity } from "../quantities";

/** The range the API server accepts for a NodePort (the default --service-node-port-range). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

const nodePort = (fallback: number, what: string) =>
  withDefault(int(1, 65535), fallback, { type: "NodePort", text: `${what}'s NodePort (${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}); the edge listens on the same port.` });

const pod = (limits: [string, string], requests: [string, string], role: string) =>
  section(
    {
      requests: section(
        {
          memory: withDefault(str(memoryQuantity), requests[0], { type: "quantity", text: "Memory reserved for it (the cluster places pods by their requests)." }),
          cpu: withDefault(str(cpuQuantity), requests[1], { type: "quantity", text: "CPU reserved for it." }),
        },
        { type: "object", text: "Requests." },
      ),
      limits: section(
        {
          memory: withDefault(str(memoryQuantity), limits[0], { type: "quantity", text: "Memory limit (the container is killed above it)." }),
          cpu: withDefault(str(cpuQuantity), limits[1], { type: "quantity", text: "CPU limit (throttled above it)." }),
        },
        { type: "object", text: "Limits." },
      ),
    },
    { type: "object", text: `Requests and limits of ${role}.` },
  );

export const kubernetesKeys = {
  kubernetes: section(
    {
      kubeconfig: optional(str(absolutePath), { type: "absolute path", default: "`$KUBECONFIG` or `~/.kube/config`", text: "The kubeconfig file of the cluster." }),
      context: optional(str({ minLength: 1, maxLength: 253, pattern: /^[^\s]+$/, expected: "a kubeconfig context name" }), {
        type: "string",
        default: "the kubeconfig's current context",
        text: "The context to deploy with (`kind-<cluster>` for kind, `default` for k3s).",
      }),
      namespace: withDefault(str(dnsLabel), "storage", { type: "DNS label", text: "The namespace everything lives in (created by regstack)." }),
      nodePorts: section(
        {
          registry: nodePort(30500, "The registry"),
          ui: nodePort(30580, "The UI"),
          grafana: nodePort(30530, "Grafana (with `regstack:monitoring`)"),
        },
        { type: "object", text: "NodePorts of the edge (port routing); each cache's is `regstack:mirrors[].port`." },
      ),
      replicas: withDefault(int(1, 20), 1, { type: "number", text: "Registry pods. More than one needs `storage.accessMode: ReadWriteMany` and Redis." }),
      storage: section(
        {
          size: withDefault(str(storageQuantity), "10Gi", { type: "quantity", text: "Size of the claim `registry-storage`." }),
          cacheSize: withDefault(str(storageQuantity), "10Gi", { type: "quantity", text: "Size of each cache's claim." }),
          backupSize: withDefault(str(storageQuantity), "20Gi", { type: "quantity", text: "Size of the claim `backup-storage` (when backups go to a claim)." }),
          storageClass: optional(str(dnsLabel), { type: "name", default: "the cluster's default class", text: "Storage class of every claim (`local-path` on k3s, `standard` on kind)." }),
          accessMode: withDefault(oneOf(["ReadWriteOnce", "ReadWriteMany"] as const), "ReadWriteOnce", {
            type: "`ReadWriteOnce` or `ReadWriteMany`",
            text: "Access mode of every claim. With ReadWriteOnce the pods that share the registry's claim (the edge, the jobs) run on the registry's node; ReadWriteMany lets registry pods run on several nodes.",
          }),
        },
        { type: "object", text: "The claims regstack makes; all are retained by `pulumi destroy`." },
      ),
      resources: section(
        {
          registry: pod(["512Mi", "1"], ["128Mi", "100m"], "each registry pod"),
          mirror: pod(["256Mi", "500m"], ["64Mi", "50m"], "each cache"),
          ui: pod(["64Mi", "250m"], ["16Mi", "10m"], "the UI"),
          redis: pod(["96Mi", "250m"], ["32Mi", "50m"], "Redis"),
          edge: pod(["128Mi", "1"], ["32Mi", "100m"], "the edge (Caddy)"),
          jobs: pod(["384Mi", "1"], ["64Mi", "50m"], "each scheduled job's pod"),
          prometheus: pod(["256Mi", "500m"], ["96Mi", "50m"], "Prometheus"),
          alertmanager: pod(["48Mi", "250m"], ["16Mi", "10m"], "Alertmanager"),
          exporter: pod(["32Mi", "250m"], ["16Mi", "10m"], "each exporter"),
          grafana: pod(["160Mi", "500m"], ["64Mi", "50m"], "Grafana"),
        },
        { type: "object", text: "Requests and limits per role, as Kubernetes quantities." },
      ),
    },
    { type: "object", default: "namespace storage, NodePort 30500", text: "The Kubernetes cluster (with `regstack:target: kubernetes`)." },
  ),
};

type Quantities = { readonly memory: string; readonly cpu: string };
type PodRaw = { readonly requests: Quantities; readonly limits: Quantities };

/** What the kubernetes target's checks and build read. */
export interface KubernetesRaw {
  readonly target: "docker" | "kubernetes";
  readonly kubernetes: {
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly namespace: string;
    readonly nodePorts: { readonly registry: number; readonly ui: number; readonly grafana: number };
    readonly replicas: number;
    readonly storage: { readonly size: string; readonly cacheSize: string; readonly backupSize: string; readonly storageClass?: string; readonly accessMode: "ReadWriteOnce" | "ReadWriteMany" };
    readonly resources: Readonly<Record<keyof KubernetesResources, PodRaw>>;
  };
  readonly ui: { readonly enabled: boolean };
  readonly monitoring: { readonly enabled: boolean; readonly grafana: boolean };
  readonly redis: { readonly enabled: boolean };
  readonly mirrors: readonly { readonly name: string; readonly port: number; readonly host?: string }[];
  readonly edge: { readonly routing: "port" | "host"; readonly httpsPort: number };
  readonly tls: { readonly mode?: string };
  readonly backup: { readonly enabled: boolean; readonly repository: string };
}

/** Keys that only the docker target reads: set on a kubernetes stack, they would be ignored. */
const DOCKER_ONLY = ["docker", "bindAddress", "ports", "resources", "logs"] as const;

function inRange(port: number): boolean {
  return port >= NODE_PORT_RANGE.min && port <= NODE_PORT_RANGE.max;
}

const rangeText = `${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`;

/** The kubernetes target's checks; `given` names the top keys the stack file sets. */
export function checkKubernetes(raw: KubernetesRaw, given: ReadonlySet<string>, issues: IssueList): void {
  const k = raw.kubernetes;
  if (raw.target !== "kubernetes") {
    if (given.has("kubernetes")) issues.add("regstack:kubernetes", 'applies to regstack:target "kubernetes" only; remove it or set regstack:target: kubernetes');
    return;
  }
  for (const key of DOCKER_ONLY) {
    if (given.has(key)) issues.add(`regstack:${key}`, `applies to the docker target only; on kubernetes use regstack:kubernetes (${key === "resources" ? "kubernetes.resources" : key === "ports" ? "kubernetes.nodePorts" : "namespace, nodePorts, storage"})`);
  }
  raw.mirrors.forEach((m, i) => {
    if (m.host !== undefined) issues.add(`regstack:mirrors[${i}].host`, "applies to the docker target only (the cluster places pods itself); remove it");
  });
  if (raw.edge.routing === "port") {
    const ports: { port: number; path: string }[] = [{ port: k.nodePorts.registry, path: "regstack:kubernetes.nodePorts.registry" }];
    if (raw.ui.enabled) ports.push({ port: k.nodePorts.ui, path: "regstack:kubernetes.nodePorts.ui" });
    if (grafanaRuns(raw)) ports.push({ port: k.nodePorts.grafana, path: "regstack:kubernetes.nodePorts.grafana" });
    raw.mirrors.forEach((m, i) => ports.push({ port: m.port, path: `regstack:mirrors[${i}].port` }));
    const taken = new Map<number, string>();
    for (const p of ports) {
      if (!inRange(p.port)) {
        const hint = p.path.startsWith("regstack:mirrors") ? " (on kubernetes a cache's port is its NodePort; the default Docker Hub cache's 5001 is not one: list regstack:mirrors with NodePorts, or [] for none)" : "";
        issues.add(p.path, `expected a NodePort from ${rangeText}, got ${p.port}${hint}`);
        continue;
      }
      const first = taken.get(p.port);
      if (first) issues.add(p.path, `NodePort ${p.port} is already used by ${first}`);
      else taken.set(p.port, p.path);
    }
  } else if (!inRange(raw.edge.httpsPort)) {
    issues.add("regstack:edge.httpsPort", `with host routing on kubernetes this is the edge's NodePort: expected ${rangeText}, got ${raw.edge.httpsPort}`);
  }
  if (raw.tls.mode === "acme") {
    issues.add("regstack:tls.mode", `"acme" needs ports 80 and 443 on a public address, and NodePorts are ${rangeText}: use "internal" or "provided" on kubernetes`);
  }
  if (raw.backup.enabled && raw.backup.repository.startsWith("/")) {
    issues.add("regstack:backup.repository", "a host path is not portable across cluster nodes: leave it out for a retained claim (`backup-storage`), or use rest: or s3:");
  }
  if (k.replicas > 1) {
    if (k.storage.accessMode !== "ReadWriteMany") {
      issues.add(
        "regstack:kubernetes.replicas",
        `${k.replicas} registry pods need storage they can all write: set regstack:kubernetes.storage.accessMode to ReadWriteMany (an RWX class such as NFS or Longhorn), or keep 1 replica`,
      );
    }
    if (!raw.redis.enabled) issues.add("regstack:kubernetes.replicas", "more than one registry pod shares its blob cache in Redis: set regstack:redis.enabled to true, or keep 1 replica");
  }
  for (const [role, pod] of Object.entries(k.resources)) {
    const at = `regstack:kubernetes.resources.${role}`;
    const memory = [memoryValue(pod.requests.memory), memoryValue(pod.limits.memory)];
    const cpu = [cpuValue(pod.requests.cpu), cpuValue(pod.limits.cpu)];
    const floorMb = MEMORY_FLOORS_MB[role as ResourceRole];
    if (memory[1] !== undefined && memory[1] < floorMb * 1024 ** 2) issues.add(`${at}.limits.memory`, `expected at least ${floorMb}Mi (${floorText(role as ResourceRole)}), got ${pod.limits.memory}`);
    if (memory[0] !== undefined && memory[1] !== undefined && memory[0] > memory[1]) {
      issues.add(`${at}.requests.memory`, `expected at most the limit (${pod.limits.memory}), got ${pod.requests.memory}`);
    }
    if (cpu[0] !== undefined && cpu[1] !== undefined && cpu[0] > cpu[1]) {
      issues.add(`${at}.requests.cpu`, `expected at most the limit (${pod.limits.cpu}), got ${pod.requests.cpu}`);
    }
  }
}

function podResources(p: PodRaw): PodResources {
  return { requests: { ...p.requests }, limits: { ...p.limits } };
}

export function buildKubernetes(raw: KubernetesRaw): KubernetesTarget {
  const k = raw.kubernetes;
  return {
    kind: "kubernetes",
    kubeconfig: k.kubeconfig,
    context: k.context,
    namespace: k.namespace,
    ports: { registry: k.nodePorts.registry, ui: k.nodePorts.ui, grafana: k.nodePorts.grafana, mirrors: Object.fromEntries(raw.mirrors.map((m) => [m.name, m.port])) },
    replicas: k.replicas,
    storage: { ...k.storage },
    resources: {
      registry: podResources(k.resources.registry),
      mirror: podResources(k.resources.mirror),
      ui: podResources(k.resources.ui),
      redis: podResources(k.resources.redis),
      edge: podResources(k.resources.edge),
      jobs: podResources(k.resources.jobs),
      prometheus: podResources(k.resources.prometheus),
      alertmanager: podResources(k.resources.alertmanager),
      exporter: podResources(k.resources.exporter),
      grafana: podResources(k.resources.grafana),
    },
  };
}
