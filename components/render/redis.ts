import { redisPaths } from "./paths";
import { header } from "./yaml";

export interface RedisConfigInput {
  readonly maxMemoryMb: number;
  readonly password: string;
}

/** redis.conf for a pure cache: bounded memory, LRU eviction, no persistence. */
export function renderRedisConfig(input: RedisConfigInput): string {
  return [
    header().trimEnd(),
    "bind 0.0.0.0",
    `port ${redisPaths.port}`,
    "protected-mode yes",
    `requirepass ${input.password}`,
    `maxmemory ${input.maxMemoryMb}mb`,
    "maxmemory-policy allkeys-lru",
    'save ""',
    "appendonly no",
    "databases 1",
    "loglevel notice",
    'logfile ""',
    "",
  ].join("\n");
}
