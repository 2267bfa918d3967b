/**
 * Monitoring under the offline engine: its resources exist only when enabled, nothing of it is
 * published but through the edge, credentials stay out of plain files, and the same descriptions
 * translate to a cluster.
 */
import { Evaluation } from "../../offline/engine";
import { evaluateConfig, evaluateStack } from "../../offline/run";
import { containsSecret, reveal } from "../../offline/secrets";
import { readStackConfig } from "../../offline/stackConfig";
import { monitoringPaths, registryPaths } from "../../components/render/paths";
import { withKey } from "../support/config";
import { services } from "../support/resources";

const MONITORING = ["prometheus", "alertmanager", "node-exporter", "redis-exporter", "grafana"];
const containerOf = (e: Evaluation, id: string) => services(e).find((c) => c.name === `regstack-${id}-container`);
const token = "tk_monitoring_token_1";

describe("monitoring on the Docker target", () => {
  let nas: Evaluation;
  let local: Evaluation;
  beforeAll(async () => {
    nas = await evaluateStack("nas");
    local = await evaluateStack("local");
  });

  it("exists only when enabled: nas runs it, local does not", () => {
    for (const id of MONITORING) expect({ [id]: containerOf(nas, id) !== undefined }).toEqual({ [id]: true });
    for (const id of MONITORING) expect({ [id]: containerOf(local, id) !== undefined }).toEqual({ [id]: false });
    expect(local.outputs.grafanaUrl).toBeUndefined();
    expect(local.files.some((f) => MONITORING.includes(f.service))).toBe(false);
    expect(nas.outputs.grafanaUrl).toBe("https://pr4100.lan:5030");
    expect(containsSecret(nas.outputs.grafanaPassword)).toBe(true);
  });

  it("publishes nothing but the edge: Grafana is a site of the edge, with its own login", () => {
    for (const c of services(nas)) {
      const ports = (c.inputs.ports as unknown[] | undefined) ?? [];
      expect({ [c.name]: ports.length > 0 }).toEqual({ [c.name]: c.name === "regstack-edge-container" });
    }
    const caddyfile = nas.files.find((f) => f.service === "edge" && f.path.endsWith("/Caddyfile"))!.content;
    const site = caddyfile.slice(caddyfile.indexOf("# grafana"));
    expect(site).toMatch(/^# grafana\nhttps:\/\/pr4100\.lan:5030 \{/);
    const block = site.slice(0, site.indexOf("\n}\n"));
    expect(block).toContain("reverse_proxy grafana:3000");
    // Grafana checks its own logins: no basic auth of the edge's, and its Authorization passes.
    expect(block).not.toContain("basicauth");
    expect(block).not.toContain("header_up -Authorization");
    // The registry's site still drops users' passwords.
    expect(caddyfile.slice(0, caddyfile.indexOf("# grafana"))).toContain("header_up -Authorization");
  });

  it("runs every monitoring container unprivileged, without capabilities, within the stack's limits", () => {
    const limits: Record<string, number> = { prometheus: 128, alertmanager: 32, "node-exporter": 24, "redis-exporter": 24, grafana: 112 };
    for (const id of MONITORING) {
      const c = containerOf(nas, id)!;
      expect({ id, user: String(c.inputs.user), memory: c.inputs.memory }).toEqual({ id, user: expect.stringMatching(/^[1-9]\d*:\d+$/), memory: limits[id] });
      expect(c.inputs.capabilities).toEqual({ drops: ["ALL"] });
    }
    // node-exporter carries no file: its root is read-only too.
    expect(containerOf(nas, "node-exporter")!.inputs.readOnly).toBe(true);
  });

  it("keeps Prometheus' samples and Grafana's database beside the registry's data, and gives node-exporter the data disks read-only", () => {
    const mounts = (id: string) => (containerOf(nas, id)!.inputs.volumes as { hostPath?: string; containerPath: string }[]).map((v) => `${v.hostPath}:${v.containerPath}`);
    expect(mounts("prometheus")).toContain(`/mnt/HD/HD_a2/regstack/prometheus:${monitoringPaths.prometheus.dataDir}`);
    expect(mounts("grafana")).toContain(`/mnt/HD/HD_a2/regstack/grafana:${monitoringPaths.grafana.dataDir}`);
    expect(mounts("alertmanager")).toContain(`/mnt/HD/HD_a2/regstack/alertmanager:${monitoringPaths.alertmanager.dataDir}`);
    const volumes = containerOf(nas, "node-exporter")!.inputs.volumes as { containerPath: string; readOnly?: boolean }[];
    expect(volumes.map((v) => [v.containerPath, v.readOnly]).sort()).toEqual(
      [
        [monitoringPaths.nodeExporter.registryData, true],
        [`${monitoringPaths.nodeExporter.cacheDataPrefix}dockerhub`, true],
        [`${monitoringPaths.nodeExporter.cacheDataPrefix}ghcr`, true],
        [`${monitoringPaths.nodeExporter.cacheDataPrefix}quay`, true],
        [monitoringPaths.nodeExporter.jobsState, true],
      ].sort(),
    );
  });

  it("keeps receivers' tokens and passwords out of every plain file, and sends events to a receiver that asks for them", async () => {
    const config = withKey(
      readStackConfig("nas"),
      "monitoring",
      {
        enabled: true,
        receivers: [
          { name: "phone", kind: "ntfy", url: "https://ntfy.sh/regstack", token, events: true },
          { name: "mail", kind: "email", to: "ops@team.lan", from: "regstack@team.lan", smarthost: "mail.lan:587", username: "regstack", password: "smtp-password-1" },
        ],
      },
      true,
    );
    const e = await evaluateConfig(config);
    for (const f of e.files.filter((x) => !x.secret)) {
      expect({ file: `${f.service}:${f.path}`, leaks: f.content.includes(token) || f.content.includes("smtp-password-1") }).toEqual({ file: `${f.service}:${f.path}`, leaks: false });
    }
    const secretFile = (service: string, path: string) => e.files.find((f) => f.service === service && f.path === path)!;
    expect(secretFile("alertmanager", `${monitoringPaths.alertmanager.secretsDir}/phone`)).toMatchObject({ secret: true, content: token });
    expect(secretFile("alertmanager", `${monitoringPaths.alertmanager.secretsDir}/mail`)).toMatchObject({ secret: true, content: "smtp-password-1" });
    // The registry's config names the receiver's event endpoint with its token: then it is a secret file, and so is the jobs' copy.
    const registryConfig = secretFile("registry", registryPaths.configFile("3"));
    expect(registryConfig.secret).toBe(true);
    expect(registryConfig.content).toContain("name: receiver-phone");
    expect(registryConfig.content).toContain(`Bearer ${token}`);
    expect(e.files.filter((f) => f.content.includes(`Bearer ${token}`)).every((f) => f.secret)).toBe(true);
    expect(JSON.stringify(reveal(e.outputs))).not.toContain(token);
  });
});

describe("monitoring on the Kubernetes target", () => {
  it("translates the same descriptions: a Deployment each, fenced so that only Prometheus scrapes", async () => {
    const e = await evaluateConfig(withKey(readStackConfig("k8s"), "monitoring", { enabled: true }));
    const deployments = e.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").map((r) => (r.inputs as { metadata: { name: string } }).metadata.name);
    for (const id of MONITORING) expect(deployments.join(" ")).toContain(id);
    const policy = (id: string) => e.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (r.inputs as { metadata: { name: string } }).metadata.name === `allow-${id}`)!;
    type Rule = { from?: { podSelector: { matchLabels: Record<string, string> } }[] };
    const from = (id: string) => ((policy(id).inputs as { spec: { ingress: Rule[] } }).spec.ingress.flatMap((r) => (r.from ?? []).map((f) => f.podSelector.matchLabels["app.kubernetes.io/component"])) ?? []).sort();
    expect(from("registry")).toEqual(["edge", "prometheus", "scheduler"]);
    expect(from("node-exporter")).toEqual(["prometheus"]);
    expect(from("prometheus")).toEqual(["grafana"]);
    // Only the edge's Service is a NodePort.
    const nodePorts = e.resources.filter((r) => r.type === "kubernetes:core/v1:Service" && (r.inputs as { spec: { type?: string } }).spec.type === "NodePort");
    expect(nodePorts.map((r) => (r.inputs as { metadata: { name: string } }).metadata.name)).toEqual(["docker-registry-nodeport"]);
  });
});
