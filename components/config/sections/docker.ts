/**
 * The docker target: `regstack:docker`, `regstack:bindAddress`, `regstack:ports`,
 * `regstack:resources`, `regstack:logs`, and which host runs each cache (`regstack:mirrors[].host`).
 */
import { decimal, int, listOf, object, oneOf, optional, required, section, str, withDefault } from "../decoders";
import { duplicates } from "../checks";
import { IssueList } from "../issues";
import { absolutePath, byteSize, dnsLabel, dockerEndpoint, hostName, ipv4, isLoopback } from "../patterns";
import { checkHostKey, checkSshOpts, hostKeyBody, hostKeyRule } from "../sshOptions";
import { DockerHost, DockerResources, DockerTarget, ResourceRole } from "../types";
import { floorText, MEMORY_FLOORS_MB } from "../memoryFloors";
import { edgePaths } from "../../render/paths";
import { grafanaRuns } from "./monitoring";

const LOCAL_DOCKER = "unix:///var/run/docker.sock";

const limits = (key: ResourceRole, memoryMb: number, cpus: string, role: string, cpuNote?: string) =>
  section(
    {
      memoryMb: withDefault(int(MEMORY_FLOORS_MB[key], 65536, ` (MiB; ${floorText(key)})`), memoryMb, { type: "MiB", text: `Memory limit (swap off), at least ${MEMORY_FLOORS_MB[key]}.` }),
      cpus: withDefault(decimal(0.05, 64), cpus, { type: "number", text: cpuNote ?? "CPU limit." }),
    },
    { type: "object", text: `Limits of ${role}.` },
  );

const dockerHost = object({
  name: required(str(dnsLabel), { type: "name", text: "Short name, used in resource names and by `mirrors[].host`." }),
  url: required(str(dockerEndpoint), { type: "endpoint", text: "`unix:///path`, `ssh://[user@]host[:port]` or `tcp://host:port`." }),
  sshOpts: withDefault(listOf(str()), [], {
    type: "list of strings",
    text: 'Extra ssh options (ssh:// only) as `-o`, `Name=value` pairs, e.g. `["-o", "ConnectTimeout=10"]`. Only connection options are taken (ConnectTimeout, IdentityFile, ProxyJump, ServerAliveInterval, StrictHostKeyChecking, …); ProxyCommand, LocalCommand and other options that run commands are refused.',
  }),
  hostKey: optional(str(hostKeyRule), {
    type: "public key",
    default: "ssh's own known_hosts and `StrictHostKeyChecking`",
    text: "Pins the host's ssh key (ssh:// only): `ssh-keyscan -t ed25519 <host>` prints it after the name. ssh then accepts this key and no other, whatever `~/.ssh/known_hosts` says.",
  }),
  address: optional(str(hostName), { type: "host name or IP", default: "host of the url, or `localhost`", text: "Name clients use to reach services on this host." }),
  dataPath: optional(str(absolutePath), { type: "absolute path", default: "named volumes", text: "Host directory for data (`<dataPath>/registry`, `<dataPath>/mirror-<name>`, `<dataPath>/edge`)." }),
  node: optional(str(hostName), { type: "host name", default: "the host's `name`", text: "Swarm mode: the node's hostname, as `docker node ls` shows it; its services are pinned there (`node.hostname == <node>`)." }),
});

const swarmSettings = object({
  publishMode: withDefault(oneOf(["ingress", "host"] as const), "ingress", {
    type: "`ingress` or `host`",
    text: "How the edge's ports are published: `ingress` (the routing mesh: every node answers, and the edge rolls start-first) or `host` (only the edge's node answers, and the edge rolls stop-first; Docker documents that host mode keeps the client's address, which the mesh replaces).",
  }),
  endpointMode: withDefault(oneOf(["vip", "dnsrr"] as const), "vip", {
    type: "`vip` or `dnsrr`",
    text: "How services find each other on the overlay network: a virtual IP (`vip`) or DNS round robin (`dnsrr`, which needs `publishMode: host`).",
  }),
});

