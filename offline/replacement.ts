/**
 * Which input changes make the engine replace a resource rather than update it in place, per
 * provider, as the providers' schemas say (recorded in ../shared/FIELD-NOTES.md for Docker): the
 * preview marks a changed resource "replace" when one of these changed, and names them.
 */

/** Docker containers update in place only for these; any other input change replaces the container. */
const DOCKER_CONTAINER_IN_PLACE = new Set(["restart", "memory", "memorySwap", "cpuShares", "cpuSet", "mustRun", "maxRetryCount"]);

/** Kubernetes fields that cannot change on a live object: the engine replaces it. */
const KUBERNETES_IMMUTABLE: readonly { readonly type?: string; readonly path: string }[] = [
  { path: "apiVersion" },
  { path: "kind" },
  { path: "metadata.name" },
  { path: "metadata.namespace" },
  { type: "kubernetes:apps/v1:Deployment", path: "spec.selector" },
  { type: "kubernetes:core/v1:Service", path: "spec.clusterIP" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.accessModes" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.storageClassName" },
  { type: "kubernetes:core/v1:PersistentVolumeClaim", path: "spec.volumeName" },
  { type: "kubernetes:core/v1:Secret", path: "type" },
];

/** Paths (dot-separated) of the leaves that differ between two input trees. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const bothObjects = before !== null && after !== null && typeof before === "object" && typeof after === "object" && !Array.isArray(before) && !Array.isArray(after);
  if (!bothObjects) return [prefix || "(value)"];
  const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
  return keys.flatMap((k) => changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
}

/** The changed inputs that force a replacement of a resource of `type` ([] when it updates in place). */
export function replacingChanges(type: string, changed: readonly string[]): string[] {
  const top = (p: string) => p.split(".")[0];
  if (type === "docker:index/container:Container") return [...new Set(changed.map(top))].filter((k) => !DOCKER_CONTAINER_IN_PLACE.has(k));
  // Volumes, networks, pulled images, generated secrets, keys and certificates: any change replaces.
  if (/^(docker:index\/(volume|network|remoteImage)|random:|tls:)/.test(type)) return [...new Set(changed.map(top))];
  if (type === "command:remote:Command") return [...new Set(changed.map(top))].filter((k) => k === "triggers" || k === "connection");
  if (type.startsWith("kubernetes:")) {
    const rules = KUBERNETES_IMMUTABLE.filter((r) => r.type === undefined || r.type === type);
    return [...new Set(rules.filter((r) => changed.some((p) => p === r.path || p.startsWith(`${r.path}.`))).map((r) => r.path))];
  }
  return [];
}
