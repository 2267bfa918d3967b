import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import * as path from "path";
import { edgePaths, registryPaths, serviceNames } from "../components/render/paths";
import { freePort, runTool, startProcess, waitForHttp } from "./process";
import { RenderedStack } from "./rendered";

export interface RunningEdge {
  /** Loopback port for each port the rendered Caddyfile listens on. */
  readonly ports: ReadonlyMap<number, number>;
  /** The CA file clients trust (root.crt of internal mode, or the supplied/generated CA). */
  readonly caFile: string;
  /** Replace the live Caddyfile (as the writer job does); Caddy's --watch reloads it. */
  reload(caddyfile: string): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

/** The edge's writer job stages its files here; its live directory is where Caddy reads them. */
export function edgeResource(rendered: RenderedStack): string {
  const found = readdirSync(rendered.dir).find((d) => d.endsWith("-edge-writer"));
  if (!found) throw new Error("the stack has no edge (regstack:tls.mode off?)");
  return found;
}

/**
 * A Caddyfile made runnable on this machine: the live directory mapped into `live`, listen ports and
 * the metrics port moved to free loopback ports, and upstreams pointed at local processes.
 */
export function localCaddyfile(text: string, live: string, ports: ReadonlyMap<number, number>, metricsPort: number, upstreams: ReadonlyMap<string, string>): string {
  let out = text.split(`${edgePaths.liveDir}/`).join(`${live}/`);
  out = out.replace(`http://:${edgePaths.metricsPort}`, `http://127.0.0.1:${metricsPort}`);
  for (const [from, to] of upstreams) out = out.split(`reverse_proxy ${from} `).join(`reverse_proxy ${to} `);
  // Only site addresses (lines of https://name:port, ...) carry listen ports.
  return out
    .split("\n")
    .map((line) => (line.startsWith("https://") ? line.replace(/:(\d+)(?=,| \{)/g, (_match, p: string) => `:${ports.get(Number(p)) ?? p}`) : line))
    .join("\n");
}

/** Runs Debian's caddy from the edge files a stack rendered, in front of a local registry. */
export async function startEdge(rendered: RenderedStack, work: string, registryPort: number): Promise<RunningEdge> {
  const resource = edgeResource(rendered);
  const staging = path.join(rendered.dir, resource, "staging");
  const live = path.join(work, "edge-live");
  mkdirSync(live, { recursive: true });
  for (const f of readdirSync(staging)) if (f !== "Caddyfile") copyFileSync(path.join(staging, f), path.join(live, f));
  const original = readFileSync(path.join(staging, "Caddyfile"), "utf8");
  const listen = [...new Set([...original.matchAll(/https:\/\/[^\s,{]+:(\d+)/g)].map((m) => Number(m[1])))];
  const ports = new Map<number, number>();
  for (const p of listen) ports.set(p, await freePort());
  const metricsPort = await freePort();
  const upstreams = new Map([[`${serviceNames.registry}:${registryPaths.port}`, `127.0.0.1:${registryPort}`]]);
  const rewrite = (text: string) => localCaddyfile(text, live, ports, metricsPort, upstreams);
  const caddyfile = path.join(live, "Caddyfile");
  writeFileSync(caddyfile, rewrite(original));
  const check = runTool("caddy", ["validate", "--config", caddyfile, "--adapter", "caddyfile"]);
  if (check.status !== 0) throw new Error(`caddy validate failed:\n${check.stderr}`);
  const state = path.join(work, "edge-state");
  mkdirSync(state, { recursive: true });
  // Caddy keeps its CA's intermediate and issued leaves under XDG_DATA_HOME: one per run.
  const proc = startProcess("caddy", ["run", "--config", caddyfile, "--adapter", "caddyfile", "--watch"], { XDG_DATA_HOME: state, XDG_CONFIG_HOME: state });
  await waitForHttp(`http://127.0.0.1:${metricsPort}/metrics`).catch((err) => {
    throw new Error(`${err}\n${proc.output()}`);
  });
  const caFile = path.join(live, readdirSync(live).includes("root.crt") ? "root.crt" : "server.crt");
  return {
    ports,
    caFile,
    async reload(text: string) {
      const next = `${caddyfile}.new`;
      writeFileSync(next, rewrite(text));
      const before = proc.output().length;
      renameSync(next, caddyfile);
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline) {
        const since = proc.output().slice(before);
        if (since.includes("config file changed; reloading") && since.includes('"server running"')) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`caddy did not reload:\n${proc.output().slice(before)}`);
    },
    stop: proc.stop,
    output: proc.output,
  };
}
