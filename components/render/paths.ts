import { RegistryMajor } from "../config/types";

/** Paths and ports inside the containers, shared by renderers and components so they cannot drift. */
export const registryPaths = {
  configFile(version: RegistryMajor): string {
    return version === "3" ? "/etc/distribution/config.yml" : "/etc/docker/registry/config.yml";
  },
  dataDir: "/var/lib/registry",
  port: 5000,
  debugPort: 5001,
} as const;

export const redisPaths = {
  configFile: "/usr/local/etc/redis/redis.conf",
  /** The secret part of Redis's config (requirepass), included by redis.conf. */
  authFile: "/usr/local/etc/redis/auth.conf",
  port: 6379,
} as const;

export const uiPaths = {
  port: 80,
} as const;

/** The Caddy edge: its live config directory (written by a job, watched by Caddy) and its state. */
export const edgePaths = {
  liveDir: "/etc/caddy/live",
  caddyfile: "/etc/caddy/live/Caddyfile",
  /** The users' bcrypt hashes, imported by the Caddyfile (secret). */
  usersFile: "/etc/caddy/live/users",
  /** The users' names, imported by the Caddyfile's stranger matchers (written with the users file, as a secret; see renderKnownNames). */
  namesFile: "/etc/caddy/live/names",
  /** The users' names again, as the matchers that log a failed login's user name (secret; see renderLoginErrors). */
  loginsFile: "/etc/caddy/live/logins",
  /** The scrape login's bcrypt hash, imported by a metrics site (secret; another host's edge only). */
  scrapersFile: "/etc/caddy/live/scrapers",
  rootCert: "/etc/caddy/live/root.crt",
  intermediateCert: "/etc/caddy/live/intermediate.crt",
  intermediateKey: "/etc/caddy/live/intermediate.key",
  serverCert: "/etc/caddy/live/server.crt",
  serverKey: "/etc/caddy/live/server.key",
  dataDir: "/data",
  configDir: "/config",
  /** Internal-only listener with Caddy's Prometheus metrics (also its healthcheck). */
  metricsPort: 9180,
  acmeHttpPort: 80,
} as const;

/** The edge's failed-login guard: the access log it follows, the blocked addresses it writes, its script. */
export const guardPaths = {
  /** The edge writes its access log here (JSON lines, rolled); the guard reads it. */
  logDir: "/var/log/caddy",
  accessLog: "/var/log/caddy/access.log",
  /** One empty file per blocked address, named after it; the edge reads it. */
  blockedDir: "/run/regstack/guard",
  script: "/opt/regstack/guard/guard.sh",
} as const;

/** Monitoring: where each service reads its rendered files, keeps its data, and listens. */
export const monitoringPaths = {
  prometheus: {
    configFile: "/etc/prometheus/prometheus.yml",
    rulesFile: "/etc/prometheus/rules/regstack.yml",
    /** The CA other hosts' edges chain to (per host, scraping through them). */
    caFile: "/etc/prometheus/ca.crt",
    /** Its password at other hosts' edges (secret). */
    scrapePasswordFile: "/etc/prometheus/secrets/scrape-password",
    dataDir: "/prometheus",
    port: 9090,
  },
  alertmanager: {
    configFile: "/etc/alertmanager/alertmanager.yml",
    /** One secret file per receiver credential (tokens, passwords), named after the receiver. */
    secretsDir: "/etc/alertmanager/secrets",
    dataDir: "/alertmanager",
    port: 9093,
  },
  nodeExporter: {
    port: 9100,
    /** Where it sees the registry's storage (read-only): the data disk's size and room. */
    registryData: "/srv/registry-data",
    /** Where it sees a cache's storage on its node (read-only), with the cache's name after it. */
    cacheDataPrefix: "/srv/cache-",
    /** Where it sees the jobs' working space (read-only); their textfiles are under metrics/. */
    jobsState: "/srv/regstack-ops",
  },
  redisExporter: { port: 9121 },
  grafana: {
    port: 3000,
    dataDir: "/var/lib/grafana",
    provisioning: "/etc/grafana/provisioning",
    datasource: "/etc/grafana/provisioning/datasources/regstack.yml",
    dashboardProvider: "/etc/grafana/provisioning/dashboards/regstack.yml",
    dashboardsDir: "/etc/grafana/dashboards",
    dashboard: "/etc/grafana/dashboards/registry.json",
  },
} as const;

/** Where client nodes keep what regstack puts on them. */
export const clientPaths = {
  dockerCertsDir: "/etc/docker/certs.d",
  k3sRegistries: "/etc/rancher/k3s/registries.yaml",
  k3sCa: "/etc/rancher/k3s/regstack-ca.crt",
  containerdCertsDir: "/etc/containerd/certs.d",
  containerdCa: "/etc/containerd/certs.d/regstack-ca.crt",
} as const;

/** The scheduler and its jobs: where scripts, programs, state and the edge's freeze flag are. */
export const jobPaths = {
  /** Scripts, the scheduler and the rendered schedule (read-only). */
  dir: "/opt/regstack/jobs",
  schedule: "/opt/regstack/jobs/schedule.json",
  /** The registry's config.yml, as the registry has it (garbage-collect reads its storage section). */
  registryConfig: "/opt/regstack/jobs/registry.yml",
  /** regsync's config, rendered from regstack:sync. */
  regsyncConfig: "/opt/regstack/jobs/regsync.yml",
  /** The retention rules, as rendered from config (JSON). */
  retentionRules: "/opt/regstack/jobs/retention.json",
  /** The restore drill's throwaway registry (read-only mode; storage and address from env). */
  drillConfig: "/opt/regstack/jobs/drill-registry.yml",
  /** Copies of the platform's rendered, non-secret config files: backed up with the data. */
  platformConfig: "/opt/regstack/jobs/platform",
  /** Programs borrowed from pinned images (restic, registry). */
  programs: "/opt/regstack/bin",
  /** The jobs' working space (backup stage, drill scratch, restic's cache, metrics). */
  state: "/var/lib/regstack-ops",
  metrics: "/var/lib/regstack-ops/metrics",
  /** Where a backup repository on the node (a volume or a host path) is mounted. */
  repository: "/backup",
  /** Shared with the edge: while the freeze file exists, the edge refuses writes with 503. */
  maintenanceDir: "/run/regstack/maintenance",
  freezeFile: "/run/regstack/maintenance/writes-frozen",
  /**
   * Group locks, on the jobs' working space: on Kubernetes every job runs in its own pod and they
   * share this claim. A holder renews its lease while it runs; a dead holder's lock is taken over.
   */
  locks: "/var/lib/regstack-ops/locks",
  /** Touched by the scheduler at least once a minute: its health probe. */
  heartbeat: "/tmp/regstack/heartbeat",
  drillPort: 5999,
} as const;
