/**
 * The end-to-end stage runs shipped stacks in one private engine on this machine. What cannot be had
 * here is substituted, and every substitution is said: remote hosts become the local engine, caches
 * point at a stand-in upstream started in the engine, names map to loopback, host paths move under
 * the engine's own directory.
 */
import * as path from "path";
import { StackConfig } from "../offline/stackConfig";
import { variant } from "../rig/rendered";

/** A stack config made runnable in the private engine, and what was changed to get there. */
export interface Substituted {
  readonly config: StackConfig;
  readonly substitutions: readonly string[];
}

type Json = Record<string, unknown>;
const value = (config: StackConfig, key: string): unknown => {
  const text = config.values[`regstack:${key}`];
  return text === undefined ? undefined : text.trim().startsWith("{") || text.trim().startsWith("[") ? JSON.parse(text) : text;
};

/** The substitutions that make a stack run in the private engine rooted at `engineRoot`. */
export function substitute(base: StackConfig, engineRoot: string): Substituted {
  const notes: string[] = [];
  const overrides: Record<string, unknown> = {};
  const hosts = ((value(base, "docker") as Json | undefined)?.hosts as Json[] | undefined) ?? [{ name: "local", url: "unix:///var/run/docker.sock" }];
  const first = hosts[0];
  const dataPath = first.dataPath === undefined ? undefined : path.join(engineRoot, "hostpaths", String(first.name));
  overrides.docker = { hosts: [{ name: first.name, url: "unix:///var/run/docker.sock", ...(dataPath ? { dataPath } : {}) }] };
  if (hosts.length > 1 || String(first.url).startsWith("ssh://") || String(first.url).startsWith("tcp://")) {
    notes.push(`docker hosts ${hosts.map((h) => `${h.name} (${h.url})`).join(", ")} → one host "${first.name}" on the private engine`);
  }
  if (dataPath) notes.push(`dataPath ${first.dataPath} → ${dataPath}`);

  const mirrors = (value(base, "mirrors") as Json[] | undefined) ?? [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001 }];
  // One stand-in serves every cache, under a name per cache: two caches of one upstream are refused.
  overrides.mirrors = mirrors.map((m) => ({ name: m.name, upstream: `http://${upstreamAlias(String(m.name))}:5000`, port: m.port }));
  notes.push(`cache upstreams ${mirrors.map((m) => m.upstream).join(", ")} → the stand-in upstream (http://upstream-<cache>:5000)`);

  const backup = value(base, "backup") as Json | undefined;
  if (typeof backup?.repository === "string" && backup.repository.startsWith("/")) {
    const repository = path.join(engineRoot, "hostpaths", "backup-repository");
    overrides.backup = { ...backup, repository };
    notes.push(`backup repository ${backup.repository} → ${repository}`);
  }

  const bind = value(base, "bindAddress");
  if (bind !== undefined && bind !== "127.0.0.1") {
    overrides.bindAddress = undefined;
    overrides.domain = "localhost";
    const tls = (value(base, "tls") as Json | undefined) ?? {};
    overrides.tls = { ...tls, mode: tls.mode ?? "internal", names: [], ips: [] };
    notes.push(`bindAddress ${bind} → 127.0.0.1, domain ${String(value(base, "domain") ?? first.address ?? "(host address)")} → localhost (TLS stays ${String(tls.mode ?? "internal")})`);
  }
  const redis = value(base, "redis") as Json | undefined;
  const registry = (value(base, "registry") as Json | undefined) ?? {};
  if (redis?.enabled === true && registry.version !== "2.8") {
    overrides.registry = { ...registry, version: "2.8" };
    notes.push('registry.version "3" → "2.8" (the stand-in runs Debian\'s 2.8 binary, which ignores 3.x\'s redis keys)');
  }
  if (value(base, "clients") !== undefined) {
    overrides.clients = [];
    notes.push("clients → none (no ssh nodes here)");
  }
  return { config: variant(base.stack, overrides, base), substitutions: notes };
}

