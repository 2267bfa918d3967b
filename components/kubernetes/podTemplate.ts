/**
 * The pod a ServiceDescription runs in: its container (image, arguments, env, ports, probes, limits),
 * its volumes (files, claims, other services' data and config, scratch, borrowed programs copied in
 * by init containers) and its security settings (non-root where the description names a user, no
 * privilege escalation, all capabilities dropped but the listed ones, RuntimeDefault seccomp, no
 * service-account token). Pods that mount another service's ReadWriteOnce claim run beside it.
 */
import * as k8s from "@pulumi/kubernetes";
import { PodResources } from "../config/types";
import { Probe, ServiceDescription } from "../platform/description";
import { PodFiles } from "./files";
import { podSelector } from "./labels";
import { claimName } from "./storage";

import Input = k8s.types.input.core.v1;

/** What a pod template needs from the rest of the cluster translation. */
export interface ClusterLookup {
  /** The stack, in the labels that select pods. */
  readonly stack: string;
  /** The registry's claim's access mode: with ReadWriteOnce, pods sharing a claim share a node. */
  readonly accessMode: "ReadWriteOnce" | "ReadWriteMany";
  /** The claim of a service's data: its primary data, or the one named (`moreData`). */
  readonly dataClaim: (serviceId: string, name?: string) => string | undefined;
  /**
   * The service whose pods hold a service's claims: itself, or for the job runner (which has no pod
   * of its own) the service its jobs' pods run beside.
   */
  readonly holderOf: (serviceId: string) => string;
  /** The live (reloadable, plain) config of a service. */
  readonly liveConfig: (serviceId: string) => PodFiles["liveConfig"];
  /** The claim behind a shared volume, by its name. */
  readonly sharedClaim: (volume: string) => string;
  /** The pinned image of a role. */
  readonly image: (role: ServiceDescription["image"]) => string;
}

export interface PodTemplateArgs {
  /** The service the pod runs. */
  readonly description: ServiceDescription;
  /** The volumes, mounts and env its files and secret env became. */
  readonly files: PodFiles;
  /** Requests and limits of its containers. */
  readonly resources: PodResources;
  /** Other services' claims and config, images, the stack. */
  readonly lookup: ClusterLookup;
  /** Arguments that replace the description's (a CronJob runs one job). */
  readonly args?: readonly string[];
  /** Never for a job's pod (it runs once, without probes); the default otherwise. */
  readonly restartPolicy?: "Always" | "Never";
}

function probeOf(probe: Probe, initialDelaySeconds: number): Input.Probe {
  const handler =
    // The kubelet probes the pod's address: listeners on a cluster bind every interface (registryListeners).
    probe.kind === "http" ? { httpGet: { port: probe.port, path: probe.path } } : { exec: { command: ["/bin/sh", "-c", probe.command] } };
  return { ...handler, initialDelaySeconds, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 };
}

function ids(user: string | undefined): { uid?: number; gid?: number } {
  if (user === undefined) return {};
  const [uid, gid] = user.split(":").map(Number);
  return { uid, gid: gid ?? uid };
}

/** The services whose node this pod must share: holders of the ReadWriteOnce claims it mounts. */
function besideOf(d: ServiceDescription, lookup: ClusterLookup): string[] {
  const owners = [...(d.sharedData ?? []).filter((s) => s.what === "data").map((s) => lookup.holderOf(s.owner)), ...(d.sharedVolumes ?? []).map((s) => s.beside)];
  return [...new Set(owners)].filter((o) => o !== d.id);
}