export const dockerKeys = {
  docker: section(
    {
      mode: withDefault(oneOf(["hosts", "swarm"] as const), "hosts", {
        type: "`hosts` or `swarm`",
        text: "`hosts`: containers on each engine. `swarm`: Swarm services declared through the first host (a manager), each pinned to the node of its host; the hosts' own urls prepare their data.",
      }),
      swarm: optional(swarmSettings, { type: "object", default: "`{publishMode: ingress, endpointMode: vip}`", text: "Swarm settings (`docker.mode: swarm` only)." }),
      hosts: withDefault(listOf(dockerHost, { min: 1 }), () => [{ name: "local", url: LOCAL_DOCKER, sshOpts: [] }], {
        type: "list",
        default: "`[{name: local, url: unix:///var/run/docker.sock}]`",
        text: "Docker engines; the first runs the registry, UI and Redis.",
      }),
    },
    { type: "object", default: "local engine", text: "Docker hosts." },
  ),
  bindAddress: withDefault(str(ipv4), "127.0.0.1", { type: "IPv4", text: "Address the edge's published ports bind to." }),
  ports: section(
    {
      registry: withDefault(int(1, 65535), 5000, { type: "port", text: "The registry's port at the edge." }),
      ui: withDefault(int(1, 65535), 5080, { type: "port", text: "The UI's port at the edge." }),
      grafana: withDefault(int(1, 65535), 5030, { type: "port", text: "Grafana's port at the edge (with `regstack:monitoring`)." }),
      metrics: withDefault(int(1, 65535), 5090, {
        type: "port",
        text: "Per-host layout with `regstack:monitoring`: the port of another host's edge where Prometheus (on the first host) scrapes that host's edge, caches and node-exporter, over TLS with a generated login.",
      }),
    },
    { type: "object", text: "The edge's published ports (port routing)." },
  ),
  resources: section(
    {
      registry: limits("registry", 512, "1", "the registry"),
      mirror: limits("mirror", 256, "0.5", "each cache"),
      ui: limits("ui", 64, "0.25", "the UI"),
      redis: limits("redis", 96, "0.25", "Redis"),
      jobs: limits("jobs", 384, "1", "the scheduler and its jobs (restic, garbage collection, the drill's registry)"),
      edge: limits("edge", 128, "1", "the edge (Caddy)", "CPU limit. TLS costs CPU: at 0.5, pushes through the edge ran at 40 % of direct in `npm run bench`; at 1, about 70 %."),
      prometheus: limits("prometheus", 256, "0.5", "Prometheus"),
      alertmanager: limits("alertmanager", 48, "0.25", "Alertmanager"),
      exporter: limits("exporter", 32, "0.25", "each small helper: the exporters (node-exporter, redis_exporter) and each edge's failed-login guard"),
      grafana: limits("grafana", 160, "0.5", "Grafana"),
    },
    { type: "object", text: "Container limits per role." },
  ),
  logs: section(
    {
      maxSize: withDefault(str(byteSize), "10m", { type: "size", text: "Size of one log file." }),
      maxFiles: withDefault(int(1, 100), 3, { type: "number", text: "Files kept." }),
    },
    { type: "object", text: "Container log rotation (json-file)." },
  ),
};

type HostRaw = { readonly name: string; readonly url: string; readonly sshOpts: readonly string[]; readonly hostKey?: string; readonly address?: string; readonly dataPath?: string; readonly node?: string };
type SwarmRaw = { readonly publishMode: "ingress" | "host"; readonly endpointMode: "vip" | "dnsrr" };

/** What the docker target's checks and build read. */
export interface DockerRaw {
  readonly docker: { readonly mode: "hosts" | "swarm"; readonly swarm?: SwarmRaw; readonly hosts: readonly HostRaw[] };
  readonly bindAddress: string;
  readonly ports: { readonly registry: number; readonly ui: number; readonly grafana: number; readonly metrics: number };
  readonly ui: { readonly enabled: boolean };
  readonly monitoring: { readonly enabled: boolean; readonly grafana: boolean };
  readonly mirrors: readonly { readonly name: string; readonly port: number; readonly host?: string }[];
  readonly resources: DockerResources;
  readonly logs: { readonly maxSize: string; readonly maxFiles: number };
  readonly domain?: string;
  readonly edge: { readonly routing: "port" | "host"; readonly httpsPort: number };
}

