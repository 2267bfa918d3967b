/**
 * The whole pack over stacks: every shipped stack passes it under the offline engine, and insecure
 * fixtures each produce exactly the violations they should. A fixture is a shipped stack with one
 * deliberate change to what it declares (as a hand edit of the program or a transformation would
 * make), or a config that turns a safeguard off.
 */
import { CapturedResource, Evaluation } from "../../offline/engine";
import { runPolicies, Violation } from "../../offline/policy";
import { evaluateConfig, evaluateStack } from "../../offline/run";
import { readStackConfig, shippedStacks } from "../../offline/stackConfig";
import { withKey } from "../support/config";

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const stack of shippedStacks()) evaluations.set(stack, await evaluateStack(stack));
});

/** A copy of a stack's evaluation with one change made to the resources it declares. */
function fixture(stack: string, change: (resources: CapturedResource[]) => void): Evaluation {
  const e = evaluations.get(stack)!;
  const resources = JSON.parse(JSON.stringify(e.resources)) as CapturedResource[];
  change(resources);
  return { ...e, resources };
}

const named = (resources: CapturedResource[], name: string) => {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
const found = (violations: Violation[]) => violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.resource ?? "(stack)"}`).sort();

describe("the policy pack over the shipped stacks", () => {
  it.each(shippedStacks())("%s passes every policy", (stack) => {
    expect(runPolicies(evaluations.get(stack)!)).toEqual([]);
  });
});

describe("insecure fixtures produce exactly their violations", () => {
  it("an image on latest", () => {
    const e = fixture("nas", (rs) => {
      for (const r of rs) if (r.inputs.image === "registry:3.0.0") r.inputs.image = "registry:latest";
      for (const r of rs) if (r.type === "docker:index/remoteImage:RemoteImage" && r.inputs.name === "registry:3.0.0") r.inputs.name = "registry";
    });
    expect(found(runPolicies(e))).toEqual([
      "mandatory images-pinned regstack-mirror-dockerhub-container",
      "mandatory images-pinned regstack-mirror-ghcr-container",
      "mandatory images-pinned regstack-mirror-quay-container",
      "mandatory images-pinned regstack-pr4100-image-registry3",
      "mandatory images-pinned regstack-registry-container",
      "mandatory images-pinned regstack-scheduler-program-registry",
    ]);
  });

  it("the registry published beyond the edge, and the edge in plain HTTP on the LAN", () => {
    const exposed = fixture("nas", (rs) => {
      named(rs, "regstack-registry-container").inputs.ports = [{ internal: 5000, external: 5000, ip: "0.0.0.0", protocol: "tcp" }];
    });
    expect(found(runPolicies(exposed))).toEqual(["mandatory edge-only-published regstack-registry-container"]);
    const plain = fixture("local", (rs) => {
      const edge = named(rs, "regstack-edge-container");
      edge.inputs.ports = (edge.inputs.ports as { ip: string }[]).map((p) => ({ ...p, ip: "0.0.0.0" }));
    });
    // The registry's, the UI's and the cache's ports, each plain HTTP on every address.
    expect(runPolicies(plain).map((v) => v.message)).toEqual([
      "regstack-edge-container: serves plain HTTP on port 5000, published on 0.0.0.0.",
      "regstack-edge-container: serves plain HTTP on port 5001, published on 0.0.0.0.",
      "regstack-edge-container: serves plain HTTP on port 5080, published on 0.0.0.0.",
    ]);
  });

  it("the Docker socket in the scheduler, a privileged cache, a container without a memory limit", () => {
    const e = fixture("dev", (rs) => {
      const scheduler = named(rs, "regstack-scheduler-container");
      scheduler.inputs.volumes = [...(scheduler.inputs.volumes as object[]), { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }];
      named(rs, "regstack-mirror-ghcr-container").inputs.privileged = true;
      delete named(rs, "regstack-ui-container").inputs.memory;
    });
    expect(found(runPolicies(e))).toEqual(["mandatory memory-limits regstack-ui-container", "mandatory no-privilege regstack-mirror-ghcr-container", "mandatory no-privilege regstack-scheduler-container"]);
  });

  it("registry data that destroy would delete", () => {
    const e = fixture("local", (rs) => {
      for (const r of rs) if (r.type === "docker:index/volume:Volume" && (r.inputs.labels as { label: string; value: string }[]).some((l) => l.label === "io.regstack.data" && l.value === "backup")) Object.assign(r, { protect: false, retainOnDelete: false });
    });
    const k8s = fixture("k8s", (rs) => Object.assign(named(rs, "regstack-registry-claim-registry"), { protect: false, retainOnDelete: false }));
    expect(found([...runPolicies(e), ...runPolicies(k8s)])).toEqual(["mandatory data-retained regstack-registry-claim-registry", "mandatory data-retained regstack-scheduler-data-backup"]);
  });

  it("a root pod with a writable root, a NodePort in front of the registry, a password in a ConfigMap", () => {
    const e = fixture("k8s", (rs) => {
      const registry = named(rs, "regstack-registry-deployment");
      const spec = (registry.inputs.spec as { template: { spec: { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] } } }).template.spec;
      spec.securityContext = { seccompProfile: { type: "RuntimeDefault" } };
      spec.containers[0].securityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false };
      const service = named(rs, "regstack-registry-service-registry");
      (service.inputs.spec as Record<string, unknown>).type = "NodePort";
      const config = named(rs, "regstack-registry-config");
      (config.inputs.data as Record<string, string>)["config.yml"] += "\nredis:\n  password: hunter2hunter2\n";
    });
    expect(found(runPolicies(e))).toEqual([
      "mandatory edge-only-published regstack-registry-service-registry",
      "mandatory no-plain-secrets regstack-registry-config",
      "mandatory pods-non-root regstack-registry-deployment",
      "mandatory pods-non-root regstack-registry-deployment",
      "mandatory tls-beyond-loopback regstack-registry-service-registry",
    ]);
  });

  it("backups turned off: advisory only, so the preview still passes", async () => {
    const e = await evaluateConfig(withKey(readStackConfig("nas"), "backup", { enabled: false }));
    expect(found(runPolicies(e))).toEqual(["advisory backups-scheduled (stack)", "advisory backups-scheduled (stack)"]);
  });

  it("a level or an allow-list is tuned in the pack's config", () => {
    const e = fixture("dev", (rs) => {
      named(rs, "regstack-mirror-ghcr-container").inputs.privileged = true;
    });
    expect(runPolicies(e, { "no-privilege": { allowPrivileged: ["registry"] } })).toEqual([]);
    expect(found(runPolicies(e, { "no-privilege": { enforcementLevel: "advisory" } }))).toEqual(["advisory no-privilege regstack-mirror-ghcr-container"]);
    expect(runPolicies(e, { "no-privilege": { enforcementLevel: "disabled" } })).toEqual([]);
  });
});

describe("the pack over the dev stack in Swarm mode", () => {
  let swarm: Evaluation;
  beforeAll(async () => {
    const dev = readStackConfig("dev");
    swarm = await evaluateConfig(withKey(dev, "docker", { ...(JSON.parse(dev.values["regstack:docker"]) as object), mode: "swarm" }));
  });
  const swarmFixture = (change: (resources: CapturedResource[]) => void): Evaluation => {
    const resources = JSON.parse(JSON.stringify(swarm.resources)) as CapturedResource[];
    change(resources);
    return { ...swarm, resources };
  };
  const task = (r: CapturedResource) => {
    const spec = r.inputs.taskSpec as { value?: Record<string, unknown> } & Record<string, unknown>;
    return (spec.value ?? spec) as { containerSpec: Record<string, unknown>; resources: Record<string, unknown> };
  };

  it("passes every policy", () => {
    expect(ofServices(swarm).length).toBeGreaterThan(0);
    expect(runPolicies(swarm)).toEqual([]);
  });

  it("sees a Swarm service that publishes beside the edge, runs an unpinned image, or has no memory limit", () => {
    const e = swarmFixture((rs) => {
      named(rs, "regstack-ui-service").inputs.endpointSpec = { mode: "vip", ports: [{ targetPort: 80, publishedPort: 8080, publishMode: "ingress" }] };
      task(named(rs, "regstack-ui-service")).containerSpec.image = "joxit/docker-registry-ui:latest";
      task(named(rs, "regstack-ui-service")).resources = {};
    });
    expect(found(runPolicies(e))).toEqual([
      "mandatory edge-only-published regstack-ui-service",
      "mandatory images-pinned regstack-ui-service",
      "mandatory memory-limits regstack-ui-service",
    ]);
  });

  it("sees a Swarm edge serving plain HTTP: its ports are on every node address", () => {
    const e = swarmFixture((rs) => {
      const config = named(rs, "regstack-edge-config-Caddyfile");
      const text = Buffer.from(String(config.inputs.data), "base64").toString("utf8").replace(/^https:\/\/([^\s{,]*):5000 \{/m, "http://$1:5000 {");
      config.inputs.data = Buffer.from(text).toString("base64");
    });
    expect(found(runPolicies(e))).toEqual(["mandatory tls-beyond-loopback regstack-edge-service"]);
  });
});

function ofServices(e: Evaluation): CapturedResource[] {
  return e.resources.filter((r) => r.type === "docker:index/service:Service");
}
