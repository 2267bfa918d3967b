import { RegistryMajor } from "../spec/types";

/** Paths and ports inside the containers, shared by renderers and components so they cannot drift. */
export const registryPaths = {
  configFile(version: RegistryMajor): string {
    return version === "3" ? "/etc/distribution/config.yml" : "/etc/docker/registry/config.yml";
  },
  dataDir: "/var/lib/registry",
  authDir: "/auth",
  htpasswdFile: "/auth/htpasswd",
  port: 5000,
  debugPort: 5001,
} as const;

export const redisPaths = {
  configFile: "/usr/local/etc/redis/redis.conf",
  port: 6379,
} as const;

export const uiPaths = {
  port: 80,
} as const;

/** Internal DNS names on the platform network. */
export const serviceNames = {
  registry: "registry",
  redis: "redis",
  ui: "ui",
  mirror: (name: string) => `mirror-${name}`,
} as const;
