/**
 * The dev stack in Swarm mode under the offline engine: services pinned to their nodes, files as
 * versioned configs and secrets, data prepared on each node, and edits that roll only what reads them.
 */
import { plainVersion, secretVersion, SWARM_NAME_MAX, versionedName } from "../../components/docker/swarm/files";
import { Evaluation } from "../../offline/engine";
import { evaluateConfig } from "../../offline/run";
import { isSecretValue, reveal } from "../../offline/secrets";
import { readStackConfig, StackConfig } from "../../offline/stackConfig";
import { keyValue, withKey } from "../support/config";
import { byName, CONTAINER, diff, ofType, services } from "../support/resources";

const SERVICE = "docker:index/service:Service";
const CONFIG = "docker:index/serviceConfig:ServiceConfig";
const SECRET = "docker:index/secret:Secret";
const NETWORK = "docker:index/network:Network";

type Json = Record<string, unknown>;
const dev = readStackConfig("dev");
const swarmOf = (config: StackConfig, swarm?: Json): StackConfig => withKey(config, "docker", { ...keyValue<Json>(config, "docker"), mode: "swarm", ...(swarm ? { swarm } : {}) });

interface TaskSpec {
  containerSpec: {
    image: string;
    user?: string;
    readOnly?: boolean;
    configs: { configName: string; fileName: string; fileMode: number; fileUid: string }[];
    secrets: { secretName: string; fileName: string; fileMode: number }[];
    mounts: { type: string; source?: string; target: string; readOnly?: boolean }[];
    env?: Record<string, string>;
  };
  placement: { constraints: string[] };
  networksAdvanceds: { id: string; aliases?: string[] }[];
  resources: { limits: { memoryBytes: number; nanoCpus: number }; reservation: { memoryBytes: number } };
  restartPolicy: { condition: string };
}
interface ServiceInputs {
  name: string;
  taskSpec: TaskSpec;
  endpointSpec: { mode: string; ports: { publishedPort: number; targetPort: number; publishMode: string }[] };
  updateConfig: { order: string; failureAction: string; parallelism: number };
}
const specOf = (e: Evaluation, name: string) => reveal(byName(e, name).inputs) as ServiceInputs;

