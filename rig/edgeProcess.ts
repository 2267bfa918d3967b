import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from "fs";
import * as path from "path";
import { internalAddresses } from "../components/platform/topology";
import { edgePaths, guardPaths, jobPaths } from "../components/render/paths";
import { SECRETS_DIR } from "../offline/render";
import { freePort, rssMibOf, runTool, startProcess, waitForHttp } from "./process";
import { RenderedStack } from "./rendered";

export interface RunningEdge {
  /** Loopback port for each port the rendered Caddyfile listens on. */
  readonly ports: ReadonlyMap<number, number>;
  /** Loopback port of its internal metrics listener. */
  readonly metricsPort: number;
  /** Where this edge writes its access log, and reads the addresses a guard blocked. */
  readonly guardDirs: { readonly log: string; readonly blocked: string };
  /** The CA file clients trust (root.crt of internal mode, or the supplied/generated chain); none on a plain-HTTP edge. */
  readonly caFile?: string;
  /** Replace the live Caddyfile (as the installer does); Caddy's --watch reloads it. */
  reload(caddyfile: string): Promise<void>;
  /** Replace other live files (the names and users files) by rename, then renew the Caddyfile once, as the installer does. */
  replaceFiles(files: Readonly<Record<string, string>>): Promise<void>;
  /** Whether the caddy process is still the one started. */
  running(): boolean;
  /** The caddy process's resident memory, in MiB (from /proc). */
  rssMib(): number;
  /** The caddy process's id. */
  readonly pid: number;
  /** The CPU time (user and system) the caddy process has used, in seconds (from /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
  output(): string;
}

/** The rendered live directory of an edge ("edge", or "edge-<node>" for another node's edge): its plain files. */
export function edgeLiveDir(rendered: RenderedStack, service = "edge"): string {
  const dir = path.join(rendered.dir, service, edgePaths.liveDir);
  if (!existsSync(dir)) throw new Error(`the stack rendered no ${service} service`);
  return dir;
}

/** The edge's secret files (users file, private keys), rendered apart from its configuration. */
export function edgeSecretDir(rendered: RenderedStack, service = "edge"): string {
  return path.join(rendered.dir, SECRETS_DIR, service, edgePaths.liveDir);
}

/** Every file of an edge's live directory, plain and secret: name → path on disk. */
export function edgeLiveFiles(rendered: RenderedStack, service = "edge"): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of [edgeLiveDir(rendered, service), edgeSecretDir(rendered, service)]) {
    if (existsSync(dir)) for (const f of readdirSync(dir)) files.set(f, path.join(dir, f));
  }
  return files;
}

/**
 * A Caddyfile made runnable on this machine: the live directory mapped into `live`, listen ports and
 * the metrics port moved to free loopback ports, and upstreams pointed at local processes.
 */
