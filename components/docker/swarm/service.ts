/**
 * The Swarm translator: one ServiceDescription becomes a Swarm service pinned to the node of its host,
 * its files versioned configs and secrets, its data prepared on that node by the node's own engine
 * (the same hand-overs as the per-host layout). Nothing here knows a role.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerHost, DockerMode, Limits, Secret } from "../../config/types";
import { ServiceDescription } from "../../platform/description";
import { DockerHostRuntime } from "../host";
import { DataOwner, declareNodeStorage, NodeMount } from "../nodeStorage";
import { healthcheckOf } from "../runtime";
import { PersistentMount } from "../storage";
import { declareSwarmFiles, SwarmFile } from "./files";
import { convergeConfig, resourcesOf, restartPolicy, rollbackConfigOf, updateConfigOf, updateOrder } from "./rollout";

export interface SwarmServiceArgs {
  /** What the service is (the platform layer decides it). */
  readonly description: ServiceDescription;
  /** The host whose node runs it: its `node` pins the service, its dataPath places the data. */
  readonly host: DockerHost;
  /** That node's engine: it pulls the image and prepares the data. */
  readonly node: DockerHostRuntime;
  /** The manager's provider, which declares services, configs and secrets. */
  readonly manager: docker.Provider;
  /** The overlays it joins, by id, with its aliases on its own. */
  readonly networks: readonly { readonly id: pulumi.Input<string>; readonly aliases: readonly string[] }[];
  /** Publish and endpoint modes. */
  readonly mode: Extract<DockerMode, { kind: "swarm" }>;
  readonly limits: Limits;
  /** The services it depends on (on the same node). */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Services declared before it, by id (for `sharedData`). */
  readonly declared: ReadonlyMap<string, SwarmService>;
  /** The stack's key for the versions of secret names. */
  readonly versionKey: Secret;
  readonly logs: { readonly maxSize: string; readonly maxFiles: number };
}

/** A Swarm service's name: `regstack-<stack>-<id>` (ids are unique on the platform; roles repeat per node). */
export function swarmServiceName(stack: string, id: string): string {
  return `regstack-${stack}-${id}`;
}

function mountOf(m: NodeMount): docker.types.input.ServiceTaskSpecContainerSpecMount {
  return "hostPath" in m.source
    ? { type: "bind", source: m.source.hostPath, target: m.target, readOnly: m.readOnly }
    : { type: "volume", source: m.source.volumeName, target: m.target, readOnly: m.readOnly };
}

/** The directory of a service's files that reload in place (what other services mount as its config). */
function liveDirOf(d: ServiceDescription): string | undefined {
  const live = d.files.find((f) => f.onChange === "reload");
  return live ? live.path.slice(0, live.path.lastIndexOf("/")) : undefined;
}

export class SwarmService extends pulumi.ComponentResource implements DataOwner {
  public readonly service: docker.Service;
  /** Its configs and secrets, as mounted. */
  public readonly files: readonly SwarmFile[];
  public readonly dataMount?: PersistentMount;
  public readonly moreMounts?: ReadonlyMap<string, PersistentMount>;
  /** The host (node) it runs on. */
  public readonly placement: string;
  public readonly ready: pulumi.Resource;
  private readonly liveDir?: string;

