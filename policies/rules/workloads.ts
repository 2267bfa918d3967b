/**
 * The containers a resource runs, seen the same way whether Docker or Kubernetes declares them: a
 * Docker container, a Swarm service's task, or the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob or Pod (containers and init containers). Values may be UNKNOWN at preview.
 */
import { at, list, record, UNKNOWN } from "./props";

export const DOCKER_CONTAINER = "docker:index/container:Container";
export const DOCKER_SERVICE = "docker:index/service:Service";
export const DOCKER_IMAGE = "docker:index/remoteImage:RemoteImage";
export const DOCKER_VOLUME = "docker:index/volume:Volume";
export const K8S_SERVICE = "kubernetes:core/v1:Service";
export const K8S_CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";
export const K8S_CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const K8S_CRON_JOB = "kubernetes:batch/v1:CronJob";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  [K8S_CRON_JOB]: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a Kubernetes workload; undefined for other types. */
export function podSpecOf(type: string, props: unknown): unknown {
  const path = POD_SPEC_PATHS[type];
  return path ? at(props, ...path) : undefined;
}

/** One container as the rules see it. */
export interface ContainerView {
  readonly name: string;
  readonly image: unknown;
  /** Bytes or a quantity; undefined when there is none. */
  readonly memoryLimit: unknown;
  readonly privileged: unknown;
  /** Host paths it mounts. */
  readonly hostPaths: readonly unknown[];
}

function kubernetesContainers(pod: unknown): ContainerView[] {
  const hostPaths = list(at(pod, "volumes")).map((v) => at(v, "hostPath", "path")).filter((p) => p !== undefined);
  return [...list(at(pod, "containers")), ...list(at(pod, "initContainers"))].map((c) => ({
    name: String(at(c, "name") ?? "?"),
    image: at(c, "image"),
    memoryLimit: at(c, "resources", "limits", "memory"),
    privileged: at(c, "securityContext", "privileged"),
    hostPaths,
  }));
}

function dockerContainer(props: unknown): ContainerView {
  const volumes = list(at(props, "volumes")).map((v) => at(v, "hostPath"));
  const mounts = list(at(props, "mounts")).map((m) => (at(m, "type") === "bind" ? at(m, "source") : undefined));
  const memory = at(props, "memory");
  return {
    name: typeof at(props, "name") === "string" ? String(at(props, "name")) : "the container",
    image: at(props, "image"),
    memoryLimit: memory === 0 ? undefined : memory,
    privileged: at(props, "privileged"),
    hostPaths: [...volumes, ...mounts].filter((p) => p !== undefined),
  };
}

/** A Swarm service's task: Swarm has no privileged mode; bind mounts are its host paths. */
function swarmTask(props: unknown): ContainerView {
  const task = at(props, "taskSpec");
  const mounts = at(task, "containerSpec", "mounts");
  const hostPaths = mounts === UNKNOWN ? [UNKNOWN] : list(mounts).filter((m) => at(m, "type") === "bind").map((m) => at(m, "source"));
  const memory = at(task, "resources", "limits", "memoryBytes");
  return {
    name: typeof at(props, "name") === "string" ? String(at(props, "name")) : "the service",
    image: at(task, "containerSpec", "image"),
    memoryLimit: memory === 0 ? undefined : memory,
    privileged: task === UNKNOWN ? UNKNOWN : undefined,
    hostPaths,
  };
}

/** The containers a resource runs ([] for anything that runs none). */
export function containersOf(type: string, props: unknown): ContainerView[] {
  if (type === DOCKER_CONTAINER) return [dockerContainer(props)];
  if (type === DOCKER_SERVICE) return [swarmTask(props)];
  const pod = podSpecOf(type, props);
  if (pod === undefined) return [];
  if (pod === UNKNOWN) return [{ name: "?", image: UNKNOWN, memoryLimit: UNKNOWN, privileged: UNKNOWN, hostPaths: [UNKNOWN] }];
  return kubernetesContainers(pod);
}

/** A Docker container's label. */
export function dockerLabel(props: unknown, label: string): unknown {
  const labels = at(props, "labels");
  if (labels === UNKNOWN) return UNKNOWN;
  const found = list(labels).find((l) => at(l, "label") === label);
  return found === undefined ? undefined : at(found, "value");
}

/** A Kubernetes object's labels (or a selector's). */
export function labelsAt(props: unknown, ...path: string[]): Record<string, unknown> {
  return record(at(props, ...path));
}
