/** What the registry and every pull-through cache share: one distribution instance's description. */
import * as pulumi from "@pulumi/pulumi";
import { RegistryMajor, Secret } from "../../config/types";
import { ImageRole } from "../../images";
import { registryPaths } from "../../render/paths";
import { RegistryConfigInput, registrySecretEnv, renderRegistryConfig } from "../../render/registry";
import { KeepPolicy, ServiceDescription } from "../description";
import { RegistryListeners } from "../topology";

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
  /** Everything config.yml is rendered from (no secret is in it but `secretHeaders`). */
  readonly config: Omit<RegistryConfigInput, "version" | "listen">;
  /** Where its listeners bind, and who reaches the debug one (registryListeners). */
  readonly listeners: RegistryListeners;
  /**
   * Notification headers that are secret (a receiver's `Authorization`), by endpoint name: distribution
   * reads endpoints from its config file only, so with any of them the file is a secret file.
   */
  readonly secretHeaders?: Readonly<Record<string, Readonly<Record<string, Secret>>>>;
  readonly httpSecret: Secret;
  readonly redisPassword?: Secret;
  readonly proxyPassword?: Secret;
  readonly keep: KeepPolicy;
  readonly resources: "registry" | "mirror";
  readonly dependsOn: readonly string[];
  /** Ids of the services it connects to (Redis). */
  readonly connectsTo: readonly string[];
}

/** config.yml, plain unless a notification header is secret (then the headers are merged in, secret). */
function configFileOf(args: DistributionArgs): { content: pulumi.Input<string>; secret: boolean } {
  const input: RegistryConfigInput = { ...args.config, version: args.version, listen: { api: args.listeners.api, debug: args.listeners.debug } };
  const secretHeaders = Object.entries(args.secretHeaders ?? {}).filter(([, headers]) => Object.keys(headers).length > 0);
  if (secretHeaders.length === 0) return { content: renderRegistryConfig(input), secret: false };
  const resolved = pulumi.all(secretHeaders.map(([endpoint, headers]) => pulumi.all(headers as Record<string, Secret>).apply((h) => [endpoint, h] as const)));
  const content = resolved.apply((pairs) => {
    const byEndpoint = new Map(pairs);
    return renderRegistryConfig({ ...input, notifications: input.notifications.map((e) => ({ ...e, headers: { ...e.headers, ...(byEndpoint.get(e.name) ?? {}) } })) });
  });
  return { content: pulumi.secret(content), secret: true };
}

export function distributionService(args: DistributionArgs): ServiceDescription {
  const image: ImageRole = args.version === "3" ? "registry3" : "registry28";
  const { listeners } = args;
  const config = configFileOf(args);
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
      { path: registryPaths.configFile(args.version), content: config.content, secret: config.secret, onChange: "restart", mode: "0444" },
    ],
    data: { path: registryPaths.dataDir, name: args.id, keep: args.keep, owner: REGISTRY_USER, size: args.component === "Registry" ? "images" : "cache" },
    scratch: [],
    ports: [
      { name: "http", port: registryPaths.port, published: false, ...bindOf(listeners.api) },
      { name: "debug", port: registryPaths.debugPort, published: false, audience: listeners.debugAudience, ...bindOf(listeners.debug) },
    ],
    probe: { kind: "http", port: registryPaths.debugPort, path: "/debug/health", ...(listeners.debug ? { host: listeners.debug } : {}) },
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

/** A port's bind host, when it is not every interface. */
function bindOf(host: string): { bind?: string } {
  return host ? { bind: host } : {};
}
