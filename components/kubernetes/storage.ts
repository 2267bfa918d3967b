/**
 * Persistent data on a cluster: one PersistentVolumeClaim per data mount, `<name>-storage`, sized by
 * the mount's size class and kept like the description says (retainOnDelete, protect). A claim
 * outlives `pulumi destroy` unless the stack deletes data on destroy.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesStorage } from "../config/types";
import { DataMount, KeepPolicy } from "../platform/description";

/** The size of the small claims (the edge's state, the jobs' working space, shared flags). */
export const SMALL_CLAIM = "1Gi";

export function claimName(dataName: string): string {
  return `${dataName}-storage`;
}

export function claimSize(size: DataMount["size"], storage: KubernetesStorage): string {
  switch (size) {
    case "images":
      return storage.size;
    case "cache":
      return storage.cacheSize;
    case "backup":
      return storage.backupSize;
    case "small":
      return SMALL_CLAIM;
  }
}

export interface ClaimArgs {
  readonly name: string;
  readonly size: string;
  readonly accessMode: KubernetesStorage["accessMode"];
  readonly storageClass?: string;
  readonly keep: KeepPolicy;
  readonly namespace: pulumi.Input<string>;
  readonly labels: Record<string, string>;
  readonly provider: k8s.Provider;
  readonly parent: pulumi.Resource;
}

export function declareClaim(resourceName: string, args: ClaimArgs): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      spec: {
        accessModes: [args.accessMode],
        ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
        resources: { requests: { storage: args.size } },
      },
    },
    // The claim is what holds the images: its size may grow in place, and nothing else replaces it.
    { parent: args.parent, provider: args.provider, protect: args.keep.protect, retainOnDelete: args.keep.retain, ignoreChanges: ["spec.storageClassName"] },
  );
}
