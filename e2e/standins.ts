import { execFileSync } from "child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { images } from "../components/images";
import { PrivateEngine } from "./engine";
import { onInterrupt } from "../rig/interrupt";

/**
 * How an official image is stood in for, offline, from Debian's binaries: the same entrypoint and
 * command, config path, listening ports and user, so the containers regstack declares run unchanged.
 */
export interface StandIn {
  /** The image reference the components declare (from components/images.ts). */
  readonly official: string;
  /** The Debian packages that provide the binaries. */
  readonly debianPackages: readonly string[];
  /** Binaries copied in (with the shared libraries ldd lists): host path → image path. */
  readonly binaries: Readonly<Record<string, string>>;
  /** Data files the Debian build reads from a fixed path (Alertmanager's templates): host path → image path. */
  readonly files?: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** The image's default user (numeric), if not root. */
  readonly user?: string;
  readonly env: readonly string[];
  readonly workdir: string;
  /** Directories the official image has (config and data paths). */
  readonly dirs: readonly string[];
  readonly ports: readonly number[];
  /** What the official image promises and the stand-in keeps. */
  readonly contract: string;
}

/** The official registry image's entrypoint: a config path as first argument means `registry serve`. */
const REGISTRY_ENTRYPOINT = `#!/bin/sh
set -e
case "$1" in
  *.yaml|*.yml) set -- registry serve "$@" ;;
  serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac
exec "$@"
`;

