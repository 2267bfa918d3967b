import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ImageRole, images } from "../images";
import { DockerHost, PlatformSpec } from "../spec/types";
import { HostRuntime } from "./runtime";

export interface DockerHostArgs {
  readonly host: DockerHost;
  readonly spec: PlatformSpec;
  /** The images this host runs. */
  readonly roles: readonly ImageRole[];
}

/**
 * One Docker engine: an explicit provider (local socket or ssh://), the platform network, and the
 * pinned images its services run. Services on the host share its runtime.
 */
export class DockerHostRuntime extends pulumi.ComponentResource {
  public readonly runtime: HostRuntime;
  public readonly provider: docker.Provider;
  public readonly network: docker.Network;
  private readonly pulled: Partial<Record<ImageRole, docker.RemoteImage>> = {};

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Host", name, {}, opts);
    const { host, spec } = args;
    this.provider = new docker.Provider(
      `${name}-provider`,
      { host: host.url, sshOpts: host.sshOpts.length > 0 ? [...host.sshOpts] : undefined },
      { parent: this },
    );
    this.network = new docker.Network(
      `${name}-network`,
      {
        name: `regstack-${spec.stack}`,
        driver: "bridge",
        labels: [{ label: "io.regstack.stack", value: spec.stack }],
      },
      { parent: this, provider: this.provider },
    );
    for (const role of args.roles) {
      this.pulled[role] = new docker.RemoteImage(
        `${name}-image-${role}`,
        { name: images[role], keepLocally: true },
        { parent: this, provider: this.provider },
      );
    }
    this.runtime = {
      stack: spec.stack,
      host: host.name,
      provider: this.provider,
      network: this.network.name,
      bindAddress: spec.bindAddress,
      logs: spec.logs,
    };
    this.registerOutputs({ network: this.network.name });
  }

  /** The pulled image for a role; the host must have been declared with that role. */
  image(role: ImageRole): pulumi.Output<string> {
    const image = this.pulled[role];
    if (!image) throw new Error(`image "${role}" was not declared for host ${this.runtime.host}`);
    return image.imageId;
  }
}
