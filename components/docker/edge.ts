import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CaddyfileInput, EdgeSite, EdgeTls, EdgeUser, renderCaddyfile } from "../render/caddy";
import { edgePaths } from "../render/paths";
import { DockerHost, Limits } from "../spec/types";
import { fileWriterJob } from "./oneShot";
import { HostRuntime, httpHealthcheck, serviceContainer } from "./runtime";
import { DataPolicy, mountAt, persistentMount } from "./storage";

export interface EdgeArgs {
  readonly host: DockerHost;
  readonly runtime: HostRuntime;
  readonly image: pulumi.Input<string>;
  readonly toolsImage: pulumi.Input<string>;
  readonly limits: Limits;
  readonly sites: readonly EdgeSite[];
  /** Users with bcrypt hashes and roles, secret. */
  readonly users: pulumi.Output<EdgeUser[]>;
  readonly anonymousPull: boolean;
  readonly tls: EdgeTls;
  /** Certificate files Caddy reads from its live directory (root or server cert and key). */
  readonly files: readonly { readonly path: string; readonly content: pulumi.Input<string> }[];
  /** Caddy's state (ACME account, issued leaves): kept like data. */
  readonly data: DataPolicy;
  /** The services it proxies to. */
  readonly backends: pulumi.Resource[];
}

/**
 * The Caddy front door of one host: TLS, basic auth per role with Caddy's hash cache, and streaming
 * reverse proxies to the registry, the UI and the caches. Its Caddyfile and certificate files are
 * written into a volume by a one-shot job and Caddy watches the file, so a user or certificate change
 * reloads the edge in place; only a new published port replaces its container.
 */
export class Edge extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly caddyfile: pulumi.Output<string>;
  public readonly writer: docker.Container;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Edge", name, {}, opts);
    const { runtime } = args;
    this.caddyfile = pulumi.secret(
      args.users.apply((users) => renderCaddyfile({ tls: args.tls, users, anonymousPull: args.anonymousPull, sites: args.sites } satisfies CaddyfileInput)),
    );

    const live = new docker.Volume(
      `${name}-config`,
      { name: `regstack-${runtime.stack}-edge-config`, labels: [{ label: "io.regstack.stack", value: runtime.stack }] },
      { parent: this, provider: runtime.provider },
    );
    // Certificates first, the Caddyfile last, so Caddy never reloads a config whose files are missing.
    this.writer = fileWriterJob(
      `${name}-writer`,
      runtime,
      {
        image: args.toolsImage,
        volume: live.name,
        mountPath: edgePaths.liveDir,
        files: [...args.files, { path: edgePaths.caddyfile, content: this.caddyfile }].map((f) => ({ ...f, mode: "0440" })),
      },
      { parent: this },
    );

    const state = persistentMount(`${name}-data`, args.host, runtime, "edge", args.data, this);
    const ports = [...new Set(args.sites.map((s) => s.port))].sort((a, b) => a - b);
    if (args.tls.mode === "acme") ports.unshift(edgePaths.acmeHttpPort);
    this.container = serviceContainer(
      `${name}-container`,
      runtime,
      {
        role: "edge",
        image: args.image,
        aliases: ["edge"],
        limits: args.limits,
        command: ["caddy", "run", "--config", edgePaths.caddyfile, "--adapter", "caddyfile", "--watch"],
        readOnly: true,
        tmpfs: { [edgePaths.configDir]: "rw,size=8m,mode=0700", "/tmp": "rw,size=16m,mode=1777" },
        ports: ports.map((p) => ({ internal: p, external: p })),
        volumes: [{ volumeName: live.name, containerPath: edgePaths.liveDir, readOnly: true }, mountAt(state, edgePaths.dataDir)],
        envs: [`XDG_DATA_HOME=${edgePaths.dataDir}`, `XDG_CONFIG_HOME=${edgePaths.configDir}`],
        capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"] },
        healthcheck: httpHealthcheck(`http://127.0.0.1:${edgePaths.metricsPort}/metrics`),
      },
      { parent: this, dependsOn: [this.writer, ...args.backends] },
    );
    this.registerOutputs({ container: this.container.name });
  }
}