export function checkDocker(raw: DockerRaw, issues: IssueList): void {
  const hosts = raw.docker.hosts;
  const first = hosts[0];
  checkSwarm(raw, issues);
  if (!isLoopback(raw.bindAddress) && raw.domain === undefined && first && first.address === undefined && defaultAddress(first.url) === "localhost") {
    issues.add(
      "regstack:domain",
      `is required with regstack:bindAddress ${raw.bindAddress}: without it clients are told to use "localhost", which no other machine reaches (set regstack:domain to the name or IP LAN clients use)`,
    );
  }
  const hostNames = hosts.map((h) => h.name);
  duplicates(hosts, (h) => h.name, (i) => `regstack:docker.hosts[${i}].name`, "host name", issues);
  // Two entries for one engine would declare every container twice on it.
  duplicates(hosts, (h) => h.url, (i) => `regstack:docker.hosts[${i}].url`, "Docker endpoint", issues);
  hosts.forEach((h, i) => {
    const at = `regstack:docker.hosts[${i}]`;
    if (h.sshOpts.length > 0 && !h.url.startsWith("ssh://")) issues.add(`${at}.sshOpts`, "only applies to ssh:// hosts; remove it or use an ssh:// url");
    else checkSshOpts(h.sshOpts, `${at}.sshOpts`, h.hostKey !== undefined, issues);
    if (h.hostKey !== undefined && !h.url.startsWith("ssh://")) issues.add(`${at}.hostKey`, "only applies to ssh:// hosts; remove it or use an ssh:// url");
    checkHostKey(h.hostKey, `${at}.hostKey`, issues);
  });
  raw.mirrors.forEach((m, i) => {
    if (m.host !== undefined && !hostNames.includes(m.host)) {
      issues.add(`regstack:mirrors[${i}].host`, `expected one of the hosts in regstack:docker.hosts (${hostNames.join(", ")}), got "${m.host}"`);
    }
  });
  // The edge on each host listens on its services' ports: two services may not share one.
  const published: { port: number; host: string; path: string }[] = [{ port: raw.ports.registry, host: hostNames[0], path: "regstack:ports.registry" }];
  if (raw.ui.enabled) published.push({ port: raw.ports.ui, host: hostNames[0], path: "regstack:ports.ui" });
  if (grafanaRuns(raw)) published.push({ port: raw.ports.grafana, host: hostNames[0], path: "regstack:ports.grafana" });
  raw.mirrors.forEach((m, i) => published.push({ port: m.port, host: m.host ?? hostNames[0], path: `regstack:mirrors[${i}].port` }));
  // Another host's edge serves Prometheus that host's metrics (per host, each host has its own networks).
  const scraped = remoteScrapeHosts(raw);
  for (const host of scraped) published.push({ port: raw.ports.metrics, host, path: "regstack:ports.metrics" });
  if (scraped.length > 0) {
    if (raw.ports.metrics === edgePaths.metricsPort) issues.add("regstack:ports.metrics", `port ${raw.ports.metrics} is the edge's internal metrics listener: choose another`);
    if (isLoopback(raw.bindAddress)) {
      issues.add(
        "regstack:bindAddress",
        `Prometheus on host "${hostNames[0]}" scrapes the services of ${scraped.map((h) => `"${h}"`).join(", ")} through that host's edge, which a loopback bind (${raw.bindAddress}) hides from it; bind a LAN address, or turn regstack:monitoring off`,
      );
    }
  }
  // One address belongs to one machine: edges on two hosts cannot both bind it.
  const edgeHosts = [...new Set(published.map((p) => p.host))];
  if (raw.docker.mode === "hosts" && edgeHosts.length > 1 && raw.bindAddress !== "0.0.0.0" && !isLoopback(raw.bindAddress)) {
    issues.add(
      "regstack:bindAddress",
      `${raw.bindAddress} is an address of one machine, but edges run on the hosts ${edgeHosts.map((h) => `"${h}"`).join(" and ")} (each publishes its services' ports): bind 0.0.0.0, so each edge listens on its own host's addresses`,
    );
  }
  const taken = new Map<string, string>();
  for (const p of published) {
    const k = `${p.host}:${p.port}`;
    const first = taken.get(k);
    if (first) issues.add(p.path, `port ${p.port} on host "${p.host}" is already used by ${first}`);
    else taken.set(k, p.path);
  }
}

