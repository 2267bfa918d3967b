/** What the registry and every pull-through cache share: one distribution instance's description. */
import { RegistryMajor, Secret } from "../../config/types";
import { ImageRole } from "../../images";
import { registryPaths } from "../../render/paths";
import { RegistryConfigInput, registrySecretEnv, renderRegistryConfig } from "../../render/registry";
import { KeepPolicy, ServiceDescription } from "../description";

/**
 * The unprivileged user distribution runs as; its data directory is handed to it first. A dedicated
 * uid, not 1000: that is usually a host's first real user, who would then own the registry's data on a
 * host path (a NAS share). Data an older version left as 1000 is handed over once.
 */
export const REGISTRY_USER = "10500:10500";

export interface DistributionArgs {
  readonly id: string;
  readonly component: "Registry" | "Mirror";
  readonly placement: string;
  readonly version: RegistryMajor;
  /** Everything config.yml is rendered from (no secret is in it). */
  readonly config: Omit<RegistryConfigInput, "version">;
  readonly httpSecret: Secret;
  readonly redisPassword?: Secret;
  readonly proxyPassword?: Secret;
  readonly keep: KeepPolicy;
  readonly resources: "registry" | "mirror";
  readonly dependsOn: readonly string[];
  /** Ids of the services it connects to (Redis). */
  readonly connectsTo: readonly string[];
}

export function distributionService(args: DistributionArgs): ServiceDescription {
  const image: ImageRole = args.version === "3" ? "registry3" : "registry28";
  const secretEnv: Record<string, Secret> = { [registrySecretEnv.httpSecret]: args.httpSecret };
  if (args.redisPassword) secretEnv[registrySecretEnv.redisPassword] = args.redisPassword;
  if (args.proxyPassword) secretEnv[registrySecretEnv.proxyPassword] = args.proxyPassword;
  return {
    id: args.id,
    role: args.id,
    component: args.component,
    placement: args.placement,
    image,
    aliases: [args.id],
    // 3.x exports OpenTelemetry traces to localhost:4318 unless told not to.
    env: args.version === "3" ? { OTEL_TRACES_EXPORTER: "none" } : {},
    secretEnv,
    files: [
      { path: registryPaths.configFile(args.version), content: renderRegistryConfig({ ...args.config, version: args.version }), secret: false, onChange: "restart", mode: "0444" },
    ],
    data: { path: registryPaths.dataDir, name: args.id, keep: args.keep, owner: REGISTRY_USER, size: args.component === "Registry" ? "images" : "cache" },
    scratch: [],
    ports: [
      { name: "http", port: registryPaths.port, published: false },
      { name: "debug", port: registryPaths.debugPort, published: false },
    ],
    probe: { kind: "http", port: registryPaths.debugPort, path: "/debug/health" },
    user: REGISTRY_USER,
    capabilities: [],
    readOnlyRoot: true,
    // Two registries on one filesystem storage: the cache's expiry state and uploads are not shared safely.
    overlapOnUpdate: false,
    resources: args.resources,
    dependsOn: args.dependsOn,
    connectsTo: args.connectsTo,
  };
}