/** Every image regstack runs that Debian can supply, and its stand-in. */
export const STAND_INS: readonly StandIn[] = [
  {
    official: images.registry3,
    debianPackages: ["docker-registry"],
    binaries: { "/usr/bin/docker-registry": "/bin/registry" },
    entrypoint: ["/entrypoint.sh"],
    cmd: ["/etc/distribution/config.yml"],
    env: [],
    workdir: "/",
    dirs: ["/etc/distribution", "/var/lib/registry"],
    ports: [5000],
    contract: "entrypoint /entrypoint.sh; `registry serve /etc/distribution/config.yml`; :5000; root by default (regstack runs it as 10500:10500). Debian's binary is 2.8: it ignores 3.x-only keys.",
  },
  {
    official: images.registry28,
    debianPackages: ["docker-registry"],
    binaries: { "/usr/bin/docker-registry": "/bin/registry" },
    entrypoint: ["/entrypoint.sh"],
    cmd: ["/etc/docker/registry/config.yml"],
    env: [],
    workdir: "/",
    dirs: ["/etc/docker/registry", "/var/lib/registry"],
    ports: [5000],
    contract: "entrypoint /entrypoint.sh; `registry serve /etc/docker/registry/config.yml`; :5000; root by default.",
  },
  {
    official: images.edge,
    debianPackages: ["caddy"],
    binaries: { "/usr/bin/caddy": "/usr/bin/caddy" },
    entrypoint: [],
    cmd: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
    env: ["XDG_CONFIG_HOME=/config", "XDG_DATA_HOME=/data"],
    workdir: "/srv",
    dirs: ["/etc/caddy", "/config", "/data", "/srv"],
    ports: [80, 443, 2019],
    contract: "cmd `caddy run --config /etc/caddy/Caddyfile --adapter caddyfile`; state in /data, /config; root. Debian's caddy is 2.6.",
  },
  {
    official: images.redis,
    debianPackages: ["redis-server", "redis-tools"],
    binaries: { "/usr/bin/redis-server": "/usr/local/bin/redis-server", "/usr/bin/redis-cli": "/usr/local/bin/redis-cli" },
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["redis-server"],
    env: [],
    workdir: "/data",
    dirs: ["/data", "/usr/local/etc/redis"],
    ports: [6379],
    contract: "entrypoint docker-entrypoint.sh; cmd redis-server; :6379; workdir /data; user redis is 999:1000 (regstack runs it as that user).",
  },
  {
    official: images.ops,
    debianPackages: ["nodejs", "busybox-static"],
    binaries: { "/usr/bin/node": "/usr/local/bin/node" },
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["node"],
    env: [],
    workdir: "/",
    dirs: [],
    ports: [],
    contract: "node on PATH (/usr/local/bin/node) with busybox sh and applets; entrypoint docker-entrypoint.sh; cmd node. The host's Node 20 stands in.",
  },
  {
    official: images.restic,
    debianPackages: ["restic"],
    binaries: { "/usr/bin/restic": "/usr/bin/restic" },
    entrypoint: ["/usr/bin/restic"],
    cmd: [],
    env: [],
    workdir: "/",
    dirs: [],
    ports: [],
    contract: "entrypoint /usr/bin/restic with busybox sh (the official image is alpine). Debian's restic is 0.14.",
  },
  {
    official: images.prometheus,
    debianPackages: ["prometheus"],
    binaries: { "/usr/bin/prometheus": "/bin/prometheus", "/usr/bin/promtool": "/bin/promtool" },
    entrypoint: ["/bin/prometheus"],
    cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
    user: "65534",
    env: [],
    workdir: "/prometheus",
    dirs: ["/etc/prometheus", "/prometheus"],
    ports: [9090],
    contract: "entrypoint /bin/prometheus; config /etc/prometheus/prometheus.yml; data /prometheus; :9090; user nobody (65534); busybox wget for the health check. Debian's Prometheus is 2.42.",
  },
  {
    official: images.alertmanager,
    debianPackages: ["prometheus-alertmanager"],
    binaries: { "/usr/bin/prometheus-alertmanager": "/bin/alertmanager", "/usr/bin/amtool": "/bin/amtool" },
    // Debian's build reads its notification templates from here (the official binary embeds them).
    files: {
      "/usr/share/prometheus/alertmanager/default.tmpl": "/usr/share/prometheus/alertmanager/default.tmpl",
      "/usr/share/prometheus/alertmanager/email.tmpl": "/usr/share/prometheus/alertmanager/email.tmpl",
    },
    entrypoint: ["/bin/alertmanager"],
    cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
    user: "65534",
    env: [],
    workdir: "/alertmanager",
    dirs: ["/etc/alertmanager", "/alertmanager"],
    ports: [9093],
    contract: "entrypoint /bin/alertmanager; config /etc/alertmanager/alertmanager.yml; data /alertmanager; :9093; user nobody. Debian's Alertmanager is 0.25.",
  },
  {
    official: images.nodeExporter,
    debianPackages: ["prometheus-node-exporter"],
    binaries: { "/usr/bin/prometheus-node-exporter": "/bin/node_exporter" },
    entrypoint: ["/bin/node_exporter"],
    cmd: [],
    user: "65534",
    env: [],
    workdir: "/",
    dirs: [],
    ports: [9100],
    contract: "entrypoint /bin/node_exporter; :9100; user nobody. Debian's node-exporter is 1.5.",
  },
  {
    official: images.redisExporter,
    debianPackages: ["prometheus-redis-exporter"],
    binaries: { "/usr/bin/prometheus-redis-exporter": "/redis_exporter" },
    entrypoint: ["/redis_exporter"],
    cmd: [],
    user: "59000:59000",
    env: [],
    workdir: "/",
    dirs: [],
    ports: [9121],
    contract: "entrypoint /redis_exporter; :9121; user 59000:59000; REDIS_ADDR and REDIS_PASSWORD from the environment. Debian's redis_exporter is 1.45.",
  },
  {
    official: images.tools,
    debianPackages: ["busybox-static"],
    binaries: {},
    entrypoint: [],
    cmd: ["sh"],
    env: [],
    workdir: "/",
    dirs: [],
    ports: [],
    contract: "busybox with its applets on PATH; cmd sh.",
  },
];

/** Images the components declare that Debian cannot supply, and why they are skipped. */
export const NO_STAND_IN: Readonly<Record<string, string>> = {
  [images.ui]: "the joxit registry UI (nginx + a JS app) is not packaged by Debian",
  [images.regsync]: "regsync (regclient) is not packaged by Debian; the shipped stacks do not enable the sync job",
  [images.grafana]: "Grafana is not packaged by Debian",
};

export function standInTag(official: string): string {
  return `regstack-standin/${official.replace(/[/:_]/g, "-")}:e2e`;
}

