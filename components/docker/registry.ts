import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { registryPaths, serviceNames } from "../render/paths";
import { NotificationEndpoint } from "../spec/types";
import { declareDistribution, DistributionBase } from "./distribution";

export interface RegistryArgs extends DistributionBase {
  readonly deleteEnabled: boolean;
  /** Origins allowed by CORS (the UI). */
  readonly corsOrigins: readonly string[];
  readonly notifications: readonly NotificationEndpoint[];
  /**
   * The htpasswd volume (mounted read-only at /auth) and the job that writes it, when the registry
   * checks users itself; it must never start without the file. Undefined behind the edge.
   */
  readonly htpasswd?: { readonly volume: pulumi.Input<string>; readonly writer: pulumi.Resource };
  /** Published port; undefined behind the edge (only the platform network reaches it). */
  readonly publishedPort?: number;
  /** Redis blob-descriptor cache, when enabled. */
  readonly redis?: { readonly address: string; readonly password: pulumi.Input<string>; readonly container: pulumi.Resource };
}

/** The private registry: distribution with htpasswd users, filesystem storage on retained data. */
export class Registry extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly dataVolume?: docker.Volume;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Registry", name, {}, opts);
    const server = declareDistribution(
      name,
      {
        role: "registry",
        host: args.host,
        runtime: args.runtime,
        version: args.version,
        image: args.image,
        toolsImage: args.toolsImage,
        limits: args.limits,
        publishedPort: args.publishedPort,
        aliases: [serviceNames.registry],
        dataDir: "registry",
        data: args.data,
        config: {
          instance: "registry",
          logLevel: args.logLevel,
          deleteEnabled: args.deleteEnabled,
          htpasswd: args.htpasswd ? { realm: "regstack", path: registryPaths.htpasswdFile } : undefined,
          // Behind the edge: Location headers relative, right for every name the edge answers to.
          relativeUrls: args.htpasswd === undefined,
          corsOrigins: args.corsOrigins,
          redis: args.redis ? { address: args.redis.address } : undefined,
          notifications: args.notifications,
        },
        secrets: { redisPassword: args.redis?.password },
        extraVolumes: args.htpasswd ? [{ volumeName: args.htpasswd.volume, containerPath: registryPaths.authDir, readOnly: true }] : [],
        dependsOn: [...(args.htpasswd ? [args.htpasswd.writer] : []), ...(args.redis ? [args.redis.container] : [])],
      },
      this,
    );
    this.container = server.container;
    this.dataVolume = server.dataVolume;
    this.registerOutputs({ container: this.container.name });
  }
}
