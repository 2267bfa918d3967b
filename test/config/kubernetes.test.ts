/**
 * The kubernetes target's config: defaults, and every mistake refused at its full key before
 * anything is declared (NodePorts out of range, replicas without shared storage, sizes that are not
 * quantities, requests above limits, a namespace that is not a DNS label, Docker keys on a cluster).
 */
import { parseSpec } from "../../components/config/parse";
import { KubernetesTarget, PlatformSpec } from "../../components/config/types";
import { minimal, problemsOf, rawConfig } from "../support/config";

const cluster = { ...minimal, target: "kubernetes", mirrors: [] };

function kubernetesOf(spec: PlatformSpec): KubernetesTarget {
  if (spec.target.kind !== "kubernetes") throw new Error(`expected a kubernetes target, got ${spec.target.kind}`);
  return spec.target;
}

const paths = (values: Record<string, unknown>) => problemsOf(values).map((p) => p.path);

describe("the kubernetes target", () => {
  it("defaults to namespace storage, NodePort 30500, one replica, a 10Gi ReadWriteOnce claim, TLS from Caddy's CA", () => {
    const spec = parseSpec(rawConfig(cluster));
    const k = kubernetesOf(spec);
    expect(k.namespace).toBe("storage");
    expect(k.ports).toEqual({ registry: 30500, ui: 30580, grafana: 30530, mirrors: {} });
    expect(k.replicas).toBe(1);
    expect(k.storage).toEqual({ size: "10Gi", cacheSize: "10Gi", backupSize: "20Gi", storageClass: undefined, accessMode: "ReadWriteOnce" });
    expect(k.resources.registry).toEqual({ requests: { memory: "128Mi", cpu: "100m" }, limits: { memory: "512Mi", cpu: "1" } });
    // NodePorts listen on every node address: never plain HTTP.
    expect(spec.loopbackOnly).toBe(false);
    expect(spec.tls.mode).toBe("internal");
    expect(spec.domain).toBe("localhost");
  });

  it("takes the kubeconfig, context and a cache's NodePort", () => {
    const k = kubernetesOf(
      parseSpec(rawConfig({ ...cluster, kubernetes: { kubeconfig: "/home/ops/.kube/k3s.yaml", context: "default" }, mirrors: [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 30501 }] })),
    );
    expect(k.kubeconfig).toBe("/home/ops/.kube/k3s.yaml");
    expect(k.context).toBe("default");
    expect(k.ports.mirrors).toEqual({ dockerhub: 30501 });
  });

  it("refuses a NodePort outside 30000-32767, naming the key", () => {
    const found = problemsOf({ ...cluster, kubernetes: { nodePorts: { registry: 5000 } }, mirrors: [{ name: "hub", upstream: "https://registry-1.docker.io", port: 5001 }] });
    expect(found).toEqual([
      { path: "regstack:kubernetes.nodePorts.registry", message: "expected a NodePort from 30000-32767, got 5000" },
      { path: "regstack:mirrors[0].port", message: expect.stringContaining("expected a NodePort from 30000-32767, got 5001 (on kubernetes a cache's port is its NodePort") },
    ]);
  });

  it("explains the default Docker Hub cache's port on a cluster", () => {
    expect(problemsOf({ ...minimal, target: "kubernetes" })).toEqual([{ path: "regstack:mirrors[0].port", message: expect.stringContaining("the default Docker Hub cache's 5001 is not one") }]);
  });

  it("refuses two services on one NodePort", () => {
    expect(problemsOf({ ...cluster, kubernetes: { nodePorts: { registry: 30500, ui: 30500 } } })).toEqual([
      { path: "regstack:kubernetes.nodePorts.ui", message: "NodePort 30500 is already used by regstack:kubernetes.nodePorts.registry" },
    ]);
  });

  it("refuses more than one replica on ReadWriteOnce storage, or without Redis", () => {
    expect(problemsOf({ ...cluster, kubernetes: { replicas: 2 } })).toEqual([
      { path: "regstack:kubernetes.replicas", message: expect.stringContaining("2 registry pods need storage they can all write: set regstack:kubernetes.storage.accessMode to ReadWriteMany") },
    ]);
    expect(problemsOf({ ...cluster, kubernetes: { replicas: 3, storage: { accessMode: "ReadWriteMany" } } })).toEqual([
      { path: "regstack:kubernetes.replicas", message: expect.stringContaining("set regstack:redis.enabled to true") },
    ]);
    expect(problemsOf({ ...cluster, redis: { enabled: true }, kubernetes: { replicas: 3, storage: { accessMode: "ReadWriteMany" } } })).toEqual([]);
  });

  it("refuses sizes and limits that are not quantities, and requests above limits", () => {
    expect(
      problemsOf({
        ...cluster,
        kubernetes: {
          storage: { size: "10GB", cacheSize: "ten" },
          resources: { ui: { limits: { memory: "64MB" } } },
        },
      }),
    ).toEqual([
      { path: "regstack:kubernetes.storage.size", message: 'expected a size such as "10Gi" or "500Mi", got "10GB"' },
      { path: "regstack:kubernetes.storage.cacheSize", message: 'expected a size such as "10Gi" or "500Mi", got "ten"' },
      { path: "regstack:kubernetes.resources.ui.limits.memory", message: 'expected a Kubernetes quantity such as "512Mi" or "1Gi", got "64MB"' },
    ]);
    expect(
      problemsOf({ ...cluster, kubernetes: { resources: { registry: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } }, edge: { requests: { cpu: "2" }, limits: { cpu: "500m" } } } } }),
    ).toEqual([
      { path: "regstack:kubernetes.resources.registry.requests.memory", message: "expected at most the limit (512Mi), got 1Gi" },
      { path: "regstack:kubernetes.resources.edge.requests.cpu", message: "expected at most the limit (500m), got 2" },
    ]);
  });

  it("refuses a namespace that is not a DNS label", () => {
    expect(paths({ ...cluster, kubernetes: { namespace: "Storage_1" } })).toEqual(["regstack:kubernetes.namespace"]);
  });

  it("refuses the Docker target's keys on a cluster, and the cluster's on Docker", () => {
    expect(paths({ ...cluster, docker: { hosts: [{ name: "nas", url: "ssh://admin@nas" }] }, bindAddress: "0.0.0.0", resources: { registry: { memoryMb: 256 } } })).toEqual([
      "regstack:docker",
      "regstack:bindAddress",
      "regstack:resources",
    ]);
    expect(paths({ ...minimal, kubernetes: { namespace: "storage" } })).toEqual(["regstack:kubernetes"]);
    expect(paths({ ...cluster, mirrors: [{ name: "hub", upstream: "https://registry-1.docker.io", port: 30501, host: "nas" }] })).toEqual(["regstack:mirrors[0].host"]);
  });

  it("refuses what a cluster cannot serve: plain HTTP, ACME on NodePorts, a backup repository on a host path, host routing on 443", () => {
    expect(paths({ ...cluster, tls: { mode: "off" } })).toEqual(["regstack:tls.mode"]);
    expect(problemsOf({ ...cluster, domain: "registry.example.com", tls: { mode: "acme", email: "ops@example.com" } }).map((p) => p.path)).toEqual(["regstack:tls.mode"]);
    expect(paths({ ...cluster, backup: { repository: "/mnt/backups" } })).toEqual(["regstack:backup.repository"]);
    expect(paths({ ...cluster, edge: { routing: "host" } })).toEqual(["regstack:edge.httpsPort"]);
    expect(paths({ ...cluster, edge: { routing: "host", httpsPort: 30443 } })).toEqual([]);
  });

  it("refuses an unknown target with the choices", () => {
    expect(problemsOf({ ...minimal, target: "swarm" })).toEqual([{ path: "regstack:target", message: 'expected one of "docker", "kubernetes", got "swarm"' }]);
  });
});
