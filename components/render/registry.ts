import { LogLevel, NotificationEndpoint, RegistryMajor } from "../config/types";
import { registryPaths } from "./paths";
import { toYaml } from "./yaml";

/** Everything one distribution instance's config.yml is rendered from. */
export interface RegistryConfigInput {
  readonly version: RegistryMajor;
  /** Instance name, logged with every line ("registry", "mirror-dockerhub"). */
  readonly instance: string;
  readonly logLevel: LogLevel;
  readonly deleteEnabled: boolean;
  /** Redis blob-descriptor cache (its password comes from REGISTRY_REDIS_PASSWORD); undefined: no cache. */
  readonly redis?: { readonly address: string };
  /** Pull-through cache of one upstream (a password comes from REGISTRY_PROXY_PASSWORD). */
  readonly proxy?: { readonly remoteUrl: string; readonly username?: string; readonly ttl?: string };
  readonly notifications: readonly NotificationEndpoint[];
  /** The hosts its API and debug listeners bind ("" for every interface; see registryListeners). */
  readonly listen: { readonly api: string; readonly debug: string };
}

/** The secret settings distribution reads from its environment, so config.yml holds no secret. */
export const registrySecretEnv = {
  /** `http.secret`: signs upload state; the same across restarts and replicas. */
  httpSecret: "REGISTRY_HTTP_SECRET",
  redisPassword: "REGISTRY_REDIS_PASSWORD",
  proxyPassword: "REGISTRY_PROXY_PASSWORD",
} as const;

/**
 * distribution's config.yml for the chosen major version (3.x and 2.8 differ in redis and proxy keys).
 * No secret is in it: see registrySecretEnv. Behind the edge it checks no passwords and answers with
 * relative Location headers, right for every name the edge answers to.
 */
export function renderRegistryConfig(input: RegistryConfigInput): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: {
      level: input.logLevel,
      formatter: "text",
      fields: { service: "registry", instance: input.instance },
    },
    storage: {
      filesystem: { rootdirectory: registryPaths.dataDir },
      delete: { enabled: input.deleteEnabled },
      // No in-memory cache: GC and restore change storage underneath a running registry, and only a
      // Redis cache can be flushed from outside (field notes: a stale entry answers HEAD 200, GET 0 bytes).
      ...(input.redis ? { cache: { blobdescriptor: "redis" } } : {}),
      maintenance: {
        uploadpurging: { enabled: true, age: "168h", interval: "24h", dryrun: false },
        readonly: { enabled: false },
      },
    },
    http: {
      addr: `${input.listen.api}:${registryPaths.port}`,
      relativeurls: true,
      // No CORS grant: the UI proxies /v2 itself, so no browser origin needs one.
      headers: { "X-Content-Type-Options": ["nosniff"] },
      debug: {
        addr: `${input.listen.debug}:${registryPaths.debugPort}`,
        prometheus: { enabled: true, path: "/metrics" },
      },
      draintimeout: "60s",
    },
    health: {
      storagedriver: { enabled: true, interval: "10s", threshold: 3 },
    },
  };
  if (input.redis) config.redis = redisSection(input.version, input.redis);
  if (input.proxy) config.proxy = proxySection(input.version, input.proxy);
  if (input.notifications.length > 0) config.notifications = notificationsSection(input.notifications);
  return toYaml(config);
}

function redisSection(version: RegistryMajor, redis: { address: string }): Record<string, unknown> {
  if (version === "3") {
    // go-redis options; a 2.8-style `addr` would be silently ignored by 3.x.
    return { addrs: [redis.address], db: 0, dialtimeout: "100ms", readtimeout: "100ms", writetimeout: "100ms", poolsize: 16 };
  }
  return {
    addr: redis.address,
    db: 0,
    dialtimeout: "100ms",
    readtimeout: "100ms",
    writetimeout: "100ms",
    pool: { maxidle: 16, maxactive: 64, idletimeout: "300s" },
  };
}

function proxySection(version: RegistryMajor, proxy: NonNullable<RegistryConfigInput["proxy"]>): Record<string, unknown> {
  const section: Record<string, unknown> = { remoteurl: proxy.remoteUrl };
  if (proxy.username !== undefined) section.username = proxy.username;
  if (proxy.ttl !== undefined && version === "3") section.ttl = proxy.ttl;
  return section;
}

function notificationsSection(endpoints: readonly NotificationEndpoint[]): Record<string, unknown> {
  return {
    events: { includereferences: true },
    endpoints: endpoints.map((e) => ({
      name: e.name,
      url: e.url,
      headers: Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, [v]])),
      timeout: e.timeout,
      threshold: e.threshold,
      backoff: e.backoff,
      ...(e.ignoredMediaTypes.length > 0 ? { ignoredmediatypes: [...e.ignoredMediaTypes] } : {}),
    })),
  };
}