/** Swarm mode's own rules, and its keys refused in the per-host layout. */
function checkSwarm(raw: DockerRaw, issues: IssueList): void {
  const { mode, swarm, hosts } = raw.docker;
  if (mode !== "swarm") {
    if (swarm !== undefined) issues.add("regstack:docker.swarm", 'applies to regstack:docker.mode "swarm" only; remove it or set docker.mode: swarm');
    hosts.forEach((h, i) => {
      if (h.node !== undefined) issues.add(`regstack:docker.hosts[${i}].node`, 'names a Swarm node and applies to regstack:docker.mode "swarm" only; remove it or set docker.mode: swarm');
    });
    return;
  }
  // A Swarm port has no host address: Docker publishes it on every address of the node (or of every node).
  if (raw.bindAddress !== "0.0.0.0") {
    issues.add(
      "regstack:bindAddress",
      `Swarm publishes the edge's ports on every address of its node${swarm?.publishMode === "host" ? "" : " (every node, with the ingress mesh)"} and cannot bind them to ${raw.bindAddress}; set regstack:bindAddress: 0.0.0.0 with docker.mode swarm (TLS is then required), or use docker.mode: hosts`,
    );
  }
  if (swarm?.endpointMode === "dnsrr" && swarm.publishMode !== "host") {
    issues.add("regstack:docker.swarm.endpointMode", '"dnsrr" cannot publish ports through the ingress mesh (Docker refuses the service); set docker.swarm.publishMode: host, or use endpointMode "vip"');
  }
  duplicates(hosts, (h) => h.node ?? h.name, (i) => `regstack:docker.hosts[${i}].${hosts[i].node === undefined ? "name" : "node"}`, "Swarm node", issues);
  if ((swarm?.publishMode ?? "ingress") !== "ingress") return;
  // The mesh publishes each port on every node: two edges may not publish one port, wherever they run.
  const first = hosts[0]?.name;
  const elsewhere = raw.mirrors.map((m, i) => ({ m, i })).filter(({ m }) => m.host !== undefined && m.host !== first);
  if (raw.edge.routing === "host") {
    const firstOther = elsewhere[0];
    if (firstOther) {
      issues.add(
        `regstack:mirrors[${firstOther.i}].host`,
        `puts a second edge on host "${firstOther.m.host}", and with edge.routing "host" both edges publish port ${raw.edge.httpsPort}, which the ingress mesh publishes once for the whole Swarm; set docker.swarm.publishMode: host, or leave the caches on "${first}"`,
      );
    }
    return;
  }
  const byPort = new Map<number, { path: string; host: string }>([[raw.ports.registry, { path: "regstack:ports.registry", host: first }]]);
  if (raw.ui.enabled) byPort.set(raw.ports.ui, byPort.get(raw.ports.ui) ?? { path: "regstack:ports.ui", host: first });
  if (grafanaRuns(raw)) byPort.set(raw.ports.grafana, byPort.get(raw.ports.grafana) ?? { path: "regstack:ports.grafana", host: first });
  raw.mirrors.forEach((m, i) => {
    const host = m.host ?? first;
    const taken = byPort.get(m.port);
    // The same host's clash is reported by the per-host check.
    if (taken && taken.host !== host) issues.add(`regstack:mirrors[${i}].port`, `port ${m.port} is already published by ${taken.path} on host "${taken.host}", and the ingress mesh publishes a port once for the whole Swarm; choose another port, or set docker.swarm.publishMode: host`);
    else if (!taken) byPort.set(m.port, { path: `regstack:mirrors[${i}].port`, host });
  });
}

/**
 * The hosts other than the first whose edge serves Prometheus their services' metrics: in the per-host
 * layout with monitoring, every other host that runs a cache (a Swarm's overlays reach every node).
 */
export function remoteScrapeHosts(raw: Pick<DockerRaw, "docker" | "monitoring" | "mirrors">): string[] {
  const first = raw.docker.hosts[0]?.name;
  if (!raw.monitoring.enabled || raw.docker.mode !== "hosts") return [];
  return [...new Set(raw.mirrors.map((m) => m.host ?? first).filter((h): h is string => h !== undefined && h !== first))];
}

function defaultAddress(url: string): string {
  const match = /^(?:ssh|tcp):\/\/(?:[^@/]+@)?([^/:]+)/.exec(url);
  return match ? match[1] : "localhost";
}

export function buildDockerHosts(raw: DockerRaw): DockerHost[] {
  return raw.docker.hosts.map((h) => ({
    name: h.name,
    url: h.url,
    sshOpts: h.sshOpts,
    hostKey: h.hostKey === undefined ? undefined : hostKeyBody(h.hostKey),
    address: h.address ?? defaultAddress(h.url),
    dataPath: h.dataPath,
    node: h.node ?? h.name,
  }));
}

export function buildDocker(raw: DockerRaw): DockerTarget {
  const hosts = buildDockerHosts(raw);
  return {
    kind: "docker",
    mode: raw.docker.mode === "swarm" ? { kind: "swarm", publishMode: raw.docker.swarm?.publishMode ?? "ingress", endpointMode: raw.docker.swarm?.endpointMode ?? "vip" } : { kind: "hosts" },
    hosts,
    bindAddress: raw.bindAddress,
    ports: { registry: raw.ports.registry, ui: raw.ports.ui, grafana: raw.ports.grafana, mirrors: Object.fromEntries(raw.mirrors.map((m) => [m.name, m.port])) },
    metricsPort: raw.ports.metrics,
    mirrorHosts: Object.fromEntries(raw.mirrors.map((m) => [m.name, m.host ?? hosts[0].name])),
    logs: raw.logs,
    resources: raw.resources,
  };
}
