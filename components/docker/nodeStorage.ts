/**
 * What a service needs on the node it runs on before it starts, the same for a container and for a
 * Swarm task: its data (a retained volume or a host directory) handed to its user, the data of other
 * services on the node it mounts, volumes shared on the node, and programs borrowed from other images.
 * One-shot containers on the node's own engine do the preparing; the target mounts the result.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../config/types";
import { ImageRole } from "../images";
import { ServiceDescription, SharedData } from "../platform/description";
import { dataHandover, programCopy } from "./oneShot";
import { HostRuntime } from "./runtime";
import { mountAt, PersistentMount, persistentMount } from "./storage";

/** A mount of something on the node: a host directory or a named volume. */
export interface NodeMount {
  readonly source: { readonly hostPath: string } | { readonly volumeName: pulumi.Input<string> };
  readonly target: string;
  readonly readOnly: boolean;
}

/** A service already declared on a node, as the services that mount its data see it. */
export interface DataOwner {
  /** The node (host name) it runs on. */
  readonly placement: string;
  /** Its primary data. */
  readonly dataMount?: PersistentMount;
  /** Its further data, by name (`moreData`). */
  readonly moreMounts?: ReadonlyMap<string, PersistentMount>;
  /** What must exist before another service mounts its data (its container or Swarm service). */
  readonly ready: pulumi.Resource;
}

export interface NodeStorageArgs {
  /** The host whose engine prepares the data (its dataPath decides where data lives). */
  readonly host: DockerHost;
  readonly runtime: HostRuntime;
  /** busybox, for the one-shot helpers. */
  readonly toolsImage: pulumi.Input<string>;
  /** Services declared before it, by id (for `sharedData` of kind "data"). */
  readonly declared: ReadonlyMap<string, DataOwner>;
  /** The node's volume of a name, shared by the services that mount it (for `sharedVolumes`). */
  readonly sharedVolume: (name: string) => pulumi.Output<string>;
  /** The pinned image of a role on this node (for borrowed programs). */
  readonly imageOf: (role: ImageRole) => pulumi.Input<string>;
  /**
   * The mounts that give it another service's live config files (`sharedData` of kind "config"): they
   * travel differently on a host (a volume) and on a Swarm (configs and secrets, which the target adds).
   */
  readonly sharedConfig: (shared: SharedData) => NodeMount[];
}

/** A service's storage on its node: the mounts, and what must run or exist before the service starts. */
export interface NodeStorage {
  readonly mounts: NodeMount[];
  readonly before: pulumi.Resource[];
  /** Its primary data, for services that mount it too. */
  readonly dataMount?: PersistentMount;
  /** Its further data, by name, for services that mount it too. */
  readonly moreMounts: ReadonlyMap<string, PersistentMount>;
}

const asNodeMount = (v: docker.types.input.ContainerVolume): NodeMount => ({
  source: v.hostPath !== undefined ? { hostPath: v.hostPath as string } : { volumeName: v.volumeName as pulumi.Input<string> },
  target: v.containerPath as string,
  readOnly: Boolean(v.readOnly),
});

/** Declares a service's data, hand-overs, shared data and volumes, and borrowed programs on its node. */
export function declareNodeStorage(name: string, d: ServiceDescription, args: NodeStorageArgs, parent: pulumi.Resource): NodeStorage {
  const { runtime } = args;
  const mounts: NodeMount[] = [];
  const before: pulumi.Resource[] = [];
  let dataMount: PersistentMount | undefined;

  const data = (suffix: string, mount: NonNullable<ServiceDescription["data"]>) => {
    const declared = persistentMount(`${name}-${suffix}`, args.host, runtime, mount.name, mount.keep, parent, mount.hostPath);
    const volume = mountAt(declared, mount.path);
    mounts.push(asNodeMount(volume));
    if (mount.owner) {
      const prepare = suffix === "data" ? "prepare" : `prepare-${mount.name}`;
      before.push(dataHandover(`${name}-${prepare}`, runtime, { image: args.toolsImage, mount: volume, owner: mount.owner }, { parent, dependsOn: declared.volume ? [declared.volume] : [] }));
    }
    return declared;
  };
  if (d.data) dataMount = data("data", d.data);
  const moreMounts = new Map<string, PersistentMount>();
  for (const more of d.moreData ?? []) moreMounts.set(more.name, data(`data-${more.name}`, more));

  for (const shared of d.sharedData ?? []) {
    const owner = args.declared.get(shared.owner);
    const ownerData = shared.name === undefined ? owner?.dataMount : owner?.moreMounts?.get(shared.name);
    if (!owner || owner.placement !== d.placement || (shared.what === "data" && !ownerData)) {
      throw new Error(`${d.id}: mounts the ${shared.what}${shared.name ? ` "${shared.name}"` : ""} of ${shared.owner}, which is not declared before it on ${d.placement}`);
    }
    if (shared.what === "data") mounts.push(asNodeMount(mountAt(ownerData!, shared.path, shared.readOnly)));
    else mounts.push(...args.sharedConfig(shared));
    before.push(owner.ready);
  }
  for (const shared of d.sharedVolumes ?? []) {
    const volume = { volumeName: args.sharedVolume(shared.name), containerPath: shared.path, readOnly: shared.readOnly };
    mounts.push(asNodeMount(volume));
    // The service that writes a shared volume owns it (the scheduler writes the edge's freeze flag).
    if (!shared.readOnly && d.user) {
      before.push(dataHandover(`${name}-prepare-${shared.name}`, runtime, { image: args.toolsImage, mount: { ...volume, readOnly: false }, owner: d.user }, { parent }));
    }
  }
  if (d.programs && d.programs.borrow.length > 0) {
    const programs = new docker.Volume(
      `${name}-programs`,
      { name: `regstack-${runtime.stack}-${d.role}-programs`, labels: [{ label: "io.regstack.stack", value: runtime.stack }] },
      { parent, provider: runtime.provider },
    );
    for (const b of d.programs.borrow) {
      before.push(programCopy(`${name}-program-${b.name}`, runtime, { image: args.imageOf(b.image), from: b.from, volume: programs.name, dir: d.programs.dir, name: b.name }, { parent }));
    }
    mounts.push({ source: { volumeName: programs.name }, target: d.programs.dir, readOnly: true });
  }
  return { mounts, before, dataMount, moreMounts };
}
