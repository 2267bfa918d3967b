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

/** Where a service's claims go and who owns them. */
export interface ClaimPlace {
  /** The namespace it is made in. */
  readonly namespace: pulumi.Input<string>;
  /** Labels of the service (or stack) it belongs to. */
  readonly labels: Record<string, string>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** The component it is a child of. */
  readonly parent: pulumi.Resource;
}

/** One claim: its name, size, access, class and keep policy, in its place. */
export interface ClaimArgs extends ClaimPlace {
  /** The claim's name in the namespace. */
  readonly name: string;
  /** A storage quantity ("10Gi"). */
  readonly size: string;
  readonly accessMode: KubernetesStorage["accessMode"];
  /** The storage class; undefined uses the cluster's default. */
  readonly storageClass?: string;
  /** Whether destroy keeps it, and whether it is protected. */
  readonly keep: KeepPolicy;
}

/** One claim per data mount of a service, `<data name>-storage`, sized by its size class. */
export function declareDataClaims(prefix: string, mounts: readonly DataMount[], storage: KubernetesStorage, place: ClaimPlace): k8s.core.v1.PersistentVolumeClaim[] {
  return mounts.map((data) =>
    declareClaim(`${prefix}-claim-${data.name}`, {
      ...place,
      name: claimName(data.name),
      size: claimSize(data.size, storage),
      accessMode: storage.accessMode,
      storageClass: storage.storageClass,
      keep: data.keep,
    }),
  );
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
