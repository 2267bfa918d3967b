import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ImageRole, images } from "../images";
import { DockerHost, DockerTarget } from "../config/types";
import { ServiceDescription } from "../platform/description";
import { serviceNetworkName } from "./networks";
import { sshOptionsOf } from "./sshOptions";
import { HostRuntime } from "./runtime";

/** The images an engine pulls for the services placed on it: theirs, the programs they borrow, and busybox for the one-shots. */
export function imageRolesOf(placed: readonly ServiceDescription[]): ImageRole[] {
  const borrowed = placed.flatMap((s) => (s.programs?.borrow ?? []).map((b) => b.image));
  return [...new Set<ImageRole>([...placed.map((s) => s.image), ...borrowed, "tools"])];
}

export interface DockerHostArgs {
  /** The engine to deploy to. */
  readonly host: DockerHost;
  /** The stack, in names and labels. */
  readonly stack: string;
  /** Bind address and log rotation of the docker target. */
  readonly target: Pick<DockerTarget, "bindAddress" | "logs">;
  /** The images this host runs. */
  readonly roles: readonly ImageRole[];
  /** The services whose networks this engine holds (bridges; none on a Swarm node, whose overlays the manager declares). */
  readonly networks: readonly string[];
}

/**
 * One Docker engine: an explicit provider (local socket or ssh://), the platform's networks on it (one
 * bridge per service others connect to, see networks.ts), and the pinned images its services run.
 * Services on the host share its runtime. On a Swarm it is one node: its engine pulls the images and
 * prepares the data its services mount; the manager declares the overlays.
 */
export class DockerHostRuntime extends pulumi.ComponentResource {
  public readonly runtime: HostRuntime;
  public readonly provider: docker.Provider;
  /** Each service network on this engine, by the id of the service that owns it. */
  private readonly networks = new Map<string, pulumi.Output<string>>();
  /** The engine this runtime deploys to. */
  public readonly host: DockerHost;
  private readonly baseName: string;
  private readonly pulled: Partial<Record<ImageRole, docker.RemoteImage>> = {};
  private readonly shared = new Map<string, docker.Volume>();

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Host", name, {}, opts);
    this.baseName = name;
    const { host, stack, target } = args;
    this.host = host;
    const sshOpts = sshOptionsOf(host);
    this.provider = new docker.Provider(
      `${name}-provider`,
      { host: host.url, sshOpts: sshOpts.length > 0 ? sshOpts : undefined },
      { parent: this },
    );
    for (const owner of args.networks) {
      const network = new docker.Network(
        `${name}-network-${owner}`,
        {
          name: serviceNetworkName(stack, owner),
          driver: "bridge",
          labels: [{ label: "io.regstack.stack", value: stack }],
        },
        { parent: this, provider: this.provider },
      );
      this.networks.set(owner, network.name);
    }
    for (const role of args.roles) {
      this.pulled[role] = new docker.RemoteImage(
        `${name}-image-${role}`,
        { name: images[role], keepLocally: true },
        { parent: this, provider: this.provider },
      );
    }
    this.runtime = {
      stack,
      host: host.name,
      provider: this.provider,
      bindAddress: target.bindAddress,
      logs: target.logs,
    };
    this.registerOutputs({ networks: [...this.networks.values()] });
  }

  /**
   * A volume services on this host share while they run (the edge's maintenance flag); declared on
   * first use. Nothing in it needs to survive, so it is not retained.
   */
  sharedVolume(volume: string): pulumi.Output<string> {
    let v = this.shared.get(volume);
    if (!v) {
      v = new docker.Volume(
        `${this.baseName}-volume-${volume}`,
        { name: `regstack-${this.runtime.stack}-${volume}`, labels: [{ label: "io.regstack.stack", value: this.runtime.stack }] },
        { parent: this, provider: this.provider },
      );
      this.shared.set(volume, v);
    }
    return v.name;
  }

  /** The name of a service's network on this engine; the host must have been declared with it. */
  networkName(owner: string): pulumi.Output<string> {
    const network = this.networks.get(owner);
    if (!network) throw new Error(`the network of "${owner}" was not declared on host ${this.runtime.host}`);
    return network;
  }

  /** The pulled image for a role; the host must have been declared with that role. */
  image(role: ImageRole): pulumi.Output<string> {
    return this.pulledImage(role).imageId;
  }

  /** The pinned reference of a role's image, once this engine has pulled it (a Swarm task names it so). */
  imageRef(role: ImageRole): pulumi.Output<string> {
    return this.pulledImage(role).name;
  }

  private pulledImage(role: ImageRole): docker.RemoteImage {
    const image = this.pulled[role];
    if (!image) throw new Error(`image "${role}" was not declared for host ${this.runtime.host}`);
    return image;
  }
}
