/**
 * Cluster conventions: the names other tools expect (the docker-registry chart's Deployment and
 * Services) and the KEP-1755 `local-registry-hosting` ConfigMap in kube-public. The one file of the kubernetes
 * target that knows which service is the registry and which the edge.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ServiceDescription } from "../platform/description";
import { clusterService, Endpoints, internalNames } from "../platform/topology";
import { stringify } from "yaml";
import { stackLabels } from "./labels";
import { WorkloadNames } from "./workload";

/** The names of a service's objects: its id, except where the chart's names are expected. */
export function workloadNames(d: ServiceDescription): WorkloadNames {
  const published = d.ports.some((p) => p.published);
  return {
    deployment: d.id === internalNames.registry ? "docker-registry" : d.id,
    // The edge is what `docker-registry` means to a cluster's users: the front door, not the backend.
    services: published ? [...d.aliases, clusterService.name] : [...d.aliases],
    nodePortService: clusterService.nodePortName,
  };
}

/** The KEP-1755 ConfigMap's `localRegistryHosting.v1` document. */
export function localRegistryHosting(endpoints: Endpoints, namespace: string, help: string): string {
  const port = endpoints.registry.port;
  return stringify({
    host: endpoints.registry.address,
    hostFromContainerRuntime: endpoints.registry.address,
    hostFromClusterNetwork: `${clusterService.dnsNames(namespace)[0]}:${port}`,
    help,
  });
}

/** Pods of a service: the registry scales out (on shared storage); everything else runs once. */
export function replicasOf(d: ServiceDescription, registryReplicas: number): number {
  return d.id === internalNames.registry ? registryReplicas : 1;
}

export function declareLocalRegistryHosting(prefix: string, endpoints: Endpoints, namespace: string, stack: string, provider: k8s.Provider, parent: pulumi.Resource): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(
    `${prefix}-local-registry-hosting`,
    {
      metadata: { name: "local-registry-hosting", namespace: "kube-public", labels: stackLabels(stack) },
      data: { "localRegistryHosting.v1": localRegistryHosting(endpoints, namespace, "https://kind.sigs.k8s.io/docs/user/local-registry/") },
    },
    { parent, provider },
  );
}
