import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { Limits } from "../config/types";
import { Probe } from "../platform/description";

/** What every long-running service container on a host shares: provider, logging, the bind address. */
export interface HostRuntime {
  readonly stack: string;
  /** Host name from the spec (used in names and labels). */
  readonly host: string;
  readonly provider: docker.Provider;
  /** Address published ports bind to. */
  readonly bindAddress: string;
  readonly logs: { readonly maxSize: string; readonly maxFiles: number };
}

/** A long-running service container's role-specific inputs. */
export interface ServiceContainerArgs {
  readonly role: string;
  readonly image: pulumi.Input<string>;
  /** The networks it joins, with its aliases where it has them. */
  readonly networks: readonly { readonly name: pulumi.Input<string>; readonly aliases: readonly string[] }[];
  readonly limits: Limits;
  readonly envs?: pulumi.Input<string>[];
  readonly command?: readonly string[];
  readonly user?: string;
  readonly readOnly?: boolean;
  readonly ports?: readonly { readonly internal: number; readonly external: number }[];
  readonly uploads?: pulumi.Input<docker.types.input.ContainerUpload>[];
  readonly volumes?: pulumi.Input<docker.types.input.ContainerVolume>[];
  readonly tmpfs?: Record<string, string>;
  /** Linux capabilities; default drops none (the images' own defaults). */
  readonly capabilities?: docker.types.input.ContainerCapabilities;
  readonly healthcheck: docker.types.input.ContainerHealthcheck;
}

/** A service's container name on its host: `regstack-<stack>-<role>`. */
export function containerName(stack: string, role: string): string {
  return `regstack-${stack}-${role}`;
}

/**
 * Declares a service container with the platform's runtime rules: restart unless stopped, log rotation,
 * memory and CPU limits, all capabilities dropped but the ones a role needs, published ports bound to
 * the configured address, and delete-before-replace (fixed names and host ports cannot exist twice).
 */
export function serviceContainer(
  name: string,
  runtime: HostRuntime,
  args: ServiceContainerArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  if (args.readOnly && (args.uploads ?? []).length > 0) {
    // Measured on Debian's dockerd: uploads go in with CopyToContainer, which a read-only rootfs refuses
    // ("container rootfs is marked read-only"), so `pulumi up` would fail on this container.
    throw new Error(`${name}: a read-only container cannot receive uploads; put the files in a volume or drop readOnly`);
  }
  return new docker.Container(
    name,
    {
      name: containerName(runtime.stack, args.role),
      image: args.image,
      restart: "unless-stopped",
      envs: args.envs,
      command: args.command ? [...args.command] : undefined,
      user: args.user,
      readOnly: args.readOnly ?? false,
      tmpfs: args.tmpfs,
      capabilities: args.capabilities,
      memory: args.limits.memoryMb,
      memorySwap: args.limits.memoryMb,
      cpus: args.limits.cpus,
      logDriver: "json-file",
      logOpts: { "max-size": runtime.logs.maxSize, "max-file": String(runtime.logs.maxFiles) },
      networksAdvanced: args.networks.map((n) => ({ name: n.name, ...(n.aliases.length > 0 ? { aliases: [...n.aliases] } : {}) })),
      ports: (args.ports ?? []).map((p) => ({ internal: p.internal, external: p.external, ip: runtime.bindAddress, protocol: "tcp" })),
      uploads: args.uploads,
      volumes: args.volumes,
      healthcheck: args.healthcheck,
      wait: true,
      waitTimeout: 120,
      labels: [
        { label: "io.regstack.stack", value: runtime.stack },
        { label: "io.regstack.role", value: args.role },
      ],
    },
    { deleteBeforeReplace: true, ...opts, provider: runtime.provider },
  );
}

/**
 * A description's probe as a Docker healthcheck: an HTTP probe fetches a URL of the container's own
 * (loopback, or the name its listener binds) with busybox wget (present in the alpine-based images),
 * an exec probe runs in a shell.
 */
export function healthcheckOf(probe: Probe): docker.types.input.ContainerHealthcheck {
  return {
    tests: probe.kind === "http" ? ["CMD", "wget", "-q", "-O", "/dev/null", `http://${probe.host ?? "127.0.0.1"}:${probe.port}${probe.path}`] : ["CMD-SHELL", probe.command],
    interval: "15s",
    timeout: "5s",
    retries: 3,
    startPeriod: "10s",
  };
}