export function localCaddyfile(text: string, live: string, ports: ReadonlyMap<number, number>, metricsPort: number, upstreams: ReadonlyMap<string, string>): string {
  let out = text.split(`${edgePaths.liveDir}/`).join(`${live}/`);
  // Any host name, as rendered (a metrics site's proxy passes its own), on loopback only.
  out = out.replace(`http://:${edgePaths.metricsPort} {`, `http://:${metricsPort} {\n\tbind 127.0.0.1`);
  // A metrics site reads the edge's own listener inside its container.
  out = out.split(`reverse_proxy localhost:${edgePaths.metricsPort} `).join(`reverse_proxy 127.0.0.1:${metricsPort} `);
  for (const [from, to] of upstreams) {
    out = out.split(`reverse_proxy ${from} `).join(`reverse_proxy ${to} `);
    // A proxy for some paths only (the UI site's /v2/* to the registry).
    out = out.split(`reverse_proxy /v2/* ${from} `).join(`reverse_proxy /v2/* ${to} `);
  }
  // Only site addresses (lines of https://name:port, ... or http://:port) carry listen ports.
  return out
    .split("\n")
    .map((line) => {
      if (line.startsWith("http://:") && line.endsWith(" {")) {
        const port = Number(/^http:\/\/:(\d+)/.exec(line)![1]);
        return port === metricsPort ? line : `http://127.0.0.1:${ports.get(port) ?? port} {`;
      }
      return line.startsWith("https://") ? line.replace(/:(\d+)(?=,| \{)/g, (_match, p: string) => `:${ports.get(Number(p)) ?? p}`) : line;
    })
    .join("\n");
}

/** The ports a Caddyfile's sites listen on (TLS names with ports, or plain http://:port), not the metrics port. */
export function listenPorts(caddyfile: string): number[] {
  const tls = [...caddyfile.matchAll(/https:\/\/[^\s,{]+:(\d+)/g)].map((m) => Number(m[1]));
  const plain = [...caddyfile.matchAll(/^http:\/\/:(\d+) \{$/gm)].map((m) => Number(m[1])).filter((p) => p !== edgePaths.metricsPort);
  return [...new Set([...tls, ...plain])];
}

/** Runs Debian's caddy from the edge files a stack rendered, in front of a local registry. */
export async function startEdge(
  rendered: RenderedStack,
  work: string,
  registryPort: number,
  options: {
    maintenanceDir?: string;
    /** Listen on the rendered ports themselves (clients use the rendered addresses). */
    samePorts?: boolean;
    /** The edge service to run ("edge", or "edge-<node>" for another node's edge). */
    service?: string;
    /** Upstreams (host:port as rendered) pointed at local addresses first, before the registry stands in for the rest. */
    upstreams?: ReadonlyMap<string, string>;
  } = {},
): Promise<RunningEdge> {
  const service = options.service ?? "edge";
  const live = path.join(work, "edge-live");
  mkdirSync(live, { recursive: true });
  for (const [name, file] of edgeLiveFiles(rendered, service)) if (name !== "Caddyfile") copyFileSync(file, path.join(live, name));
  const original = readFileSync(path.join(edgeLiveDir(rendered, service), "Caddyfile"), "utf8");
  const listen = listenPorts(original);
  const ports = new Map<number, number>();
  for (const p of listen) ports.set(p, options.samePorts ? p : await freePort());
  const metricsPort = await freePort();
  // The local registry stands in for the registry and for every cache behind the edge.
  const caches = [...original.matchAll(/reverse_proxy (mirror-[a-z0-9-]+:\d+) /g)].map((m) => m[1]);
  const upstreams = new Map([...(options.upstreams ?? []), ...[internalAddresses.registry, ...caches].filter((u) => !options.upstreams?.has(u)).map((u): [string, string] => [u, `127.0.0.1:${registryPort}`])]);
  // The access log a failed-login guard follows, and the addresses it blocks: directories of this run.
  const guardDirs = { log: path.join(work, "edge-log"), blocked: path.join(work, "guard") };
  mkdirSync(guardDirs.log, { recursive: true });
  mkdirSync(guardDirs.blocked, { recursive: true });
  const rewrite = (text: string) => {
    const local = localCaddyfile(text, live, ports, metricsPort, upstreams)
      .split(`${guardPaths.logDir}/`)
      .join(`${guardDirs.log}/`)
      .split(`root ${guardPaths.blockedDir}`)
      .join(`root ${guardDirs.blocked}`);
    // The maintenance volume the scheduler shares with the edge (the freeze flag).
    return options.maintenanceDir ? local.split(`root ${jobPaths.maintenanceDir}`).join(`root ${options.maintenanceDir}`) : local;
  };
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
  const files = readdirSync(live);
  const caFile = files.includes("root.crt") ? path.join(live, "root.crt") : files.includes("server.crt") ? path.join(live, "server.crt") : undefined;
  return {
    ports,
    metricsPort,
    guardDirs,
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
    async replaceFiles(files: Readonly<Record<string, string>>) {
      // As the Docker target's installer does: rename each file in, then renew the watched Caddyfile.
      for (const [name, content] of Object.entries(files)) {
        const target = path.join(live, name);
        writeFileSync(`${target}.new`, content);
        renameSync(`${target}.new`, target);
      }
      const now = new Date();
      utimesSync(caddyfile, now, now);
    },
    running: () => proc.child.exitCode === null,
    rssMib: () => rssMibOf(proc.child.pid!),
    pid: proc.child.pid!,
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
      const stat = readFileSync(`/proc/${proc.child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    stop: proc.stop,
    output: proc.output,
  };
}

/** Linux's USER_HZ: /proc reports CPU times in hundredths of a second. */
const CLOCK_TICKS = 100;
