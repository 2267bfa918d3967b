import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { registryPaths } from "../components/render/paths";
import { freePort, startProcess, waitForHttp } from "./process";
import { RenderedStack } from "./rendered";

export interface RunningRegistry {
  readonly port: number;
  readonly dataDir: string;
  readonly htpasswd?: string;
  stop(): Promise<void>;
  output(): string;
}

/**
 * Runs Debian's docker-registry (2.8) from the registry config a stack rendered: container paths mapped
 * into `work`, listeners on free loopback ports, the Redis cache left out (not part of these checks).
 */
export async function startRegistry(rendered: RenderedStack, work: string): Promise<RunningRegistry> {
  const configFile = rendered.file("regstack-registry-container", registryPaths.configFile("2.8"));
  if (!existsSync(configFile)) throw new Error("render the stack with regstack:registry.version 2.8 (Debian ships 2.8)");
  const config = parse(readFileSync(configFile, "utf8"));
  const dataDir = path.join(work, "registry-data");
  mkdirSync(dataDir, { recursive: true });
  config.storage.filesystem.rootdirectory = dataDir;
  config.storage.cache = { blobdescriptor: "inmemory" };
  delete config.redis;
  let htpasswd: string | undefined;
  if (config.auth?.htpasswd) {
    htpasswd = path.join(work, "htpasswd");
    copyFileSync(rendered.file("regstack-users-writer", "/staging/htpasswd"), htpasswd);
    config.auth.htpasswd.path = htpasswd;
  }
  const port = await freePort();
  const debugPort = await freePort();
  config.http.addr = `127.0.0.1:${port}`;
  config.http.debug.addr = `127.0.0.1:${debugPort}`;
  const runConfig = path.join(work, "registry-config.yml");
  writeFileSync(runConfig, stringify(config));
  const proc = startProcess("docker-registry", ["serve", runConfig]);
  await waitForHttp(`http://127.0.0.1:${debugPort}/debug/health`).catch((err) => {
    throw new Error(`${err}\n${proc.output()}`);
  });
  return { port, dataDir, htpasswd, stop: proc.stop, output: proc.output };
}
