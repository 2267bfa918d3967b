/**
 * The Swarm composition root: the platform layer describes the platform, each host's engine (a Swarm
 * node) pulls its images and prepares its data, and the first host (a manager) declares the overlay
 * networks, the configs and secrets, and one service per description, pinned to its node.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DockerMode, DockerTarget, PlatformSpec } from "../../config/types";
import { PlatformOutputs, platformOutputs } from "../../platform/outputs";
import { declareClientTrust, describePlatform, PlatformDescription } from "../../platform/platform";
import { DockerHostRuntime, imageRolesOf } from "../host";
import { networkOwners, networksOf, serviceNetworkName } from "../networks";
import { SwarmService, swarmServiceName } from "./service";

export interface SwarmPlatformArgs {
  /** The validated spec. */
  readonly spec: PlatformSpec;
  /** Its target: Docker hosts that are the nodes of one Swarm, the first a manager. */
  readonly target: DockerTarget;
  /** Publish and endpoint modes. */
  readonly mode: Extract<DockerMode, { kind: "swarm" }>;
  /** Told the description once it is made (the offline engine renders files from it). */
  readonly onDescribed?: (description: PlatformDescription) => void;
}

/** The whole platform as Swarm services. */
export class SwarmPlatform extends pulumi.ComponentResource {
  public readonly outputs: PlatformOutputs;

  constructor(name: string, args: SwarmPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:swarm:Platform", name, {}, opts);
    const { spec, target, mode } = args;
    const description = describePlatform(name, spec, this);
    args.onDescribed?.(description);
    const hostOf = (node: string) => target.hosts.find((h) => h.name === node)!;

    const nodes = new Map<string, DockerHostRuntime>();
    for (const node of description.placement.nodes) {
      const placed = description.services.filter((s) => s.placement === node);
      nodes.set(node, new DockerHostRuntime(`${name}-${node}`, { host: hostOf(node), stack: spec.stack, target, roles: imageRolesOf(placed), networks: [] }, { parent: this }));
    }
    // The first host is a manager: it runs the registry, so it is always one of the nodes.
    const manager = nodes.get(description.placement.primary)!.provider;
    // One attachable overlay per service others connect to (networks.ts); an overlay spans the nodes.
    const anywhere = () => true;
    const overlays = new Map<string, docker.Network>();
    for (const owner of networkOwners(description.services, description.services, anywhere)) {
      overlays.set(
        owner,
        new docker.Network(
          `${name}-network-${owner}`,
          { name: serviceNetworkName(spec.stack, owner), driver: "overlay", attachable: true, labels: [{ label: "io.regstack.stack", value: spec.stack }] },
          { parent: this, provider: manager },
        ),
      );
    }
    // Secret files' names carry a version keyed with this, so a name reveals nothing of the content.
    const versionKey = pulumi.secret(new random.RandomPassword(`${name}-version-key`, { length: 32, special: false }, { parent: this, additionalSecretOutputs: ["result"] }).result);

    const services = new Map<string, SwarmService>();
    for (const d of description.services) {
      const dependsOn = d.dependsOn.flatMap((id) => {
        const dep = services.get(id);
        return dep && dep.placement === d.placement ? [dep.service] : [];
      });
      services.set(
        d.id,
        new SwarmService(
          `${name}-${d.id}`,
          {
            description: d,
            host: hostOf(d.placement),
            node: nodes.get(d.placement)!,
            manager,
            networks: networksOf(d, description.services, anywhere).map((n) => ({ id: overlays.get(n.owner)!.id, aliases: n.aliases })),
            mode,
            limits: target.resources[d.resources],
            dependsOn,
            declared: services,
            versionKey,
            logs: target.logs,
          },
          { parent: this },
        ),
      );
    }

    const edges = description.services.filter((d) => d.ports.some((p) => p.published)).map((d) => services.get(d.id)!.service);
    const clientStatus = declareClientTrust(name, description, this, edges);
    const scheduler = description.services.find((d) => d.id === description.schedulerId);
    this.outputs = platformOutputs(description, clientStatus, (_job, command) =>
      scheduler
        ? `ssh ${hostOf(scheduler.placement).address} docker exec '$(docker ps -q --filter label=com.docker.swarm.service.name=${swarmServiceName(spec.stack, scheduler.id)})' ${command}`
        : "<no scheduler>",
    );
    this.registerOutputs({ registryUrl: this.outputs.registryUrl });
  }
}

