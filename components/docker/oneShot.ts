import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
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
