/**
 * Each rule of the policy pack, called the way the policy SDK calls it: a passing case, a violating
 * case, and values unknown at preview (inputs wrapped in the SDK's own unknown-checking proxy, with
 * its unknown sentinels).
 */
import { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CapturedResource } from "../../offline/engine";
import { resourceArgs, runPolicies } from "../../offline/policy";
import { backupsScheduled } from "../../policies/rules/backupsScheduled";
import { edgeOnlyPublished } from "../../policies/rules/edgeOnlyPublished";
import { memoryLimits } from "../../policies/rules/memoryLimits";
import { noPlainSecrets } from "../../policies/rules/noPlainSecrets";
import { noPrivilege } from "../../policies/rules/noPrivilege";
import { nonRootPods } from "../../policies/rules/nonRootPods";
import { pinnedImages } from "../../policies/rules/pinnedImages";
import { retainedData } from "../../policies/rules/retainedData";
import { tlsBeyondLoopback } from "../../policies/rules/tlsBeyondLoopback";

/** The SDK's preview machinery: its proxy and unknown sentinels (exported by its proxy module, untyped). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(v: T): T; unknownStringValue: string; unknownBooleanValue: string; unknownArrayValue: string; unknownNumberValue: string };

const CONTAINER = "docker:index/container:Container";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function resource(type: string, inputs: Record<string, unknown>, options: Partial<CapturedResource> = {}): CapturedResource {
  const name = options.name ?? "r";
  return { type, name, urn: `urn:pulumi:test::regstack::${type}::${name}`, parent: "", custom: true, inputs, protect: false, retainOnDelete: false, deleteBeforeReplace: false, dependsOn: [], provider: "", ...options };
}

/** Runs one resource rule on one resource as `pulumi preview` would: inputs behind the SDK's proxy. */
function check(policy: ResourceValidationPolicy, type: string, inputs: Record<string, unknown>, options: Partial<CapturedResource> = {}, config: Record<string, unknown> = {}): string[] {
  const r = resource(type, inputs, options);
  const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, s]) => [k, (s as { default?: unknown }).default]));
  const args = resourceArgs(r, { ...defaults, ...config }, sdk.unknownCheckingProxy(inputs));
  const messages: string[] = [];
  const validate = policy.validateResource!;
  for (const v of Array.isArray(validate) ? validate : [validate]) void v(args, (m) => messages.push(m));
  return messages;
}

/** Runs a stack rule over resources. */
function checkStack(policy: StackValidationPolicy, resources: CapturedResource[]): string[] {
  const evaluation = { stack: "t", resources, outputs: {}, files: [], clientScripts: [] };
  return runPolicies(evaluation, {}, [policy as Policy]).map((v) => v.message);
}

const pod = (containers: Record<string, unknown>[], security: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  metadata: { name: "d" },
  spec: { template: { spec: { securityContext: security, containers, ...extra } } },
});
const limited = { limits: { memory: "64Mi" } };

describe("images-pinned", () => {
  it("passes a tag or a digest, refuses latest, no tag, and a reference unknown at preview", () => {
    expect(check(pinnedImages, "docker:index/remoteImage:RemoteImage", { name: "registry:3.0.0" })).toEqual([]);
    expect(check(pinnedImages, CONTAINER, { name: "c", image: `sha256:${"a".repeat(64)}` })).toEqual([]);
    expect(check(pinnedImages, DEPLOYMENT, pod([{ name: "c", image: `ghcr.io/x/y@sha256:${"b".repeat(64)}` }]))).toEqual([]);
    expect(check(pinnedImages, DEPLOYMENT, pod([{ name: "c", image: "caddy:latest" }]))).toEqual(['c: the image "caddy:latest" uses the moving tag latest.']);
    expect(check(pinnedImages, "docker:index/remoteImage:RemoteImage", { name: "localhost:5000/team/app" })).toEqual(['image: the image "localhost:5000/team/app" has no tag (it means latest).']);
    expect(check(pinnedImages, CONTAINER, { name: "c", image: sdk.unknownStringValue })).toEqual(["c: the image is unknown at preview, so it cannot be shown to be pinned: give it as a literal."]);
  });
});

describe("memory-limits", () => {
  it("passes a limit (also one unknown at preview), refuses a container or an init container without one", () => {
    expect(check(memoryLimits, CONTAINER, { name: "c", image: "x:1", memory: 64 })).toEqual([]);
    expect(check(memoryLimits, CONTAINER, { name: "c", image: "x:1", memory: sdk.unknownNumberValue })).toEqual([]);
    expect(check(memoryLimits, CONTAINER, { name: "c", image: "x:1" })).toEqual(["c: no memory limit."]);
    expect(check(memoryLimits, DEPLOYMENT, pod([{ name: "a", resources: limited }], {}, { initContainers: [{ name: "init", resources: {} }] }))).toEqual(["init: no memory limit."]);
  });
});

