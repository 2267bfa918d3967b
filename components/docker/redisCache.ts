import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { redisPaths, serviceNames } from "../render/paths";
import { renderRedisConfig } from "../render/redis";
import { Limits, Secret } from "../spec/types";
import { HostRuntime, serviceContainer } from "./runtime";

export interface RedisCacheArgs {
  readonly runtime: HostRuntime;
  readonly image: pulumi.Input<string>;
  /** maxmemory; must sit below the container limit. */
  readonly maxMemoryMb: number;
  readonly limits: Limits;
}

/** Redis as the registry's blob-descriptor cache: LRU, bounded, no persistence, no published port. */
export class RedisCache extends pulumi.ComponentResource {
  /** host:port on the platform network. */
  public readonly address: string;
  public readonly password: Secret;
  public readonly container: docker.Container;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:RedisCache", name, {}, opts);
    this.address = `${serviceNames.redis}:${redisPaths.port}`;
    this.password = pulumi.secret(
      new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this, additionalSecretOutputs: ["result"] }).result,
    );
    const config = pulumi.secret(this.password.apply((password) => renderRedisConfig({ maxMemoryMb: args.maxMemoryMb, password })));
    this.container = serviceContainer(
      `${name}-container`,
      args.runtime,
      {
        role: "redis",
        image: args.image,
        aliases: [serviceNames.redis],
        limits: args.limits,
        command: ["redis-server", redisPaths.configFile],
        user: "999:1000",
        // Not read-only: redis.conf is an upload (Docker refuses uploads into a read-only rootfs).
        capabilities: { drops: ["ALL"] },
        tmpfs: { "/data": "rw,size=16m,mode=0700,uid=999" },
        uploads: [{ file: redisPaths.configFile, content: config }],
        healthcheck: {
          tests: ["CMD-SHELL", `redis-cli --no-auth-warning -a "$(sed -n 's/^requirepass //p' ${redisPaths.configFile})" ping | grep -q PONG`],
          interval: "15s",
          timeout: "5s",
          retries: 3,
          startPeriod: "5s",
        },
      },
      { parent: this },
    );
    this.registerOutputs({ address: this.address });
  }
}
