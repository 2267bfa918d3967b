/**
 * The k8s stack under the offline engine: every object the Kubernetes target promises, with the names
 * a cluster's users expect, the pod security settings, NodePort 30500, retained claims, the fence, the
 * CronJobs, and the translation following from the same descriptions the Docker target uses.
 */
import { CapturedResource, Evaluation } from "../../offline/engine";
import { evaluateConfig, evaluateStack } from "../../offline/run";
import { readStackConfig } from "../../offline/stackConfig";
import { reveal } from "../../offline/secrets";
import { images } from "../../components/images";
import { withKey } from "../support/config";
import { diff } from "../support/resources";

type Obj = { metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: Record<string, unknown> };
type Container = {
  name: string;
  image: string;
  args?: string[];
  env: { name: string }[];
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities?: { drop: string[]; add?: string[] } };
  resources: { limits: { memory: string; cpu: string }; requests: { memory: string; cpu: string } };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  ports: { containerPort: number }[];
  volumeMounts: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
};
type PodSpec = {
  automountServiceAccountToken: boolean;
  securityContext: { runAsUser?: number; runAsNonRoot?: boolean; fsGroup?: number; seccompProfile: { type: string } };
  affinity?: { podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution: { labelSelector: { matchLabels: Record<string, string> } }[] } };
  containers: Container[];
  initContainers?: Container[];
  volumes: { name: string; persistentVolumeClaim?: { claimName: string }; projected?: unknown; configMap?: unknown }[];
};

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const CRON_JOB = "kubernetes:batch/v1:CronJob";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

let e: Evaluation;
beforeAll(async () => {
  e = await evaluateStack("k8s");
});

