import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { serviceNames } from "../render/paths";
import { MirrorSpec } from "../spec/types";
import { declareDistribution, DistributionBase } from "./distribution";

export interface MirrorArgs extends DistributionBase {
  readonly mirror: MirrorSpec;
  /** Publish the cache's own port (no edge); behind the edge only the network reaches it. */
  readonly publish: boolean;
}

/**
 * A pull-through cache of one upstream (distribution proxies a single upstream per instance), with its
 * own cache volume. Pushes are refused by distribution in proxy mode; pulls need no login.
 */
export class Mirror extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly cacheVolume?: docker.Volume;

  constructor(name: string, args: MirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Mirror", name, {}, opts);
    const m = args.mirror;
    const server = declareDistribution(
      name,
      {
        role: serviceNames.mirror(m.name),
        host: args.host,
        runtime: args.runtime,
        version: args.version,
        image: args.image,
        toolsImage: args.toolsImage,
        limits: args.limits,
        publishedPort: args.publish ? m.port : undefined,
        aliases: [serviceNames.mirror(m.name)],
        dataDir: serviceNames.mirror(m.name),
        data: args.data,
        config: {
          instance: serviceNames.mirror(m.name),
          logLevel: args.logLevel,
          deleteEnabled: false,
          corsOrigins: [],
          notifications: [],
          proxy: { remoteUrl: m.upstream, username: m.username, ttl: m.ttl },
        },
        secrets: { proxyPassword: m.password },
      },
      this,
    );
    this.container = server.container;
    this.cacheVolume = server.dataVolume;
    this.registerOutputs({ container: this.container.name });
  }
}