/** The variants the tests use, selectable by name with `npm run e2e:up -- --variant <name>`. */
export const VARIANTS: Readonly<Record<string, { readonly stack: string; readonly describe: string; readonly overrides: Record<string, unknown> }>> = {
  local: {
    stack: "local",
    describe: "the local stack plus a pull-only user",
    overrides: { users: [{ name: "admin", role: "push" }, { name: "reader", role: "pull" }] },
  },
  "nas-tls": { stack: "nas", describe: "the nas stack with TLS on (as shipped), registry 2.8", overrides: { registry: { version: "2.8" } } },
  broken: {
    stack: "local",
    describe: "the local stack with a cache whose upstream does not resolve: the cache crash-loops (distribution issue 4038)",
    overrides: { mirrors: [{ name: "dockerhub", upstream: "http://no-such-upstream.invalid:5000", port: 5001 }] },
  },
};

/** A named variant, substituted for the private engine (the broken variant keeps its unreachable upstream). */
export function namedVariant(name: string, engineRoot: string): Substituted {
  const v = VARIANTS[name];
  if (!v) throw new Error(`no variant "${name}" (variants: ${Object.keys(VARIANTS).join(", ")})`);
  const done = substitute(variant(v.stack, v.overrides), engineRoot);
  if (name !== "broken") return done;
  return { config: variant(v.stack, { mirrors: v.overrides.mirrors }, done.config), substitutions: [...done.substitutions.filter((n) => !n.startsWith("cache upstreams")), "cache upstream → http://no-such-upstream.invalid:5000 (deliberately unreachable)"] };
}

/** The local stack as the scenarios run it in the engine at `engineRoot`: the `local` variant. */
export function localVariant(engineRoot: string): StackConfig {
  return namedVariant("local", engineRoot).config;
}

/** The nas stack with TLS on, as the scenarios run it in the engine at `engineRoot`: the `nas-tls` variant. */
export function nasTlsVariant(engineRoot: string): StackConfig {
  return namedVariant("nas-tls", engineRoot).config;
}

/** The stand-in upstream's name on the platform network for one cache. */
export function upstreamAlias(cache: string): string {
  return `upstream-${cache}`;
}

/** Every name the stand-in upstream answers to for a substituted config: one per cache. */
export function upstreamAliases(config: StackConfig): string[] {
  const mirrors = JSON.parse(config.values["regstack:mirrors"] ?? "[]") as { name: string }[];
  return ["upstream", ...mirrors.map((m) => upstreamAlias(m.name))];
}

/**
 * The dev stack in Swarm mode, as a single-node Swarm in the engine at `engineRoot` whose node is
 * `node`: the usual substitutions, then what the Swarm here lacks. The routing mesh and virtual IPs
 * need IPVS and iptables, so ports publish in host mode and services resolve by DNS round robin; the
 * stack's own defaults (ingress, vip) are what a real cluster uses.
 */
export function devSwarmVariant(engineRoot: string, node: string): Substituted {
  const done = substitute(variant("dev", {}), engineRoot);
  const docker = JSON.parse(done.config.values["regstack:docker"]) as { hosts: Json[] };
  const hosts: Json[] = docker.hosts.map((h) => ({ ...h, node }));
  const config = variant(
    "dev",
    { docker: { mode: "swarm", swarm: { publishMode: "host", endpointMode: "dnsrr" }, hosts }, bindAddress: "0.0.0.0" },
    done.config,
  );
  return {
    config,
    substitutions: [
      ...done.substitutions.filter((n) => !n.startsWith("bindAddress")),
      "docker.mode hosts → swarm, a single-node Swarm on loopback",
      `node ${hosts.map((h) => String(h.name)).join(", ")} → ${node} (this engine's node)`,
      "docker.swarm publishMode ingress → host, endpointMode vip → dnsrr (the mesh and VIPs need IPVS and iptables)",
      "bindAddress stays 0.0.0.0 (Swarm publishes on every address); domain → localhost, TLS internal",
    ],
  };
}