export function podTemplate(a: PodTemplateArgs): Input.PodSpec {
  const d = a.description;
  const { lookup } = a;
  const volumes: Input.Volume[] = [...a.files.volumes];
  const mounts: Input.VolumeMount[] = [...a.files.mounts];

  for (const data of [...(d.data ? [d.data] : []), ...(d.moreData ?? [])]) {
    volumes.push({ name: `data-${data.name}`, persistentVolumeClaim: { claimName: claimName(data.name) } });
    mounts.push({ name: `data-${data.name}`, mountPath: data.path });
  }
  (d.sharedData ?? []).forEach((shared, i) => {
    const volume = `shared-${i}`;
    if (shared.what === "data") {
      const claim = lookup.dataClaim(shared.owner, shared.name);
      if (!claim) throw new Error(`${d.id}: mounts the data${shared.name ? ` "${shared.name}"` : ""} of ${shared.owner}, which has none`);
      volumes.push({ name: volume, persistentVolumeClaim: { claimName: claim, readOnly: shared.readOnly } });
    } else {
      const live = lookup.liveConfig(shared.owner);
      if (!live) throw new Error(`${d.id}: mounts the config of ${shared.owner}, which has no plain live config`);
      // Only the plain files: the secret ones (users' hashes, keys) are never another service's.
      volumes.push({ name: volume, configMap: { name: live.configMap, items: live.items, defaultMode: 0o444 } });
    }
    mounts.push({ name: volume, mountPath: shared.path, readOnly: shared.readOnly });
  });
  for (const shared of d.sharedVolumes ?? []) {
    volumes.push({ name: `volume-${shared.name}`, persistentVolumeClaim: { claimName: lookup.sharedClaim(shared.name) } });
    mounts.push({ name: `volume-${shared.name}`, mountPath: shared.path, readOnly: shared.readOnly });
  }
  d.scratch.forEach((s, i) => {
    volumes.push({ name: `scratch-${i}`, emptyDir: { medium: "Memory", sizeLimit: `${s.sizeMb}Mi` } });
    mounts.push({ name: `scratch-${i}`, mountPath: s.path });
  });

  const { uid, gid } = ids(d.user);
  const containerSecurity: Input.SecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: d.readOnlyRoot,
    ...(d.capabilities !== undefined ? { capabilities: { drop: ["ALL"], ...(d.capabilities.length > 0 ? { add: [...d.capabilities] } : {}) } } : {}),
  };
  const initContainers: Input.Container[] = [];
  if (d.programs && d.programs.borrow.length > 0) {
    volumes.push({ name: "programs", emptyDir: { sizeLimit: "256Mi" } });
    const dir = d.programs.dir;
    for (const b of d.programs.borrow) {
      initContainers.push({
        name: `program-${b.name}`,
        image: lookup.image(b.image),
        command: ["cp", b.from, `${dir}/${b.name}`],
        volumeMounts: [{ name: "programs", mountPath: dir }],
        securityContext: { ...containerSecurity, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        resources: a.resources,
      });
    }
    mounts.push({ name: "programs", mountPath: dir, readOnly: true });
  }

  const env: Input.EnvVar[] = Object.entries(d.env).map(([name, value]) => ({ name, value }));
  const beside = lookup.accessMode === "ReadWriteOnce" ? besideOf(d, lookup) : [];
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(a.restartPolicy ? { restartPolicy: a.restartPolicy } : {}),
    securityContext: {
      seccompProfile: { type: "RuntimeDefault" },
      ...(uid !== undefined
        ? { runAsUser: uid, runAsGroup: gid, runAsNonRoot: uid !== 0, fsGroup: gid, fsGroupChangePolicy: "OnRootMismatch" }
        : {}),
    },
    ...(beside.length > 0
      ? {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: beside.map((owner) => ({
                labelSelector: { matchLabels: podSelector(lookup.stack, owner) },
                topologyKey: "kubernetes.io/hostname",
              })),
            },
          },
        }
      : {}),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: [
      {
        name: d.role,
        image: lookup.image(d.image),
        ...(a.args ?? d.command ? { args: [...(a.args ?? d.command ?? [])] } : {}),
        env,
        envFrom: a.files.envFrom,
        ports: d.ports.map((p) => ({ name: p.name.slice(0, 15), containerPort: p.port, protocol: "TCP" })),
        ...(a.restartPolicy === "Never" ? {} : { livenessProbe: probeOf(d.probe, 30), readinessProbe: probeOf(d.probe, 5) }),
        resources: a.resources,
        securityContext: containerSecurity,
        volumeMounts: mounts,
      },
    ],
    volumes,
  };
}
