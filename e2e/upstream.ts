import { Evaluation } from "../offline/engine";
import { PrivateEngine } from "./engine";

/** A network the stand-in upstream joins: a cache's own network, as the stack declares it. */
export interface UpstreamNetwork {
  readonly name: string;
  readonly driver: string;
}

/** The networks of the stack's caches (each cache reaches the internet, here the stand-in, from its own). */
export function cacheNetworks(evaluation: Evaluation): UpstreamNetwork[] {
  return evaluation.resources
    .filter((r) => r.type === "docker:index/network:Network" && /-mirror-[a-z0-9-]+$/.test(String(r.inputs.name)))
    .map((r) => ({ name: String(r.inputs.name), driver: String(r.inputs.driver ?? "bridge") }));
}

/** A stand-in for a public registry (Docker Hub, ghcr.io): a plain registry on the stack's network. */
export interface Upstream {
  /** Alias on the network; caches reach it as http://<alias>:5000. */
  readonly alias: string;
  readonly container: string;
  /** Loopback port for seeding it directly. */
  readonly port: number;
  /** Blob downloads it has served (GET .../blobs/sha256:... answered 200), from its access log. */
  blobDownloads(): number;
}

const CONFIG = `version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
`;

/**
 * Starts the upstream stand-in as `container` on every cache's network (each created if missing, as
 * the stack declares it; an overlay attachable) before the caches need it.
 */
export function startUpstream(engine: PrivateEngine, container: string, networks: readonly UpstreamNetwork[], image: string, port: number, aliases: readonly string[] = ["upstream"]): Upstream {
  if (networks.length === 0) throw new Error("the stand-in upstream needs a cache's network to join");
  for (const n of networks) {
    if (engine.docker(["network", "inspect", n.name]).status !== 0) engine.must(["network", "create", "--driver", n.driver, ...(n.driver === "overlay" ? ["--attachable"] : []), n.name]);
  }
  const alias = aliases[0];
  const names = aliases.flatMap((a) => ["--network-alias", a]);
  engine.must(["create", "--name", container, "--network", networks[0].name, ...names, "-p", `127.0.0.1:${port}:5000`, image, "registry", "serve", "/etc/upstream.yml"]);
  for (const n of networks.slice(1)) engine.must(["network", "connect", ...aliases.flatMap((a) => ["--alias", a]), n.name, container]);
  engine.must(["cp", "-", `${container}:/etc/`], tarOf("upstream.yml", CONFIG));
  engine.must(["start", container]);
  return {
    alias,
    container,
    port,
    blobDownloads() {
      const logs = engine.docker(["logs", container]);
      return `${logs.stdout}${logs.stderr}`.split("\n").filter((l) => /"GET \/v2\/[^"]*\/blobs\/sha256:[0-9a-f]{64} HTTP\/[\d.]+" 200 /.test(l)).length;
    },
  };
}

/** A one-file tar archive (ustar), for `docker cp -`. */
function tarOf(name: string, content: string): string {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(body.length.toString(8).padStart(11, "0") + "\0", 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0" + "00", 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad, Buffer.alloc(1024)]).toString("latin1");
}