const BUSYBOX = "/bin/busybox";

function libraries(binary: string): string[] {
  const out = execFileSync("ldd", [binary], { encoding: "utf8" });
  return [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]).filter((p, i, all) => all.indexOf(p) === i);
}

function place(context: string, from: string, to: string): void {
  const target = path.join(context, to);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(from, target);
  chmodSync(target, 0o755);
}

/** Builds one stand-in image in the engine: busybox, the binaries and their libraries, the contract. */
export function buildStandIn(engine: PrivateEngine, s: StandIn): string {
  const context = mkdtempSync(path.join(tmpdir(), "regstack-standin-"));
  const archive = `${context}.tar`;
  const cleanup = () => {
    rmSync(context, { recursive: true, force: true });
    rmSync(archive, { force: true });
  };
  const forget = onInterrupt(cleanup);
  try {
    place(context, BUSYBOX, "/bin/busybox");
    const applets = execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
    for (const applet of applets) if (applet !== "busybox") symlinkSync("busybox", path.join(context, "bin", applet));
    for (const [from, to] of Object.entries(s.binaries)) {
      if (!existsSync(from)) throw new Error(`${from} is missing: install ${s.debianPackages.join(", ")} (scripts/install-e2e-tools.sh)`);
      place(context, from, to);
      for (const lib of libraries(from)) place(context, lib, lib);
    }
    for (const [from, to] of Object.entries(s.files ?? {})) {
      if (!existsSync(from)) throw new Error(`${from} is missing: install ${s.debianPackages.join(", ")} (scripts/install-e2e-tools.sh)`);
      mkdirSync(path.dirname(path.join(context, to)), { recursive: true });
      copyFileSync(from, path.join(context, to));
    }
    if (s.entrypoint[0] === "/entrypoint.sh") writeFileSync(path.join(context, "entrypoint.sh"), REGISTRY_ENTRYPOINT, { mode: 0o755 });
    if (s.entrypoint[0] === "docker-entrypoint.sh") {
      mkdirSync(path.join(context, "usr/local/bin"), { recursive: true });
      writeFileSync(path.join(context, "usr/local/bin/docker-entrypoint.sh"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
    }
    mkdirSync(path.join(context, "etc"), { recursive: true });
    writeFileSync(path.join(context, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nredis:x:999:1000:redis:/data:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n");
    writeFileSync(path.join(context, "etc/group"), "root:x:0:\nredis:x:1000:\nnogroup:x:65534:\n");
    for (const dir of [...s.dirs, "/tmp"]) mkdirSync(path.join(context, dir), { recursive: true });
    chmodSync(path.join(context, "tmp"), 0o1777);
    const json = (v: readonly string[]) => JSON.stringify(v);
    // One layer, imported with its settings: a Dockerfile's every instruction would be a step, and on
    // the engines' vfs driver each step copies the whole root file system.
    const settings = [
      `ENV PATH=/usr/local/bin:/usr/bin:/bin${s.env.map((e) => ` ${e}`).join("")}`,
      `WORKDIR ${s.workdir}`,
      ...(s.ports.length ? [`EXPOSE ${s.ports.join(" ")}`] : []),
      ...(s.user ? [`USER ${s.user}`] : []),
      ...(s.entrypoint.length ? [`ENTRYPOINT ${json(s.entrypoint)}`] : []),
      `CMD ${json(s.cmd)}`,
      `LABEL io.regstack.standin-for="${s.official}"`,
    ];
    // The archive's "." is the image's root: it must be traversable by every user (mkdtemp made it 0700).
    chmodSync(context, 0o755);
    execFileSync("tar", ["-C", context, "-cf", archive, "."]);
    const tag = standInTag(s.official);
    engine.must(["import", ...settings.flatMap((c) => ["--change", c]), archive, tag]);
    return tag;
  } finally {
    forget();
    cleanup();
  }
}

/** Builds every stand-in; returns official reference → stand-in tag. */
export function buildStandIns(engine: PrivateEngine): Map<string, string> {
  return new Map(STAND_INS.map((s) => [s.official, buildStandIn(engine, s)]));
}
