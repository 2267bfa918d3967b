/**
 * The Docker translator: one ServiceDescription becomes a component holding its container, its data
 * (a retained volume or a host directory), a one-shot data hand-over, and the files it reads: files
 * that restart the service are uploads into the container; files it reloads in place live in a volume
 * a one-shot installer writes, so changing them replaces only the installer. Nothing here knows a role.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServiceDescription, ServiceFile } from "../platform/description";
import { DockerHost, Limits } from "../config/types";
import { fileInstaller } from "./oneShot";
import { DataOwner, declareNodeStorage } from "./nodeStorage";
import { HostRuntime, healthcheckOf, serviceContainer } from "./runtime";
import { PersistentMount } from "./storage";
import { ImageRole } from "../images";

export interface DockerServiceArgs {
  /** What the service is (the platform layer decides it). */
  readonly description: ServiceDescription;
  /** The host it runs on (its dataPath decides where data lives). */
  readonly host: DockerHost;
  readonly runtime: HostRuntime;
  /** The pulled image of the service. */
  readonly image: pulumi.Input<string>;
  /** busybox, for the one-shot helpers. */
  readonly toolsImage: pulumi.Input<string>;
  readonly limits: Limits;
  /** The containers of the services it depends on (on the same host). */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Services declared before it on the host, by id (for `sharedData`). */
  readonly declared: ReadonlyMap<string, DockerService>;
  /** The host's volume of a name, shared by the services that mount it (for `sharedVolumes`). */
  readonly sharedVolume: (name: string) => pulumi.Output<string>;
  /** The pinned image of a role on this host (for borrowed programs). */
  readonly imageOf: (role: ImageRole) => pulumi.Input<string>;
  /** The networks it joins on the host (its own with its aliases, then those of the services it connects to). */
  readonly networks: readonly { readonly name: pulumi.Input<string>; readonly aliases: readonly string[] }[];
}

/** The directory every reloadable file of a service lives in (they share one volume). */
function reloadDir(d: ServiceDescription, files: readonly ServiceFile[]): string | undefined {
  if (files.length === 0) return undefined;
  const dirs = new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf("/"))));
  if (dirs.size !== 1) throw new Error(`${d.id}: files that reload in place must share one directory, got ${[...dirs].join(", ")}`);
  return [...dirs][0];
}

export class DockerService extends pulumi.ComponentResource implements DataOwner {
  public readonly container: docker.Container;
  /** The one-shot that installs the reloadable files last (the plain ones), when the service has any. */
  public readonly installer?: docker.Container;
  public readonly dataVolume?: docker.Volume;
  /** Its primary data, for services that mount it too. */
  public readonly dataMount?: PersistentMount;
  public readonly moreMounts?: ReadonlyMap<string, PersistentMount>;
  /** The volume of its files that reload in place, for services that read them too. */
  public readonly configVolume?: pulumi.Output<string>;
  /** The host it runs on. */
  public readonly placement: string;
  /** The id of the service it translates. */
  public readonly serviceId: string;
  /** Its container: what services that mount its data or config wait for. */
  public readonly ready: pulumi.Resource;

  constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const d = args.description;
    super(`regstack:docker:${d.component}`, name, {}, opts);
    const { runtime } = args;
    this.placement = d.placement;
    this.serviceId = d.id;
    const storage = declareNodeStorage(
      name,
      d,
      {
        host: args.host,
        runtime,
        toolsImage: args.toolsImage,
        declared: args.declared,
        sharedVolume: args.sharedVolume,
        imageOf: args.imageOf,
        sharedConfig: (shared) => {
          const owner = args.declared.get(shared.owner);
          if (!owner?.configVolume) throw new Error(`${d.id}: mounts the config of ${shared.owner}, which has no files that reload in place`);
          return [{ source: { volumeName: owner.configVolume }, target: shared.path, readOnly: shared.readOnly }];
        },
      },
      this,
    );
    this.dataVolume = storage.dataMount?.volume;
    this.dataMount = storage.dataMount;
    this.moreMounts = storage.moreMounts;
    const volumes: pulumi.Input<docker.types.input.ContainerVolume>[] = storage.mounts.map((m) => ({ ...m.source, containerPath: m.target, readOnly: m.readOnly }));
    const before: pulumi.Resource[] = [...args.dependsOn, ...storage.before];

    const reloadable = d.files.filter((f) => f.onChange === "reload");
    const liveDir = reloadDir(d, reloadable);
    if (liveDir) {
      const live = new docker.Volume(
        `${name}-config`,
        { name: `regstack-${runtime.stack}-${d.role}-config`, labels: [{ label: "io.regstack.stack", value: runtime.stack }] },
        { parent: this, provider: runtime.provider },
      );
      // Secret and plain files go in by separate installers: a container's upload list is one input,
      // secret as a whole once any file in it is, and a plain Caddyfile must stay readable in previews.
      // Secrets first, then the plain files (the Caddyfile last), so a reload never misses a file.
      const secrets = reloadable.filter((f) => f.secret);
      const plain = reloadable.filter((f) => !f.secret);
      const install = (suffix: string, files: readonly ServiceFile[], after: pulumi.Resource[], touch?: string) =>
        fileInstaller(`${name}-${suffix}`, runtime, { image: args.toolsImage, volume: live.name, mountPath: liveDir, files, touch, owner: d.user }, { parent: this, dependsOn: after });
      // The secret files alone may change (a new user): their installer then touches the watched file.
      const secretInstaller = secrets.length > 0 ? install("secret-writer", secrets, [], d.watchedFile) : undefined;
      this.installer = plain.length > 0 ? install("writer", plain, secretInstaller ? [secretInstaller] : []) : secretInstaller;
      volumes.push({ volumeName: live.name, containerPath: liveDir, readOnly: true });
      this.configVolume = live.name;
      before.push(...[secretInstaller, this.installer].filter((r): r is docker.Container => r !== undefined));
    }

    const uploads = d.files
      .filter((f) => f.onChange === "restart")
      .map((f) => ({ file: f.path, content: f.secret ? pulumi.secret(f.content) : f.content, permissions: f.mode }));
    const envs: pulumi.Input<string>[] = [
      ...Object.entries(d.env).map(([k, v]) => `${k}=${v}`),
      ...Object.entries(d.secretEnv).map(([k, v]) => pulumi.secret(pulumi.interpolate`${k}=${v}`)),
    ];
    this.container = serviceContainer(
      `${name}-container`,
      runtime,
      {
        role: d.role,
        image: args.image,
        networks: args.networks,
        limits: args.limits,
        command: d.command,
        envs,
        user: d.user,
        // Docker puts files that restart the service into its root (uploads), which must be writable then.
        readOnly: d.readOnlyRoot && uploads.length === 0,
        tmpfs: Object.fromEntries(d.scratch.map((s) => [s.path, `rw,size=${s.sizeMb}m,mode=${s.mode}${s.uid !== undefined ? `,uid=${s.uid}` : ""}`])),
        capabilities: d.capabilities === undefined ? undefined : { drops: ["ALL"], ...(d.capabilities.length > 0 ? { adds: [...d.capabilities] } : {}) },
        ports: d.ports.filter((p) => p.published).map((p) => ({ internal: p.port, external: p.port })),
        uploads,
        volumes,
        healthcheck: healthcheckOf(d.probe),
      },
      { parent: this, dependsOn: before },
    );
    this.ready = this.container;
    this.registerOutputs({ container: this.container.name });
  }
}
