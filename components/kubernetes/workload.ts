/**
 * The Kubernetes translator: one ServiceDescription becomes a component holding its files (ConfigMap,
 * Secrets), its claims, a Deployment, a ClusterIP Service per name it is reached by, and a NodePort
 * Service for its published ports. A change to a file that needs a restart rolls its pods (checksum
 * annotation); files it reloads are renewed in place. Nothing here knows a role.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesStorage, PodResources } from "../config/types";
import { ServiceDescription } from "../platform/description";
import { declareFiles, PodFiles } from "./files";
import { podSelector, serviceLabels } from "./labels";
import { ClusterLookup, podTemplate } from "./podTemplate";
import { claimName, declareDataClaims } from "./storage";

/** The names a service goes by in the cluster, where conventions want others than its id. */
export interface WorkloadNames {
  /** The Deployment's name. */
  readonly deployment: string;
  /** ClusterIP Services in front of it: its aliases, and any names conventions add. */
  readonly services: readonly string[];
  /** The NodePort Service of its published ports. */
  readonly nodePortService: string;
}

export interface KubernetesServiceArgs {
  /** What the service is (the platform layer decides it). */
  readonly description: ServiceDescription;
  /** What its Deployment and Services are called. */
  readonly names: WorkloadNames;
  /** The namespace everything goes in. */
  readonly namespace: pulumi.Input<string>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** Requests and limits of its container. */
  readonly resources: PodResources;
  /** How its claims are sized and shared. */
  readonly storage: KubernetesStorage;
  /** Pods (more than one only where the storage is shared). */
  readonly replicas: number;
  /** Other services' claims and config, images, the stack. */
  readonly lookup: ClusterLookup;
  /** Objects that must exist before its pods start (the namespace, shared claims). */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class KubernetesService extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly files: PodFiles;
  /** The claim of its primary data, when it has data. */
  public readonly dataClaim?: string;

  constructor(name: string, args: KubernetesServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const d = args.description;
    super(`regstack:kubernetes:${d.component}`, name, {}, opts);
    const stack = args.lookup.stack;
    const labels = serviceLabels(stack, d.id);
    const base = { namespace: args.namespace, labels, provider: args.provider, parent: this };
    this.files = declareFiles(name, { description: d, ...base });

    const claims = declareDataClaims(name, [...(d.data ? [d.data] : []), ...(d.moreData ?? [])], args.storage, base);
    this.dataClaim = d.data ? claimName(d.data.name) : undefined;

    // A pod that holds a ReadWriteOnce claim is stopped before its successor starts.
    const exclusive = claims.length > 0 && args.storage.accessMode === "ReadWriteOnce";
    const spec = podTemplate({ description: d, files: this.files, resources: args.resources, lookup: args.lookup });
    const spread =
      args.replicas > 1
        ? {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: podSelector(stack, d.id) }, topologyKey: "kubernetes.io/hostname" } },
              ],
            },
          }
        : undefined;
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: args.names.deployment, namespace: args.namespace, labels },
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: podSelector(stack, d.id) },
          strategy: exclusive ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels, annotations: { "regstack.io/restart-checksum": this.files.checksum } },
            spec: spread ? { ...spec, affinity: { ...(spec.affinity as object), ...spread } } : spec,
          },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [...args.dependsOn, ...claims] },
    );

    const ports = d.ports.map((p) => ({ name: p.name.slice(0, 15), port: p.port, targetPort: p.port, protocol: "TCP" }));
    if (ports.length > 0) {
      for (const serviceName of args.names.services) {
        new k8s.core.v1.Service(
          `${name}-service-${serviceName}`,
          { metadata: { name: serviceName, namespace: args.namespace, labels }, spec: { type: "ClusterIP", selector: podSelector(stack, d.id), ports } },
          { parent: this, provider: args.provider },
        );
      }
    }
    const published = d.ports.filter((p) => p.published);
    if (published.length > 0) {
      new k8s.core.v1.Service(
        `${name}-nodeport`,
        {
          metadata: { name: args.names.nodePortService, namespace: args.namespace, labels },
          spec: {
            type: "NodePort",
            // Every node answers (Cluster): a kind node's containerd reaches the edge on its own localhost.
            externalTrafficPolicy: "Cluster",
            selector: podSelector(stack, d.id),
            ports: published.map((p) => ({ name: p.name.slice(0, 15), port: p.port, targetPort: p.port, nodePort: p.port, protocol: "TCP" })),
          },
        },
        { parent: this, provider: args.provider },
      );
    }
    if (args.replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-disruption-budget`,
        { metadata: { name: args.names.deployment, namespace: args.namespace, labels }, spec: { minAvailable: 1, selector: { matchLabels: podSelector(stack, d.id) } } },
        { parent: this, provider: args.provider },
      );
    }
    this.registerOutputs({ deployment: this.deployment.metadata.name });
  }
}