const objects = (type: string) => e.resources.filter((r) => r.type === type);
const named = (type: string, name: string): CapturedResource & { inputs: Obj } => {
  const found = objects(type).find((r) => (r.inputs as Obj).metadata.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; have ${objects(type).map((r) => (r.inputs as Obj).metadata.name).join(", ")}`);
  return found as CapturedResource & { inputs: Obj };
};
const podOf = (r: CapturedResource): PodSpec => ((r.inputs as Obj).spec.template as { spec: PodSpec }).spec;

describe("the k8s stack", () => {
  it("puts everything in the namespace storage, which destroy keeps with its claims", () => {
    const namespaced = e.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Namespace" && !r.type.startsWith("pulumi:providers"));
    const namespaces = new Set(namespaced.map((r) => (r.inputs as Obj).metadata.namespace));
    expect(namespaces).toEqual(new Set(["storage", "kube-public"]));
    const ns = e.resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
    expect(ns.retainOnDelete).toBe(true);
    expect(ns.protect).toBe(true);
  });

  it("runs the registry as Deployment docker-registry: one replica, Recreate on its ReadWriteOnce claim, config from registry-config", () => {
    const registry = named(DEPLOYMENT, "docker-registry");
    expect(registry.inputs.spec.replicas).toBe(1);
    expect(registry.inputs.spec.strategy).toEqual({ type: "Recreate" });
    const pod = podOf(registry);
    const config = pod.containers[0].volumeMounts.find((m) => m.mountPath === "/etc/distribution/config.yml")!;
    expect(pod.volumes.find((v) => v.name === config.name)).toEqual({ name: "config", configMap: { name: "registry-config", defaultMode: 0o444 } });
    expect(named(CONFIG_MAP, "registry-config").inputs).toBeDefined();
    expect(pod.volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim).toEqual({ claimName: "registry-storage" });
    expect(pod.containers[0].image).toBe(images.registry3);
  });

  it("keeps secrets out of ConfigMaps and env: the registry's http secret is in Secret registry-env", () => {
    const registry = podOf(named(DEPLOYMENT, "docker-registry")).containers[0];
    expect(registry.env.map((v) => v.name)).not.toContain("REGISTRY_HTTP_SECRET");
    const env = named(SECRET, "registry-env");
    expect(Object.keys(reveal(env.inputs.stringData ?? (env.inputs as unknown as { stringData: object }).stringData) as object)).toContain("REGISTRY_HTTP_SECRET");
    // No secret is in a ConfigMap: the whole-stack test of stacks.test.ts finds no generated secret in plain inputs.
    for (const cm of objects(CONFIG_MAP)) expect(JSON.stringify(cm.inputs)).not.toMatch(/REGISTRY_HTTP_SECRET|requirepass/);
  });

  it("claims registry-storage: 10Gi, ReadWriteOnce, retained on delete and protected", () => {
    const claim = named(CLAIM, "registry-storage");
    expect(claim.inputs.spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } });
    expect(claim.retainOnDelete).toBe(true);
    expect(claim.protect).toBe(true);
    for (const c of objects(CLAIM)) expect({ [c.name]: c.retainOnDelete }).toEqual({ [c.name]: true });
  });

  it("fronts the edge with Service docker-registry (ClusterIP) and docker-registry-nodeport on NodePort 30500; nothing else is a NodePort", () => {
    const clusterIp = named(SERVICE, "docker-registry").inputs.spec as { type: string; selector: Record<string, string>; ports: { port: number }[] };
    expect(clusterIp.type).toBe("ClusterIP");
    expect(clusterIp.selector["app.kubernetes.io/component"]).toBe("edge");
    const nodePort = named(SERVICE, "docker-registry-nodeport").inputs.spec as { type: string; selector: Record<string, string>; ports: { nodePort: number; port: number }[] };
    expect(nodePort.type).toBe("NodePort");
    expect(nodePort.selector["app.kubernetes.io/component"]).toBe("edge");
    expect(nodePort.ports.map((p) => p.nodePort)).toEqual(expect.arrayContaining([30500, 30501, 30502, 30580]));
    const nodePorts = objects(SERVICE).filter((s) => (s.inputs as Obj).spec.type === "NodePort");
    expect(nodePorts.map((s) => (s.inputs as Obj).metadata.name)).toEqual(["docker-registry-nodeport"]);
    // The registry's own port stays inside: its Service is ClusterIP.
    expect(named(SERVICE, "registry").inputs.spec.type).toBe("ClusterIP");
  });

  it("secures every pod: no service-account token, RuntimeDefault seccomp, no privilege escalation, all capabilities dropped", () => {
    const pods = [...objects(DEPLOYMENT).map(podOf), ...objects(CRON_JOB).map((c) => ((c.inputs as Obj).spec.jobTemplate as { spec: { template: { spec: PodSpec } } }).spec.template.spec)];
    expect(pods.length).toBeGreaterThan(5);
    for (const pod of pods) {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        if (c.image !== images.ui) expect(c.securityContext.capabilities?.drop).toEqual(["ALL"]);
        expect(c.resources.limits.memory).toMatch(/^\d+Mi$/);
      }
    }
    const registry = podOf(named(DEPLOYMENT, "docker-registry"));
    expect(registry.securityContext).toEqual({ runAsUser: 10500, runAsGroup: 10500, runAsNonRoot: true, fsGroup: 10500, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } });
    expect(registry.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(registry.containers[0].livenessProbe).toBeDefined();
    expect(registry.containers[0].readinessProbe).toBeDefined();
    expect(registry.containers[0].resources).toEqual({ limits: { memory: "512Mi", cpu: "1" }, requests: { memory: "128Mi", cpu: "100m" } });
  });

  it("fences the namespace: default deny, the edge open on its site ports only, the registry and Redis to their clients only", () => {
    const deny = named(POLICY, "default-deny").inputs.spec;
    expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    type Rule = { from?: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] };
    const rules = (name: string) => (named(POLICY, name).inputs.spec as { ingress: Rule[] }).ingress;
    const edge = rules("allow-edge");
    expect(edge).toEqual([{ ports: [30500, 30501, 30502, 30580].map((port) => ({ port, protocol: "TCP" })) }]);
    const from = (r: Rule) => (r.from ?? []).map((f) => f.podSelector.matchLabels["app.kubernetes.io/component"]).sort();
    expect(rules("allow-registry").map(from)).toEqual([["edge", "scheduler"]]);
    // Without monitoring no pod reaches the debug listener (pprof, expvar): the API port alone is open.
    expect(rules("allow-registry").map((r) => r.ports.map((p) => p.port))).toEqual([[5000]]);
    expect(rules("allow-redis").map(from)).toEqual([["registry", "scheduler"]]);
    expect(rules("allow-mirror-dockerhub").map(from)).toEqual([["edge"]]);
    // Every rule but the edge's names who may connect.
    for (const p of objects(POLICY).filter((x) => !["default-deny", "allow-edge"].includes((x.inputs as Obj).metadata.name))) {
      for (const r of (p.inputs as Obj).spec.ingress as Rule[]) expect(r.from?.length).toBeGreaterThan(0);
    }
  });

  it("runs each scheduled operation as a CronJob: Forbid, UTC, one job per pod, beside the registry's claim; restore is suspended", () => {
    const all = objects(CRON_JOB).map((c) => c.inputs as Obj);
    expect(all.map((j) => j.metadata.name).sort()).toEqual(["regstack-backup", "regstack-backup-check", "regstack-drill", "regstack-gc", "regstack-housekeeping", "regstack-restore"]);
    // What the scheduler's loop does on Docker: every five minutes, lift a freeze a killed job pod left.
    const housekeeping = all.find((j) => j.metadata.name === "regstack-housekeeping")!;
    expect(housekeeping.spec.schedule).toBe("*/5 * * * *");
    expect((housekeeping.spec.jobTemplate as { spec: { template: { spec: PodSpec } } }).spec.template.spec.containers[0].args).toEqual(["node", "/opt/regstack/jobs/scheduler.js", "tidy"]);
    const jobs = all.filter((j) => j !== housekeeping);
    for (const j of jobs) {
      expect(j.spec.concurrencyPolicy).toBe("Forbid");
      expect(j.spec.timeZone).toBe("Etc/UTC");
      const pod = (j.spec.jobTemplate as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
      const name = j.metadata.name.replace("regstack-", "");
      expect(pod.containers[0].args).toEqual(["node", "/opt/regstack/jobs/scheduler.js", "run", name]);
      expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels["app.kubernetes.io/component"]).toBe("registry");
      // The group locks live on the jobs' claim, which every job pod mounts.
      expect(pod.containers[0].volumeMounts.find((m) => m.mountPath === "/var/lib/regstack-ops")).toBeDefined();
    }
    const byName = Object.fromEntries(jobs.map((j) => [j.metadata.name, j.spec]));
    expect(byName["regstack-backup"].schedule).toBe("0 2 * * *");
    expect(byName["regstack-backup"].suspend).toBe(false);
    expect(byName["regstack-restore"].suspend).toBe(true);
    expect(e.platform!.jobs.every((j) => j.group === undefined || j.group === "storage")).toBe(true);
    const schedule = JSON.parse(e.files.find((f) => f.service === "scheduler" && f.path.endsWith("schedule.json"))!.content) as { lockDir: string };
    expect(schedule.lockDir).toBe("/var/lib/regstack-ops/locks");
  });

  it("publishes the KEP-1755 local-registry-hosting ConfigMap in kube-public", () => {
    const cm = named(CONFIG_MAP, "local-registry-hosting");
    expect(cm.inputs.metadata.namespace).toBe("kube-public");
    const doc = (cm.inputs as unknown as { data: Record<string, string> }).data["localRegistryHosting.v1"];
    expect(doc).toContain("host: localhost:30500");
    expect(doc).toContain("hostFromContainerRuntime: localhost:30500");
    expect(doc).toContain("hostFromClusterNetwork: docker-registry.storage.svc:30500");
  });

  it("outputs the kind cluster config, hosts.toml per registry, and the k3s registries.yaml", () => {
    const snippets = e.outputs as { kindClusterConfig: string; containerdHosts: Record<string, string>; k3sRegistriesYaml: unknown };
    expect(snippets.kindClusterConfig).toContain('config_path = "/etc/containerd/certs.d"');
    expect(Object.keys(snippets.containerdHosts)).toEqual(expect.arrayContaining(["localhost:30500", "docker.io", "ghcr.io"]));
    expect(String(reveal(snippets.k3sRegistriesYaml))).toContain("localhost:30501");
    const jobs = e.outputs.jobs as Record<string, { runByHand: string }>;
    expect(jobs.gc.runByHand).toMatch(/^kubectl -n storage create job --from=cronjob\/regstack-gc regstack-gc-by-hand-\$\(date \+%s\)$/);
  });

  it("translates the same descriptions the Docker target does: one Deployment per service but the job runner, with its image, user, ports and env", () => {
    const d = e.platform!;
    const runner = d.schedulerId;
    const deployments = objects(DEPLOYMENT);
    expect(deployments.length).toBe(d.services.filter((s) => s.id !== runner).length);
    for (const s of d.services.filter((x) => x.id !== runner)) {
      const dep = deployments.find((r) => (r.inputs as Obj & { spec: { selector: { matchLabels: Record<string, string> } } }).spec.selector.matchLabels["app.kubernetes.io/component"] === s.id)!;
      expect(dep).toBeDefined();
      const c = podOf(dep).containers[0];
      expect(c.image).toBe(images[s.image]);
      expect(c.args).toEqual(s.command ? [...s.command] : undefined);
      expect(c.ports.map((p) => p.containerPort)).toEqual(s.ports.map((p) => p.port));
      expect(c.env.map((v) => v.name).sort()).toEqual(Object.keys(s.env).sort());
      expect(c.securityContext.readOnlyRootFilesystem).toBe(s.readOnlyRoot);
      expect(podOf(dep).securityContext.runAsUser).toBe(s.user ? Number(s.user.split(":")[0]) : undefined);
      // Every file the service reads is mounted at its path.
      const paths = c.volumeMounts.flatMap((m) => (m.subPath ? [m.mountPath] : [])).sort();
      expect(paths).toEqual(s.files.filter((f) => f.onChange === "restart").map((f) => f.path).sort());
    }
  });
});

describe("edits on the k8s stack", () => {
  it("a new user changes the edge's Secret only: no Deployment, claim or ConfigMap changes", async () => {
    const config = readStackConfig("k8s");
    const users = JSON.parse(config.values["regstack:users"]) as unknown[];
    const after = await evaluateConfig(withKey(config, "users", [...users, { name: "dev", role: "push" }]));
    const changed = diff(e, after);
    const kinds = new Set(changed.changed.map((n) => after.resources.find((r) => r.name === n)!.type));
    expect([...kinds].filter((t) => t.startsWith("kubernetes:"))).toEqual([SECRET]);
    expect(changed.changed.filter((n) => n.startsWith("regstack-") && after.resources.find((r) => r.name === n)!.type === SECRET)).toEqual(["regstack-edge-files"]);
    expect(changed.removed).toEqual([]);
  });

  it("a registry config change rolls the registry's pods through its checksum", async () => {
    const config = readStackConfig("k8s");
    const after = await evaluateConfig(withKey(config, "registry", { logLevel: "debug" }));
    const before = (named(DEPLOYMENT, "docker-registry").inputs.spec.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations["regstack.io/restart-checksum"];
    const registryAfter = after.resources.find((r) => r.type === DEPLOYMENT && (r.inputs as Obj).metadata.name === "docker-registry")!;
    expect(((registryAfter.inputs as Obj).spec.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations["regstack.io/restart-checksum"]).not.toBe(before);
  });

  it("more than one replica on ReadWriteMany storage adds a disruption budget and spreads the pods", async () => {
    const config = readStackConfig("k8s");
    const k = { ...(JSON.parse(config.values["regstack:kubernetes"]) as object), replicas: 2, storage: { size: "50Gi", accessMode: "ReadWriteMany" } };
    const after = await evaluateConfig(withKey(config, "kubernetes", k));
    const registry = after.resources.find((r) => r.type === DEPLOYMENT && (r.inputs as Obj).metadata.name === "docker-registry")!;
    expect((registry.inputs as Obj).spec.replicas).toBe(2);
    expect((registry.inputs as Obj).spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(JSON.stringify(podOf(registry))).toContain("podAntiAffinity");
    const pdb = after.resources.find((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget")!;
    expect((pdb.inputs as Obj).spec.minAvailable).toBe(1);
    const claim = after.resources.find((r) => r.type === CLAIM && (r.inputs as Obj).metadata.name === "registry-storage")!;
    expect((claim.inputs as Obj).spec.accessModes).toEqual(["ReadWriteMany"]);
  });
});
