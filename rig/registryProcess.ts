import { randomBytes } from "crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { registryPaths } from "../components/render/paths";
import { freePort, startProcess, waitForHttp } from "./process";
import { RenderedStack } from "./rendered";

export interface RunningRegistry {
  readonly port: number;
  /** Its debug listener (/metrics, /debug/health). */
  readonly debugPort: number;
  readonly dataDir: string;
  /** The registry process's id (its memory is read from /proc). */
  readonly pid: number;
  stop(): Promise<void>;
  output(): string;
}

/** A Redis the registry's blob-descriptor cache uses instead of being left out. */
export interface RigRedis {
  /** host:port. */
  readonly address: string;
  readonly password: string;
}

/**
 * Runs Debian's docker-registry (2.8) from the registry config a stack rendered: container paths mapped
 * into `work`, listeners on free loopback ports, the Redis cache left out (not part of these checks)
 * unless `redis` is given.
 */
export async function startRegistry(rendered: RenderedStack, work: string, existingData?: string, redis?: RigRedis): Promise<RunningRegistry> {
  const configFile = rendered.file("registry", registryPaths.configFile("2.8"));
  if (!existsSync(configFile)) throw new Error("render the stack with regstack:registry.version 2.8 (Debian ships 2.8)");
  const config = parse(readFileSync(configFile, "utf8"));
  const dataDir = existingData ?? path.join(work, "registry-data");
  mkdirSync(dataDir, { recursive: true });
  config.storage.filesystem.rootdirectory = dataDir;
  if (redis) {
    config.redis.addr = redis.address;
  } else {
    // As rendered without Redis: no blob-descriptor cache, so storage changed by GC or restore shows at once.
    delete config.storage.cache;
    delete config.redis;
  }
  const port = await freePort();
  const debugPort = await freePort();
  config.http.addr = `127.0.0.1:${port}`;
  config.http.debug.addr = `127.0.0.1:${debugPort}`;
  mkdirSync(work, { recursive: true });
  const runConfig = path.join(work, `registry-config-${port}.yml`);
  writeFileSync(runConfig, stringify(config));
  // The http secret travels as env, as the Docker target passes it.
  const env: Record<string, string> = { REGISTRY_HTTP_SECRET: randomBytes(24).toString("hex"), ...(redis ? { REGISTRY_REDIS_PASSWORD: redis.password } : {}) };
  const proc = startProcess("docker-registry", ["serve", runConfig], env);
  await waitForHttp(`http://127.0.0.1:${debugPort}/debug/health`).catch((err) => {
    throw new Error(`${err}\n${proc.output()}`);
  });
  return { port, debugPort, dataDir, pid: proc.child.pid!, stop: proc.stop, output: proc.output };
}
