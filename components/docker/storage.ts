import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../config/types";
import { KeepPolicy } from "../platform/description";
import { HostRuntime } from "./runtime";

/** A mount of persistent data: a host directory under the host's dataPath, or a named volume. */
export interface PersistentMount {
  /** The host directory or volume name, for the container's `volumes`. */
  readonly source: { hostPath: string } | { volumeName: pulumi.Output<string> };
  /** The Volume resource, when the data is in a named volume. */
  readonly volume?: docker.Volume;
}

/**
 * Where one kind of persistent data lives on a host. With `dataPath` it is a bind mount of
 * `<dataPath>/<dir>` (Docker creates the directory; nothing regstack declares can delete it). Otherwise
 * it is a named volume, retained on delete by default. A `hostPath` the stack chose (a second disk)
 * wins over both.
 */
export function persistentMount(
  name: string,
  host: DockerHost,
  runtime: HostRuntime,
  dir: string,
  policy: KeepPolicy,
  parent: pulumi.Resource,
  hostPath?: string,
): PersistentMount {
  if (hostPath) return { source: { hostPath } };
  if (host.dataPath) return { source: { hostPath: `${host.dataPath.replace(/\/+$/, "")}/${dir}` } };
  const volume = new docker.Volume(
    name,
    {
      name: `regstack-${runtime.stack}-${dir}`,
      labels: [
        { label: "io.regstack.stack", value: runtime.stack },
        { label: "io.regstack.data", value: dir },
      ],
    },
    { parent, provider: runtime.provider, protect: policy.protect, retainOnDelete: policy.retain },
  );
  return { source: { volumeName: volume.name }, volume };
}

export function mountAt(mount: PersistentMount, containerPath: string, readOnly = false): docker.types.input.ContainerVolume {
  return { ...mount.source, containerPath, readOnly };
}
