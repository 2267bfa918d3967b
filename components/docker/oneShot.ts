/**
 * One-shot helper containers of the Docker target: they run once to completion when created (the
 * provider attaches and waits), and again whenever their inputs change, since any input change
 * replaces a container. They prepare data directories and install files into volumes without
 * touching the services that read them. (Scheduled operations are a different thing.)
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { dataOwnerScript, installFilesScript, programCopyScript } from "./oneShotScripts";
import { HostRuntime } from "./runtime";

export interface OneShotArgs {
  readonly image: pulumi.Input<string>;
  /** Shell script run by `sh -c` (busybox). */
  readonly script: string;
  readonly volumes: pulumi.Input<docker.types.input.ContainerVolume>[];
  readonly uploads?: pulumi.Input<docker.types.input.ContainerUpload>[];
  /** Run the script as the entrypoint: for images whose entrypoint is their program (restic, registry). */
  readonly asEntrypoint?: boolean;
}

/** A one-shot's memory limit (MB): busybox copying, chowning or installing files needs little. */
export const ONE_SHOT_MEMORY_MB = 64;

export function oneShotContainer(name: string, runtime: HostRuntime, args: OneShotArgs, opts: pulumi.CustomResourceOptions): docker.Container {
  return new docker.Container(
    name,
    {
      image: args.image,
      ...(args.asEntrypoint ? { entrypoints: ["/bin/sh", "-euc", args.script] } : { command: ["sh", "-euc", args.script] }),
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
      networkMode: "none",
      memory: ONE_SHOT_MEMORY_MB,
      volumes: args.volumes,
      uploads: args.uploads,
      labels: [
        { label: "io.regstack.stack", value: runtime.stack },
        { label: "io.regstack.role", value: "one-shot" },
      ],
    },
    { deleteBeforeReplace: true, ...opts, provider: runtime.provider },
  );
}

/** A file an installer puts in place. */
export interface InstalledFile {
  /** Absolute path, inside the installer's mount path. */
  readonly path: string;
  readonly content: pulumi.Input<string>;
  /** Secret content is uploaded as a secret; plain content stays readable in previews. */
  readonly secret: boolean;
  readonly mode: string;
}

export interface FileInstallerArgs {
  readonly image: pulumi.Input<string>;
  /** The volume the files go into, and where the installer mounts it. */
  readonly volume: pulumi.Input<string>;
  readonly mountPath: string;
  /** Installed in this order. */
  readonly files: readonly InstalledFile[];
  /** A file the service watches, touched after the install so that it reloads (when it exists). */
  readonly touch?: string;
  /** uid:gid the files are given to (the service's user), when it runs unprivileged. */
  readonly owner?: string;
}

/**
 * Writes files into a volume: uploaded to /staging, then each renamed over its target. Services read
 * the volume; a content change replaces only this installer.
 */
export function fileInstaller(name: string, runtime: HostRuntime, args: FileInstallerArgs, opts: pulumi.CustomResourceOptions): docker.Container {
  const staged = (p: string) => `/staging/${p.split("/").pop()}`;
  return oneShotContainer(
    name,
    runtime,
    {
      image: args.image,
      script: installFilesScript(
        args.files.map((f) => ({ staged: staged(f.path), target: f.path, mode: f.mode })),
        args.touch,
        args.owner,
      ),
      volumes: [{ volumeName: args.volume, containerPath: args.mountPath }],
      uploads: args.files.map((f) => ({ file: staged(f.path), content: f.secret ? pulumi.secret(f.content) : f.content })),
    },
    opts,
  );
}

export interface DataHandoverArgs {
  readonly image: pulumi.Input<string>;
  /** The data mount, as the service mounts it. */
  readonly mount: docker.types.input.ContainerVolume;
  /** uid:gid that gets the directory. */
  readonly owner: string;
}

/** Hands a data directory to the unprivileged user a service runs as. */
export function dataHandover(name: string, runtime: HostRuntime, args: DataHandoverArgs, opts: pulumi.CustomResourceOptions): docker.Container {
  return oneShotContainer(name, runtime, { image: args.image, script: dataOwnerScript(args.mount.containerPath as string, args.owner), volumes: [args.mount] }, opts);
}

export interface ProgramCopyArgs {
  /** The pinned image that has the program. */
  readonly image: pulumi.Input<string>;
  /** Its path in that image. */
  readonly from: string;
  /** The volume of borrowed programs, and where the copy mounts it. */
  readonly volume: pulumi.Input<string>;
  readonly dir: string;
  readonly name: string;
}

/** Copies a program out of its pinned image into a service's program volume (restic, registry). */
export function programCopy(name: string, runtime: HostRuntime, args: ProgramCopyArgs, opts: pulumi.CustomResourceOptions): docker.Container {
  return oneShotContainer(
    name,
    runtime,
    { image: args.image, script: programCopyScript(args.from, `${args.dir}/${args.name}`), volumes: [{ volumeName: args.volume, containerPath: args.dir }], asEntrypoint: true },
    opts,
  );
}