describe("no-privilege", () => {
  it("refuses privileged containers but the allow-list, the Docker socket, and privilege unknown at preview", () => {
    expect(check(noPrivilege, CONTAINER, { name: "c", image: "x:1", volumes: [{ hostPath: "/srv/data", containerPath: "/data" }] })).toEqual([]);
    expect(check(noPrivilege, CONTAINER, { name: "c", image: "x:1", privileged: true })).toEqual(["c: runs privileged (x is not in allowPrivileged)."]);
    expect(check(noPrivilege, CONTAINER, { name: "cadvisor", image: "gcr.io/cadvisor/cadvisor:v0.49.1", privileged: true })).toEqual([]);
    expect(check(noPrivilege, CONTAINER, { name: "c", image: "x:1", volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/s" }] })).toEqual(["c: mounts /var/run/docker.sock, which holds the container engine's socket."]);
    expect(check(noPrivilege, CONTAINER, { name: "c", image: "x:1", mounts: [{ type: "bind", source: "/run" }] })).toEqual(["c: mounts /run, which holds the container engine's socket."]);
    expect(check(noPrivilege, DEPLOYMENT, pod([{ name: "p", image: "x:1", securityContext: { privileged: true } }]))).toEqual(["p: runs privileged (x is not in allowPrivileged)."]);
    expect(check(noPrivilege, DEPLOYMENT, pod([{ name: "p", image: "x:1" }], {}, { volumes: [{ name: "s", hostPath: { path: "/run/containerd/containerd.sock" } }] }))).toEqual([
      "p: mounts /run/containerd/containerd.sock, which holds the container engine's socket.",
    ]);
    expect(check(noPrivilege, CONTAINER, { name: "c", image: "x:1", privileged: sdk.unknownBooleanValue })).toEqual(["c: whether it is privileged is unknown at preview."]);
    expect(check(noPrivilege, CONTAINER, { name: "c", image: "x:1", privileged: true }, {}, { allowPrivileged: ["x"] })).toEqual([]);
  });
});

describe("data-retained", () => {
  const volume = { name: "regstack-nas-registry-data", labels: [{ label: "io.regstack.data", value: "registry" }] };
  it("passes registry data and backups that are retained or protected, refuses them otherwise; other volumes are free", () => {
    expect(check(retainedData, "docker:index/volume:Volume", volume, { retainOnDelete: true })).toEqual([]);
    expect(check(retainedData, "docker:index/volume:Volume", volume, { protect: true })).toEqual([]);
    expect(check(retainedData, "docker:index/volume:Volume", volume)).toEqual(["r: holds registry data or backups but is neither protected nor retained on delete."]);
    expect(check(retainedData, "docker:index/volume:Volume", { name: "config", labels: [] })).toEqual([]);
    expect(check(retainedData, "kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "backup-storage" } })).toEqual(["r: holds registry data or backups but is neither protected nor retained on delete."]);
    expect(check(retainedData, "kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "registry-storage" } }, { protect: true })).toEqual([]);
    expect(check(retainedData, "kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "mirror-hub-storage" } })).toEqual([]);
  });
});

describe("edge-only-published", () => {
  const labels = (role: string) => [{ label: "io.regstack.role", value: role }];
  it("lets the edge publish and nothing else; NodePorts select the edge and stay in range; no host ports", () => {
    expect(check(edgeOnlyPublished, CONTAINER, { labels: labels("edge"), ports: [{ internal: 5000, external: 5000 }] })).toEqual([]);
    expect(check(edgeOnlyPublished, CONTAINER, { labels: labels("registry"), ports: [] })).toEqual([]);
    expect(check(edgeOnlyPublished, CONTAINER, { labels: labels("registry"), ports: [{ internal: 5000, external: 5000 }] })).toEqual(["r: publishes ports but is the registry, not the edge."]);
    expect(check(edgeOnlyPublished, CONTAINER, { labels: labels("registry"), ports: sdk.unknownArrayValue })).toEqual(["r: publishes ports but is the registry, not the edge."]);
    const service = (component: string, nodePort: number) => ({ spec: { type: "NodePort", selector: { "app.kubernetes.io/component": component }, ports: [{ port: nodePort, nodePort }] } });
    expect(check(edgeOnlyPublished, "kubernetes:core/v1:Service", service("edge", 30500))).toEqual([]);
    expect(check(edgeOnlyPublished, "kubernetes:core/v1:Service", service("registry", 30500))).toEqual(["r: a NodePort selecting registry, not the edge."]);
    expect(check(edgeOnlyPublished, "kubernetes:core/v1:Service", service("edge", 8080))).toEqual(["r: NodePort 8080 is outside 30000-32767."]);
    expect(check(edgeOnlyPublished, "kubernetes:core/v1:Service", { spec: { type: "ClusterIP", selector: { "app.kubernetes.io/component": "registry" } } })).toEqual([]);
    expect(check(edgeOnlyPublished, DEPLOYMENT, pod([{ name: "p", ports: [{ containerPort: 5000, hostPort: 5000 }] }]))).toEqual(["r: container p takes a host port."]);
  });
});

describe("tls-beyond-loopback", () => {
  const edge = (ip: string) => resource(CONTAINER, { labels: [{ label: "io.regstack.role", value: "edge" }], ports: [{ internal: 5000, external: 5000, ip }] }, { name: "edge", parent: "urn:edge" });
  const writer = (caddyfile: unknown) => resource(CONTAINER, { uploads: [{ file: "/staging/Caddyfile", content: caddyfile }] }, { name: "writer", parent: "urn:edge" });
  const component = resource("regstack:docker:Edge", {}, { name: "edge-component", urn: "urn:edge", custom: false });
  const plain = "http://:5000 {\n\treverse_proxy registry:5000\n}\nhttp://:9180 {\n\tmetrics /metrics\n}\n";
  const tls = "https://nas.lan:5000 {\n\treverse_proxy registry:5000\n}\nhttp://:9180 {\n\tmetrics /metrics\n}\n";
  it("allows plain HTTP on loopback only; beyond it, the edge's Caddyfile must serve TLS on the published ports", () => {
    expect(checkStack(tlsBeyondLoopback, [component, edge("127.0.0.1"), writer(plain)])).toEqual([]);
    expect(checkStack(tlsBeyondLoopback, [component, edge("0.0.0.0"), writer(tls)])).toEqual([]);
    expect(checkStack(tlsBeyondLoopback, [component, edge("0.0.0.0"), writer(plain)])).toEqual(["edge: serves plain HTTP on port 5000, published on 0.0.0.0."]);
    expect(checkStack(tlsBeyondLoopback, [component, edge("0.0.0.0"), writer(sdk.unknownStringValue)])).toEqual(["edge: publishes beyond loopback and its Caddyfile is unknown at preview, so TLS cannot be shown."]);
    expect(checkStack(tlsBeyondLoopback, [component, edge("0.0.0.0")])).toEqual(["edge: publishes beyond loopback and its Caddyfile was not found, so TLS cannot be shown."]);
  });

  it("treats a NodePort as beyond loopback", () => {
    const service = resource("kubernetes:core/v1:Service", { spec: { type: "NodePort", selector: { "app.kubernetes.io/component": "edge" }, ports: [{ port: 30500, targetPort: 30500, nodePort: 30500 }] } }, { name: "np" });
    const config = (caddyfile: string) => resource("kubernetes:core/v1:ConfigMap", { metadata: { labels: { "app.kubernetes.io/component": "edge" } }, data: { Caddyfile: caddyfile } }, { name: "cm" });
    expect(checkStack(tlsBeyondLoopback, [service, config("https://localhost:30500 {\n}\n")])).toEqual([]);
    expect(checkStack(tlsBeyondLoopback, [service, config("http://:30500 {\n}\n")])).toEqual(["np: port 30500 is plain HTTP on every node address."]);
    expect(checkStack(tlsBeyondLoopback, [service])).toEqual(["np: exposes edge on every node address, and no Caddyfile of it was found to show TLS."]);
  });
});

describe("pods-non-root", () => {
  const secure = { runAsNonRoot: true, runAsUser: 10500 };
  const ro = { readOnlyRootFilesystem: true };
  it("passes non-root pods with read-only roots, refuses root, a writable root, and a user unknown at preview; the UI is allow-listed", () => {
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "a", image: "registry:3.0.0", securityContext: ro }], secure))).toEqual([]);
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "a", image: "registry:3.0.0", securityContext: { ...ro, runAsUser: 1000 } }]))).toEqual([]);
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "a", image: "caddy:2.8.4-alpine", securityContext: ro }]))).toEqual(["a: may run as root (set runAsNonRoot or a non-zero runAsUser)."]);
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "a", image: "x:1", securityContext: { ...ro, runAsUser: 0 } }], secure))).toEqual(["a: may run as root (set runAsNonRoot or a non-zero runAsUser)."]);
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "a", image: "x:1" }], secure))).toEqual(["a: its root filesystem is writable."]);
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "a", image: "x:1", securityContext: ro }], { runAsNonRoot: sdk.unknownBooleanValue }))).toEqual(["a: its user is unknown at preview."]);
    expect(check(nonRootPods, DEPLOYMENT, pod([{ name: "ui", image: "joxit/docker-registry-ui:2.5.7" }]))).toEqual([]);
    expect(check(nonRootPods, CONTAINER, { name: "c", image: "x:1" })).toEqual([]);
  });
});

