/**
 * A pull-through cache of one upstream (distribution proxies a single upstream per instance), with
 * its own cache data. Distribution refuses pushes in proxy mode; the edge refuses them first.
 */
import { MirrorSpec, PlatformSpec, Secret } from "../../config/types";
import { KeepPolicy, ServiceDescription } from "../description";
import { internalNames, registryListeners } from "../topology";
import { distributionService } from "./distribution";

export interface MirrorServiceArgs {
  readonly spec: PlatformSpec;
  readonly mirror: MirrorSpec;
  readonly placement: string;
  readonly httpSecret: Secret;
  readonly keep: KeepPolicy;
}

export function mirrorService(args: MirrorServiceArgs): ServiceDescription {
  const m = args.mirror;
  const id = internalNames.mirror(m.name);
  return distributionService({
    id,
    component: "Mirror",
    placement: args.placement,
    version: args.spec.registry.version,
    config: {
      instance: id,
      logLevel: args.spec.registry.logLevel,
      deleteEnabled: false,
      notifications: [],
      proxy: { remoteUrl: m.upstream, username: m.username, ttl: m.ttl },
    },
    listeners: registryListeners(args.spec, id),
    httpSecret: args.httpSecret,
    proxyPassword: m.password,
    keep: args.keep,
    resources: "mirror",
    dependsOn: [],
    connectsTo: [],
  });
}