  constructor(name: string, args: SwarmServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const d = args.description;
    super(`regstack:swarm:${d.component}`, name, {}, opts);
    const { node } = args;
    const stack = node.runtime.stack;
    this.placement = d.placement;
    this.liveDir = liveDirOf(d);

    const storage = declareNodeStorage(
      name,
      d,
      {
        host: args.host,
        runtime: node.runtime,
        toolsImage: node.image("tools"),
        declared: args.declared,
        sharedVolume: (volume) => node.sharedVolume(volume),
        imageOf: (role) => node.image(role),
        // Another service's live files come as its own configs, mounted below.
        sharedConfig: () => [],
      },
      this,
    );
    this.dataMount = storage.dataMount;
    this.moreMounts = storage.moreMounts;

    this.files = declareSwarmFiles(name, { prefix: swarmServiceName(stack, d.id), stack, files: d.files, versionKey: args.versionKey, provider: args.manager, parent: this });
    // What it reads of another service's live config: that service's plain files, under its own path.
    const borrowed = (d.sharedData ?? [])
      .filter((s) => s.what === "config")
      .flatMap((s) => {
        const owner = args.declared.get(s.owner);
        if (!owner?.liveDir) throw new Error(`${d.id}: mounts the config of ${s.owner}, which has no files that reload in place`);
        return owner.files.filter((f) => f.kind === "config" && f.path.startsWith(`${owner.liveDir}/`)).map((f) => ({ ...f, path: `${s.path}/${f.path.slice(owner.liveDir!.length + 1)}` }));
      });
    const all = [...this.files, ...borrowed];
    const [uid, gid] = (d.user ?? "0:0").split(":");
    const asFile = (f: SwarmFile) => ({ fileName: f.path, fileUid: uid, fileGid: gid ?? uid, fileMode: f.mode });

    const scratch = d.scratch.map<docker.types.input.ServiceTaskSpecContainerSpecMount>((s) => ({
      type: "tmpfs",
      target: s.path,
      // Swarm's tmpfs takes no owner: a directory meant for one user is left to everyone in the
      // container (sticky, like /tmp), which holds that one user only.
      tmpfsOptions: { sizeBytes: s.sizeMb * 1024 * 1024, mode: s.uid === undefined ? parseInt(s.mode, 8) : 0o1777 },
    }));
    const env: Record<string, pulumi.Input<string>> = { ...d.env };
    for (const [k, v] of Object.entries(d.secretEnv)) env[k] = pulumi.secret(v);
    const order = updateOrder(d, args.mode);
    const published = d.ports.filter((p) => p.published);

    this.service = new docker.Service(
      `${name}-service`,
      {
        name: swarmServiceName(stack, d.id),
        labels: [
          { label: "io.regstack.stack", value: stack },
          { label: "io.regstack.role", value: d.role },
        ],
        mode: { replicated: { replicas: 1 } },
        taskSpec: {
          containerSpec: {
            image: node.imageRef(d.image),
            // The description's command replaces the image's CMD (its entrypoint stays), as on a host.
            args: d.command ? [...d.command] : undefined,
            env,
            user: d.user,
            // Files come as config and secret mounts, so the root stays as the description asks.
            readOnly: d.readOnlyRoot,
            capDrops: d.capabilities === undefined ? undefined : ["ALL"],
            capAdds: d.capabilities && d.capabilities.length > 0 ? [...d.capabilities] : undefined,
            mounts: [...storage.mounts.map(mountOf), ...scratch],
            configs: all.filter((f) => f.kind === "config").map((f) => ({ configId: f.id, configName: f.name, ...asFile(f) })),
            secrets: all.filter((f) => f.kind === "secret").map((f) => ({ secretId: f.id, secretName: f.name, ...asFile(f) })),
            healthcheck: healthcheckOf(d.probe),
            labels: [
              { label: "io.regstack.stack", value: stack },
              { label: "io.regstack.role", value: d.role },
            ],
          },
          networksAdvanceds: args.networks.map((n) => ({ id: n.id, ...(n.aliases.length > 0 ? { aliases: [...n.aliases] } : {}) })),
          placement: { constraints: [`node.hostname == ${args.host.node}`] },
          resources: resourcesOf(args.limits),
          restartPolicy,
          logDriver: { name: "json-file", options: { "max-size": args.logs.maxSize, "max-file": String(args.logs.maxFiles) } },
        },
        endpointSpec: {
          mode: args.mode.endpointMode,
          ports: published.map((p) => ({ name: p.name, targetPort: p.port, publishedPort: p.port, publishMode: args.mode.publishMode, protocol: "tcp" })),
        },
        updateConfig: updateConfigOf(order),
        rollbackConfig: rollbackConfigOf(order),
        convergeConfig,
      },
      { parent: this, provider: args.manager, dependsOn: [...args.dependsOn, ...storage.before] },
    );
    this.ready = this.service;
    this.registerOutputs({ service: this.service.name });
  }
}