describe("no-plain-secrets", () => {
  const hash = `$2a$10$${"a".repeat(53)}`;
  it("refuses secrets in ConfigMaps, literal secret env on pods, secret-looking uploads and env on Docker; the platform's secret files pass", () => {
    expect(check(noPlainSecrets, "kubernetes:core/v1:ConfigMap", { data: { "config.yml": "version: 0.1\nlog:\n  level: info\n" } })).toEqual([]);
    expect(check(noPlainSecrets, "kubernetes:core/v1:ConfigMap", { data: { "config.yml": "redis:\n  password: hunter2hunter2\n" } })).toEqual(["r: key config.yml holds a password setting."]);
    expect(check(noPlainSecrets, "kubernetes:core/v1:ConfigMap", { data: { users: `ci ${hash}\n` } })).toEqual(["r: key users holds a bcrypt hash."]);
    expect(check(noPlainSecrets, DEPLOYMENT, pod([{ name: "a", env: [{ name: "REGISTRY_HTTP_SECRET", value: "x" }] }]))).toEqual([
      "r: container a has REGISTRY_HTTP_SECRET as a literal value; take it from a Secret (secretKeyRef or envFrom).",
    ]);
    expect(check(noPlainSecrets, DEPLOYMENT, pod([{ name: "a", env: [{ name: "REGISTRY_HTTP_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }, { name: "TITLE", value: "regstack" }] }]))).toEqual([]);
    expect(check(noPlainSecrets, CONTAINER, { uploads: [{ file: "/staging/users", content: `ci ${hash}\n` }, { file: "/staging/Caddyfile", content: "import users\n" }] })).toEqual([]);
    expect(check(noPlainSecrets, CONTAINER, { uploads: [{ file: "/etc/distribution/config.yml", content: "-----BEGIN EC PRIVATE KEY-----\nx\n" }] })).toEqual([
      "r: the uploaded file /etc/distribution/config.yml holds a private key.",
    ]);
    expect(check(noPlainSecrets, CONTAINER, { envs: ["REGISTRY_TITLE=https://ci:hunter2@example.com/"] })).toEqual(["r: the env REGISTRY_TITLE holds a password in a URL."]);
    expect(check(noPlainSecrets, CONTAINER, { envs: [sdk.unknownStringValue] })).toEqual([]);
  });
});

describe("backups-scheduled (advisory)", () => {
  const registry = resource(CONTAINER, { labels: [{ label: "io.regstack.role", value: "registry" }] }, { name: "registry" });
  const scheduler = (jobs: { name: string; schedule?: string }[]) => resource(CONTAINER, { uploads: [{ file: "/opt/regstack/jobs/schedule.json", content: JSON.stringify({ jobs }) }] }, { name: "scheduler" });
  const cronJob = (job: string, suspend = false) => resource("kubernetes:batch/v1:CronJob", { metadata: { labels: { "regstack.io/job": job } }, spec: { suspend } }, { name: job });
  it("asks for a scheduled backup and drill where registry data is kept", () => {
    expect(checkStack(backupsScheduled, [registry, scheduler([{ name: "backup", schedule: "0 2 * * *" }, { name: "drill", schedule: "0 5 * * 0" }, { name: "restore" }])])).toEqual([]);
    expect(checkStack(backupsScheduled, [registry, scheduler([{ name: "gc", schedule: "0 3 * * 0" }])])).toEqual([
      "the registry's data has no scheduled backup.",
      "no restore drill is scheduled: a backup never restored is not known to restore.",
    ]);
    const claim = resource("kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "registry-storage" } });
    expect(checkStack(backupsScheduled, [claim, cronJob("backup"), cronJob("drill")])).toEqual([]);
    expect(checkStack(backupsScheduled, [claim, cronJob("backup"), cronJob("drill", true)])).toEqual(["no restore drill is scheduled: a backup never restored is not known to restore."]);
    expect(checkStack(backupsScheduled, [])).toEqual([]);
  });
});
