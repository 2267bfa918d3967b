/**
 * The Docker target's composition root: it has the platform layer describe the platform, then
 * translates every service description on the host it is placed on, and returns the outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerTarget, PlatformSpec } from "../config/types";
import { ServiceDescription } from "../platform/description";
import { PlatformOutputs, platformOutputs } from "../platform/outputs";
import { declareClientTrust, describePlatform, PlatformDescription } from "../platform/platform";
import { DockerHostRuntime, imageRolesOf } from "./host";
import { containerName } from "./runtime";
import { DockerService } from "./service";
import { networkOwners, networksOf } from "./networks";

/** Containers reach each other on one host only (each host's edge fronts its own services). */
const sameHost = (a: ServiceDescription, b: ServiceDescription) => a.placement === b.placement;

export interface DockerPlatformArgs {
  /** The validated spec. */
  readonly spec: PlatformSpec;
  /** Its target: Docker hosts. */
  readonly target: DockerTarget;
  /** Told the description once it is made (the offline engine renders files from it). */
  readonly onDescribed?: (description: PlatformDescription) => void;
}

/** The whole platform on one or more Docker hosts. */
export class DockerPlatform extends pulumi.ComponentResource {
  public readonly outputs: PlatformOutputs;

  constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Platform", name, {}, opts);
    const { spec, target } = args;
    const description = describePlatform(name, spec, this);
    args.onDescribed?.(description);

    const hosts = new Map<string, DockerHostRuntime>();
    for (const node of description.placement.nodes) {
      const placed = description.services.filter((s) => s.placement === node);
      const host = target.hosts.find((h) => h.name === node)!;
      const networks = networkOwners(placed, description.services, sameHost);
      hosts.set(node, new DockerHostRuntime(`${name}-${node}`, { host, stack: spec.stack, target, roles: imageRolesOf(placed), networks }, { parent: this }));
    }

    const services = new Map<string, DockerService>();
    for (const d of description.services) services.set(d.id, this.translate(name, d, description.services, target, hosts, services));

    const edges = description.services.filter((d) => d.ports.some((p) => p.published)).map((d) => services.get(d.id)!.container);
    const clientStatus = declareClientTrust(name, description, this, edges);
    // Jobs run by hand inside the scheduler's container.
    const scheduler = description.services.find((d) => d.id === description.schedulerId);
    this.outputs = platformOutputs(description, clientStatus, (_job, command) => `docker exec ${scheduler ? containerName(spec.stack, scheduler.role) : "<no scheduler>"} ${command}`);
    this.registerOutputs({ registryUrl: this.outputs.registryUrl });
  }

  private translate(
    name: string,
    d: ServiceDescription,
    all: readonly ServiceDescription[],
    target: DockerTarget,
    hosts: ReadonlyMap<string, DockerHostRuntime>,
    declared: ReadonlyMap<string, DockerService>,
  ): DockerService {
    const host = hosts.get(d.placement)!;
    // Dependencies on another host are not ordered (each host's edge fronts only its own services).
    const dependsOn = d.dependsOn.flatMap((id) => {
      const dep = declared.get(id);
      return dep && dep.placement === d.placement ? [dep.container] : [];
    });
    return new DockerService(
      `${name}-${d.id}`,
      {
        description: d,
        host: host.host,
        runtime: host.runtime,
        image: host.image(d.image),
        toolsImage: host.image("tools"),
        limits: target.resources[d.resources],
        dependsOn,
        declared,
        sharedVolume: (volume) => host.sharedVolume(volume),
        imageOf: (role) => host.image(role),
        networks: networksOf(d, all, (peer) => sameHost(d, peer)).map((n) => ({ name: host.networkName(n.owner), aliases: n.aliases })),
      },
      { parent: this },
    );
  }
}
