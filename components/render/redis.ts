import { redisPaths } from "./paths";
import { header } from "./yaml";

export interface RedisConfigInput {
  readonly maxMemoryMb: number;
}

/** redis.conf for a pure cache: bounded memory, LRU eviction, no persistence. Its password is in the included auth file. */
export function renderRedisConfig(input: RedisConfigInput): string {
  return [
    header().trimEnd(),
    "bind 0.0.0.0",
    `port ${redisPaths.port}`,
    "protected-mode yes",
    `include ${redisPaths.authFile}`,
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

/** The secret part of Redis's config: its password (a separate, secret file). */
export function renderRedisAuth(password: string): string {
  return `requirepass ${password}\n`;
}
