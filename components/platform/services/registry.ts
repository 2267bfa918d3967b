/** The private registry: distribution on retained filesystem storage, behind the edge. */
import { PlatformSpec, Secret } from "../../config/types";
import { KeepPolicy, ServiceDescription } from "../description";
import { internalAddresses, internalNames } from "../topology";
import { distributionService } from "./distribution";

export interface RegistryServiceArgs {
  readonly spec: PlatformSpec;
  readonly placement: string;
  readonly httpSecret: Secret;
  /** The Redis cache's password, when Redis is on. */
  readonly redisPassword?: Secret;
  readonly keep: KeepPolicy;
}

export function registryService(args: RegistryServiceArgs): ServiceDescription {
  const { spec } = args;
  return distributionService({
    id: internalNames.registry,
    component: "Registry",
    placement: args.placement,
    version: spec.registry.version,
    config: {
      instance: internalNames.registry,
      logLevel: spec.registry.logLevel,
      deleteEnabled: spec.registry.deleteEnabled,
      redis: args.redisPassword ? { address: internalAddresses.redis } : undefined,
      notifications: spec.notifications,
    },
    httpSecret: args.httpSecret,
    redisPassword: args.redisPassword,
    keep: args.keep,
    resources: "registry",
    dependsOn: args.redisPassword ? [internalNames.redis] : [],
    connectsTo: args.redisPassword ? [internalNames.redis] : [],
  });
}
