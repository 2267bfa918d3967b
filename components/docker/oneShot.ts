import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { installFilesScript } from "../render/jobs";
import { HostRuntime } from "./runtime";

export interface OneShotArgs {
  readonly image: pulumi.Input<string>;
  /** Shell script run by `sh -c` (busybox). */
  readonly script: string;
  readonly volumes: pulumi.Input<docker.types.input.ContainerVolume>[];
  readonly uploads?: pulumi.Input<docker.types.input.ContainerUpload>[];
}

/**
 * A container that runs once to completion when created (the provider attaches and waits), and runs
 * again whenever its inputs change, since any input change replaces a container. Used to prepare
 * volumes and to write files into them without touching the services that read them.
 */
export function oneShotContainer(name: string, runtime: HostRuntime, args: OneShotArgs, opts: pulumi.CustomResourceOptions): docker.Container {
  return new docker.Container(
    name,
    {
      image: args.image,
      command: ["sh", "-euc", args.script],
      attach: true,
      logs: true,
      mustRun: false,
      restart: "no",
      networkMode: "none",
      volumes: args.volumes,
      uploads: args.uploads,
      labels: [
        { label: "io.regstack.stack", value: runtime.stack },
        { label: "io.regstack.role", value: "job" },
      ],
    },
    { deleteBeforeReplace: true, ...opts, provider: runtime.provider },
  );
}

export interface FileWriterArgs {
  readonly image: pulumi.Input<string>;
  /** The volume the files go into, and where the job mounts it. */
  readonly volume: pulumi.Input<string>;
  readonly mountPath: string;
  /** Installed in this order (paths inside mountPath). */
  readonly files: readonly { readonly path: string; readonly content: pulumi.Input<string>; readonly mode: string }[];
}

/**
 * A one-shot job that writes files into a volume: uploaded to /staging (secret), then installed by
 * renaming over the targets. Services read the volume; a content change replaces only this job.
 */
export function fileWriterJob(name: string, runtime: HostRuntime, args: FileWriterArgs, opts: pulumi.CustomResourceOptions): docker.Container {
  const staged = (p: string) => `/staging/${p.split("/").pop()}`;
  return oneShotContainer(
    name,
    runtime,
    {
      image: args.image,
      script: installFilesScript(args.files.map((f) => ({ staged: staged(f.path), target: f.path, mode: f.mode }))),
      volumes: [{ volumeName: args.volume, containerPath: args.mountPath }],
      uploads: args.files.map((f) => ({ file: staged(f.path), content: pulumi.secret(f.content) })),
    },
    opts,
  );
}
