/** Redis as the registry's blob-descriptor cache: LRU, bounded, no persistence, never published. */
import { PlatformSpec, Secret } from "../../config/types";
import { redisPaths } from "../../render/paths";
import { renderRedisAuth, renderRedisConfig } from "../../render/redis";
import { ServiceDescription } from "../description";
import { internalNames } from "../topology";

/** The redis image's own user (uid 999), with the platform's group. */
const REDIS_USER = "999:1000";

export function redisService(spec: PlatformSpec, placement: string, password: Secret): ServiceDescription {
  return {
    id: internalNames.redis,
    role: internalNames.redis,
    component: "RedisCache",
    placement,
    image: "redis",
    aliases: [internalNames.redis],
    command: ["redis-server", redisPaths.configFile],
    env: {},
    // redis-cli reads REDISCLI_AUTH: the probe passes no password on a command line.
    secretEnv: { REDISCLI_AUTH: password },
    files: [
      { path: redisPaths.configFile, content: renderRedisConfig({ maxMemoryMb: spec.redis.maxMemoryMb }), secret: false, onChange: "restart", mode: "0444" },
      { path: redisPaths.authFile, content: password.apply(renderRedisAuth), secret: true, onChange: "restart", mode: "0444" },
    ],
    scratch: [{ path: "/data", sizeMb: 16, mode: "0700", uid: 999 }],
    ports: [{ name: "redis", port: redisPaths.port, published: false }],
    probe: { kind: "exec", command: "redis-cli ping | grep -q PONG" },
    user: REDIS_USER,
    capabilities: [],
    readOnlyRoot: true,
    // A cache with nothing on disk: a new instance starts empty either way.
    overlapOnUpdate: true,
    resources: "redis",
    dependsOn: [],
    connectsTo: [],
  };
}