describe("the dev stack in Swarm mode", () => {
  let swarm: Evaluation;
  let hosts: Evaluation;
  beforeAll(async () => {
    swarm = await evaluateConfig(swarmOf(dev));
    hosts = await evaluateConfig(dev);
  });

  it("declares one service per description, each pinned to the node of its host, and no long-running container", () => {
    const d = swarm.platform!;
    const declared = ofType(swarm, SERVICE).map((r) => r.name).sort();
    expect(declared).toEqual(d.services.map((s) => `regstack-${s.id}-service`).sort());
    for (const s of d.services) {
      expect(specOf(swarm, `regstack-${s.id}-service`).taskSpec.placement.constraints).toEqual([`node.hostname == ${s.placement}`]);
    }
    expect(specOf(swarm, "regstack-registry-service").taskSpec.placement.constraints).toEqual(["node.hostname == fx9590"]);
    expect(specOf(swarm, "regstack-mirror-ghcr-service").taskSpec.placement.constraints).toEqual(["node.hostname == fx8350"]);
    // Only the one-shot helpers that prepare data on a node are containers.
    expect(services(swarm)).toEqual([]);
    expect(ofType(swarm, CONTAINER).every((c) => c.inputs.restart === "no")).toBe(true);
  });

  it("names services by id, so the two nodes' edges do not collide, and finds them on attachable overlays by unique aliases", () => {
    const names = ofType(swarm, SERVICE).map((r) => String(r.inputs.name));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["regstack-dev-edge", "regstack-dev-edge-fx8350", "regstack-dev-registry"]));
    const networks = ofType(swarm, NETWORK);
    expect(networks.every((n) => n.inputs.driver === "overlay" && n.inputs.attachable === true)).toBe(true);
    // One overlay per service others connect to, fenced as on hosts.
    // Monitoring's too: on a Swarm, Prometheus reaches the second node's edge, caches and node-exporter.
    const owners = ["mirror-dockerhub", "mirror-ghcr", "redis", "registry", "ui", "alertmanager", "edge", "edge-fx8350", "grafana", "node-exporter", "node-exporter-fx8350", "prometheus", "redis-exporter"];
    expect(networks.map((n) => n.inputs.name).sort()).toEqual(owners.map((o) => `regstack-dev-${o}`).sort());
    const aliases = ofType(swarm, SERVICE).flatMap((r) => (reveal(r.inputs) as ServiceInputs).taskSpec.networksAdvanceds.flatMap((n) => n.aliases ?? []));
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it("puts every file in as a config (plain) or a secret (secret), at its path, readable by the service's user", () => {
    const d = swarm.platform!;
    for (const s of d.services) {
      const spec = specOf(swarm, `regstack-${s.id}-service`).taskSpec.containerSpec;
      const own = (paths: string[]) => paths.filter((p) => s.files.some((f) => f.path === p)).sort();
      expect(own(spec.configs.map((c) => c.fileName))).toEqual(s.files.filter((f) => !f.secret).map((f) => f.path).sort());
      expect(own(spec.secrets.map((c) => c.fileName))).toEqual(s.files.filter((f) => f.secret).map((f) => f.path).sort());
      for (const c of [...spec.configs, ...spec.secrets]) {
        const file = s.files.find((f) => f.path === c.fileName);
        if (file) expect(c.fileMode).toBe(parseInt(file.mode, 8));
      }
      if (s.user) expect(spec.configs.every((c) => c.fileUid === s.user!.split(":")[0])).toBe(true);
      // Nothing is uploaded into a Swarm task: the root is read-only wherever the description allows.
      expect(spec.readOnly).toBe(s.readOnlyRoot);
    }
    // The secrets' content is secret in state; a config holds no secret at all.
    for (const r of ofType(swarm, SECRET)) expect(isSecretValue(r.inputs.data)).toBe(true);
    const passwords = [...Object.values(reveal(swarm.outputs.credentials) as Record<string, string>), String(reveal(swarm.outputs.backupPassword))];
    expect(passwords.length).toBe(4);
    for (const r of ofType(swarm, CONFIG)) {
      const text = Buffer.from(String(reveal(r.inputs.data)), "base64").toString();
      for (const p of passwords) expect(text).not.toContain(p);
    }
  });

  it("gives the scheduler the edge's plain live files (its backup includes them) but none of its secrets", () => {
    const spec = specOf(swarm, "regstack-scheduler-service").taskSpec.containerSpec;
    const borrowed = spec.configs.filter((c) => c.fileName.startsWith("/opt/regstack/jobs/platform/edge/")).map((c) => c.fileName.split("/").pop());
    expect(borrowed.sort()).toEqual(["Caddyfile", "intermediate.crt", "root.crt"]);
    expect(spec.secrets.filter((c) => c.fileName.startsWith("/opt/regstack/jobs/platform/"))).toEqual([]);
    // It mounts the registry's data on its own node, and the backup repository.
    expect(spec.mounts.find((m) => m.target === "/var/lib/registry")).toMatchObject({ type: "volume", source: "regstack-dev-registry", readOnly: false });
  });

  it("keeps data on retained volumes that each node's own engine declares and hands to the service's user", () => {
    const data = byName(swarm, "regstack-registry-data");
    expect(data.inputs.name).toBe("regstack-dev-registry");
    expect(data.provider).toContain("regstack-fx9590-provider");
    expect([data.retainOnDelete, byName(swarm, "regstack-mirror-ghcr-data").retainOnDelete, byName(swarm, "regstack-scheduler-data-backup").retainOnDelete]).toEqual([true, true, true]);
    // The service waits for its data's hand-over.
    expect(byName(swarm, "regstack-registry-service").dependsOn).toContain(byName(swarm, "regstack-registry-prepare").urn);
    expect(byName(swarm, "regstack-mirror-ghcr-data").provider).toContain("regstack-fx8350-provider");
    expect(byName(swarm, "regstack-registry-prepare").provider).toContain("regstack-fx9590-provider");
    // Services, configs and secrets go through the manager: the first host's own engine.
    for (const r of [...ofType(swarm, SERVICE), ...ofType(swarm, CONFIG), ...ofType(swarm, SECRET)]) expect(r.provider).toContain("regstack-fx9590-provider");
  });

  it("restarts on any exit, rolls back a failed update, and limits and reserves memory", () => {
    const registry = specOf(swarm, "regstack-registry-service");
    expect(registry.taskSpec.restartPolicy.condition).toBe("any");
    expect(registry.updateConfig).toMatchObject({ order: "stop-first", failureAction: "rollback", parallelism: 1 });
    expect(registry.taskSpec.resources.limits.memoryBytes).toBe(512 * 1024 * 1024);
    expect(registry.taskSpec.resources.reservation.memoryBytes).toBe(512 * 1024 * 1024);
    expect(registry.taskSpec.resources.limits.nanoCpus).toBe(1e9);
    // The edge may overlap its next version through the ingress mesh; the caches and the scheduler may not.
    expect(specOf(swarm, "regstack-edge-service").updateConfig.order).toBe("start-first");
    expect(specOf(swarm, "regstack-mirror-ghcr-service").updateConfig.order).toBe("stop-first");
    expect(specOf(swarm, "regstack-scheduler-service").updateConfig.order).toBe("stop-first");
  });

  it("publishes only the edges' ports, through the ingress mesh by default, or on the edge's node in host mode", async () => {
    const published = ofType(swarm, SERVICE).filter((r) => (reveal(r.inputs) as ServiceInputs).endpointSpec.ports.length > 0).map((r) => r.name).sort();
    expect(published).toEqual(["regstack-edge-fx8350-service", "regstack-edge-service"]);
    expect(specOf(swarm, "regstack-edge-service").endpointSpec).toMatchObject({ mode: "vip", ports: expect.arrayContaining([expect.objectContaining({ publishedPort: 5000, publishMode: "ingress" })]) });
    const hostMode = await evaluateConfig(swarmOf(dev, { publishMode: "host", endpointMode: "dnsrr" }));
    const edge = specOf(hostMode, "regstack-edge-service");
    expect(edge.endpointSpec.mode).toBe("dnsrr");
    expect(edge.endpointSpec.ports.every((p) => p.publishMode === "host")).toBe(true);
    // A new edge cannot start while the old one holds the node's port.
    expect(edge.updateConfig.order).toBe("stop-first");
  });

  it("adding a user changes only the versioned names of each edge's users, names and logins secrets and the edges that read them", async () => {
    const users = keyValue<object[]>(dev, "users");
    const after = await evaluateConfig(swarmOf(withKey(dev, "users", [...users, { name: "newbie", role: "push" }])));
    const d = diff(swarm, after);
    expect(d.added).toEqual(["regstack-users-newbie-password", "regstack-users-newbie-salt"]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([
      "regstack-edge-fx8350-secret-logins",
      "regstack-edge-fx8350-secret-names",
      "regstack-edge-fx8350-secret-users",
      "regstack-edge-fx8350-service",
      "regstack-edge-secret-logins",
      "regstack-edge-secret-names",
      "regstack-edge-secret-users",
      "regstack-edge-service",
    ]);
    const name = (e: Evaluation) => String(reveal(byName(e, "regstack-edge-secret-users").inputs.name));
    expect(name(after)).not.toBe(name(swarm));
    expect(name(after)).toMatch(/^regstack-dev-edge-users-[0-9a-f]{12}$/);
    // The edge reads the new secret under its new name, and nothing else of it changed.
    const refs = (e: Evaluation) => specOf(e, "regstack-edge-service").taskSpec.containerSpec.secrets.map((s) => s.secretName);
    expect(refs(after)).toContain(name(after));
    const withoutSecrets = (e: Evaluation) => ({ ...specOf(e, "regstack-edge-service").taskSpec.containerSpec, secrets: [] });
    expect(withoutSecrets(after)).toEqual(withoutSecrets(swarm));
  });

  it("leaves the per-host layout of dev as it was: containers on bridges, no Swarm object", () => {
    for (const type of [SERVICE, CONFIG, SECRET]) expect(ofType(hosts, type)).toEqual([]);
    expect(ofType(hosts, NETWORK).every((n) => n.inputs.driver === "bridge")).toBe(true);
    expect(services(hosts).map((c) => c.inputs.name).sort()).toEqual(
      ["edge", "edge", "mirror-dockerhub", "mirror-ghcr", "redis", "registry", "scheduler", "ui", "alertmanager", "grafana", "guard", "guard", "node-exporter", "node-exporter", "prometheus", "redis-exporter"].map((r) => `regstack-dev-${r}`).sort(),
    );
    expect(hosts.outputs.swarmService).toBeUndefined();
  });

  it("tells how a Swarm workload pulls from the registry, and how to run a job by hand on the scheduler's node", () => {
    expect(swarm.outputs.swarmService).toBe("docker login fx9590.lan:5000 && docker service create --with-registry-auth --name <app> fx9590.lan:5000/<team>/<app>:<tag>");
    const jobs = swarm.outputs.jobs as Record<string, { runByHand: string }>;
    expect(jobs.backup.runByHand).toBe("ssh fx9590.lan docker exec '$(docker ps -q --filter label=com.docker.swarm.service.name=regstack-dev-scheduler)' /opt/regstack/jobs/job.sh run backup");
  });
});

describe("versioned names of Swarm configs and secrets", () => {
  it("follow the content, and a secret's name cannot confirm a guess without the stack's key", () => {
    expect(plainVersion("a")).toBe(plainVersion("a"));
    expect(plainVersion("a")).not.toBe(plainVersion("b"));
    expect(secretVersion("k1", "hunter2")).not.toBe(secretVersion("k2", "hunter2"));
    expect(secretVersion("k1", "hunter2")).not.toBe(plainVersion("hunter2"));
  });

  it("stay within Swarm's 64 characters, and two long paths of one service keep apart", () => {
    const prefix = "regstack-a-very-long-stack-name-mirror-some-upstream-cache";
    const a = versionedName(prefix, "/etc/x/first-file.yml", "0123456789ab");
    const b = versionedName(prefix, "/etc/y/first-file.yml", "0123456789ab");
    expect(a.length).toBeLessThanOrEqual(SWARM_NAME_MAX);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]$/);
    expect(versionedName("regstack-dev-edge", "/etc/caddy/live/users", "0123456789ab")).toBe("regstack-dev-edge-users-0123456789ab");
  });
});
