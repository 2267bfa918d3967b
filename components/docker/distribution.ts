import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { dataOwnerScript } from "../render/jobs";
import { registryPaths } from "../render/paths";
import { RegistryConfigInput, renderRegistryConfig } from "../render/registry";
import { DockerHost, Limits, LogLevel, RegistryMajor } from "../spec/types";
import { oneShotContainer } from "./oneShot";
import { HostRuntime, httpHealthcheck, serviceContainer } from "./runtime";
import { DataPolicy, mountAt, persistentMount } from "./storage";

/** The unprivileged user distribution runs as; its data directory is handed to it by a one-shot job. */
export const REGISTRY_USER = "1000:1000";

/** Config inputs that are secret: resolved inside `apply`, so the rendered file stays secret. */
export interface DistributionSecrets {
  readonly redisPassword?: pulumi.Input<string>;
  readonly proxyPassword?: pulumi.Input<string>;
}

/** What every distribution instance (the registry, each cache) is given by the platform. */
export interface DistributionBase {
  /** The host it runs on (its dataPath decides where data lives). */
  readonly host: DockerHost;
  readonly runtime: HostRuntime;
  readonly version: RegistryMajor;
  /** The pulled distribution image. */
  readonly image: pulumi.Input<string>;
  /** The busybox image of the data preparation job. */
  readonly toolsImage: pulumi.Input<string>;
  readonly logLevel: LogLevel;
  readonly limits: Limits;
  readonly data: DataPolicy;
}

export interface DistributionArgs extends Omit<DistributionBase, "logLevel"> {
  readonly role: string;
  /** Published port; undefined behind the edge. */
  readonly publishedPort?: number;
  readonly aliases: readonly string[];
  /** Subdirectory of the host's dataPath, or volume suffix. */
  readonly dataDir: string;
  /** Everything in config.yml except the generated http.secret and the secret values. */
  readonly config: Omit<RegistryConfigInput, "httpSecret" | "version" | "redis" | "proxy"> & {
    readonly redis?: { readonly address: string };
    readonly proxy?: Omit<NonNullable<RegistryConfigInput["proxy"]>, "password">;
  };
  readonly secrets: DistributionSecrets;
  /** Extra read-only mounts (the htpasswd volume). */
  readonly extraVolumes?: pulumi.Input<docker.types.input.ContainerVolume>[];
  readonly dependsOn?: pulumi.Resource[];
}

export interface DistributionServer {
  readonly container: docker.Container;
  readonly dataVolume?: docker.Volume;
}

/**
 * One distribution instance: its http.secret, its data (volume or host directory, retained), a job
 * that gives the data directory to the registry user, and the container with the rendered config.
 * Shared by the private registry and every pull-through cache.
 */
export function declareDistribution(name: string, args: DistributionArgs, parent: pulumi.Resource): DistributionServer {
  const httpSecret = new random.RandomPassword(`${name}-http-secret`, { length: 48, special: false }, { parent, additionalSecretOutputs: ["result"] }).result;
  const config = pulumi.secret(
    pulumi.all([httpSecret, args.secrets.redisPassword, args.secrets.proxyPassword]).apply(([secret, redisPassword, proxyPassword]) =>
      renderRegistryConfig({
        ...args.config,
        version: args.version,
        httpSecret: secret,
        redis: args.config.redis && redisPassword !== undefined ? { address: args.config.redis.address, password: redisPassword } : undefined,
        proxy: args.config.proxy ? { ...args.config.proxy, password: proxyPassword } : undefined,
      }),
    ),
  );

  const data = persistentMount(`${name}-data`, args.host, args.runtime, args.dataDir, args.data, parent);
  const dataMount = mountAt(data, registryPaths.dataDir);
  const owner = REGISTRY_USER;
  const prepare = oneShotContainer(
    `${name}-prepare`,
    args.runtime,
    {
      image: args.toolsImage,
      script: dataOwnerScript(registryPaths.dataDir, owner),
      volumes: [dataMount],
    },
    { parent, dependsOn: data.volume ? [data.volume] : [] },
  );

  const container = serviceContainer(
    `${name}-container`,
    args.runtime,
    {
      role: args.role,
      image: args.image,
      aliases: args.aliases,
      limits: args.limits,
      user: REGISTRY_USER,
      // Not read-only: the config is an upload, and Docker refuses uploads into a read-only rootfs.
      // The registry runs unprivileged with no capabilities instead.
      capabilities: { drops: ["ALL"] },
      // 3.x exports OpenTelemetry traces to localhost:4318 unless told not to.
      envs: args.version === "3" ? ["OTEL_TRACES_EXPORTER=none"] : [],
      ports: args.publishedPort === undefined ? [] : [{ internal: registryPaths.port, external: args.publishedPort }],
      uploads: [{ file: registryPaths.configFile(args.version), content: config }],
      volumes: [dataMount, ...(args.extraVolumes ?? [])],
      healthcheck: httpHealthcheck(`http://127.0.0.1:${registryPaths.debugPort}/debug/health`),
    },
    { parent, dependsOn: [prepare, ...(args.dependsOn ?? [])] },
  );
  return { container, dataVolume: data.volume };
}
