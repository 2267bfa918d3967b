/**
 * A service's files and secret env as cluster objects: plain files in a ConfigMap, secret files and
 * secret env in Secrets. Files that restart the service are mounted one by one (subPath) and roll the
 * pods through a checksum annotation; files it reloads in place share one projected directory, which
 * the kubelet renews whole on a change (every file in it gets a new time, the watched one too), so
 * the service reloads without a restart.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ServiceDescription, ServiceFile } from "../platform/description";

/** Volumes, mounts and env a pod gets from a service's files. */
export interface PodFiles {
  readonly volumes: k8s.types.input.core.v1.Volume[];
  readonly mounts: k8s.types.input.core.v1.VolumeMount[];
  readonly envFrom: k8s.types.input.core.v1.EnvFromSource[];
  /** A digest of everything that needs a restart to be seen (restart files, secret env). */
  readonly checksum: pulumi.Output<string>;
  /** The ConfigMap of its plain files, and which keys hold the files it reloads (for services that mount them too). */
  readonly liveConfig?: { readonly configMap: pulumi.Output<string>; readonly dir: string; readonly items: { key: string; path: string }[] };
}

/** A ConfigMap or Secret key for a file: its name, made unique within the object. */
function keysOf(files: readonly ServiceFile[]): Map<ServiceFile, string> {
  const keys = new Map<ServiceFile, string>();
  const used = new Set<string>();
  for (const f of files) {
    const base = f.path.slice(f.path.lastIndexOf("/") + 1).replace(/[^-._a-zA-Z0-9]/g, "_") || "file";
    let key = base;
    for (let i = 2; used.has(key); i++) key = `${i}-${base}`;
    used.add(key);
    keys.set(f, key);
  }
  return keys;
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/";
const octal = (mode: string) => parseInt(mode, 8);

export interface FileObjectsArgs {
  /** The service whose files and secret env they hold. */
  readonly description: ServiceDescription;
  /** The namespace they go in. */
  readonly namespace: pulumi.Input<string>;
  /** The service's labels. */
  readonly labels: Record<string, string>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** The component they are children of. */
  readonly parent: pulumi.Resource;
}

/** Declares the ConfigMap and Secrets of a service's files and secret env; returns what its pods mount. */
export function declareFiles(name: string, args: FileObjectsArgs): PodFiles {
  const d = args.description;
  const opts = { parent: args.parent, provider: args.provider };
  const meta = (suffix: string) => ({ name: `${d.id}-${suffix}`, namespace: args.namespace, labels: args.labels });
  const plain = d.files.filter((f) => !f.secret);
  const secret = d.files.filter((f) => f.secret);
  const plainKeys = keysOf(plain);
  const secretKeys = keysOf(secret);

  const configMap =
    plain.length > 0
      ? new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta("config"), data: Object.fromEntries(plain.map((f) => [plainKeys.get(f)!, f.content])) }, opts)
      : undefined;
  const fileSecret =
    secret.length > 0
      ? new k8s.core.v1.Secret(
          `${name}-files`,
          { metadata: meta("files"), type: "Opaque", stringData: Object.fromEntries(secret.map((f) => [secretKeys.get(f)!, pulumi.secret(f.content)])) },
          opts,
        )
      : undefined;
  const envSecret =
    Object.keys(d.secretEnv).length > 0
      ? new k8s.core.v1.Secret(`${name}-env`, { metadata: meta("env"), type: "Opaque", stringData: Object.fromEntries(Object.entries(d.secretEnv).map(([k, v]) => [k, pulumi.secret(v)])) }, opts)
      : undefined;

  const volumes: k8s.types.input.core.v1.Volume[] = [];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [];
  const restart = d.files.filter((x) => x.onChange === "restart");
  if (configMap && restart.some((f) => !f.secret)) volumes.push({ name: "config", configMap: { name: configMap.metadata.name, defaultMode: 0o444 } });
  if (fileSecret && restart.some((f) => f.secret)) volumes.push({ name: "secret-files", secret: { secretName: fileSecret.metadata.name, defaultMode: 0o440 } });
  for (const f of restart) {
    mounts.push({ name: f.secret ? "secret-files" : "config", mountPath: f.path, subPath: (f.secret ? secretKeys : plainKeys).get(f)!, readOnly: true });
  }

  const live = d.files.filter((f) => f.onChange === "reload");
  let liveConfig: PodFiles["liveConfig"];
  if (live.length > 0) {
    const dirs = new Set(live.map((f) => dirOf(f.path)));
    if (dirs.size !== 1) throw new Error(`${d.id}: files that reload in place must share one directory, got ${[...dirs].join(", ")}`);
    const dir = [...dirs][0];
    const item = (f: ServiceFile) => ({ key: (f.secret ? secretKeys : plainKeys).get(f)!, path: f.path.slice(dir.length + 1), mode: octal(f.mode) });
    const plainLive = live.filter((f) => !f.secret);
    const secretLive = live.filter((f) => f.secret);
    volumes.push({
      name: "live",
      projected: {
        sources: [
          ...(secretLive.length > 0 ? [{ secret: { name: fileSecret!.metadata.name, items: secretLive.map(item) } }] : []),
          ...(plainLive.length > 0 ? [{ configMap: { name: configMap!.metadata.name, items: plainLive.map(item) } }] : []),
        ],
      },
    });
    mounts.push({ name: "live", mountPath: dir, readOnly: true });
    if (configMap && plainLive.length > 0) liveConfig = { configMap: configMap.metadata.name, dir, items: plainLive.map((f) => ({ key: plainKeys.get(f)!, path: f.path.slice(dir.length + 1) })) };
  }

  // Secret env values enter the digest, which is not itself secret: a hash reveals nothing of them.
  const restartInputs = [...d.files.filter((f) => f.onChange === "restart").map((f) => pulumi.output(f.content)), ...Object.entries(d.secretEnv).map(([k, v]) => pulumi.interpolate`${k}=${v}`)];
  const checksum = pulumi.unsecret(pulumi.all(restartInputs).apply((parts) => createHash("sha256").update(parts.join("\0")).digest("hex")));
  return {
    volumes,
    mounts,
    envFrom: envSecret ? [{ secretRef: { name: envSecret.metadata.name } }] : [],
    checksum,
    liveConfig,
  };
}
