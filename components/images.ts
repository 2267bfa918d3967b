/**
 * Every container image regstack runs, pinned to an explicit version. An upgrade is a one-line diff.
 * Keys are the roles the components ask for.
 */
export const images = {
  /** CNCF Distribution 3.x (the default line). */
  registry3: "registry:3.0.0",
  /** CNCF Distribution 2.8 (still supported; what Debian ships). */
  registry28: "registry:2.8.3",
  /** joxit/docker-registry-ui, the web UI. */
  ui: "joxit/docker-registry-ui:2.5.7",
  /** Redis, the registry's blob-descriptor cache. */
  redis: "redis:7.2.5-alpine",
  /** Caddy, the TLS front door. */
  edge: "caddy:2.8.4-alpine",
  /** Node on alpine: the job scheduler, the drill's verifier and the jobs' shell (busybox). */
  ops: "node:20.18.1-alpine3.20",
  /** restic, whose binary the backup jobs borrow. */
  restic: "restic/restic:0.17.3",
  /** regsync (regclient), whose binary the image sync job borrows (the alpine variant has a shell to copy it out). */
  regsync: "ghcr.io/regclient/regsync:v0.8.3-alpine",
  /** Prometheus (the 2.53 long-term-support line): scrapes every service, evaluates the alert rules. */
  prometheus: "prom/prometheus:v2.53.3",
  /** Alertmanager: routes Prometheus' alerts to the stack's receivers. */
  alertmanager: "prom/alertmanager:v0.27.0",
  /** node-exporter: the data disk's room and the jobs' textfile metrics. */
  nodeExporter: "prom/node-exporter:v1.8.2",
  /** redis_exporter: Redis' memory and hit ratio (the alpine variant has the wget its health check runs). */
  redisExporter: "oliver006/redis_exporter:v1.66.0-alpine",
  /** Grafana OSS: the provisioned datasource and registry dashboard. */
  grafana: "grafana/grafana-oss:11.3.1",
  /** busybox, for one-shot file and volume preparation jobs. */
  tools: "busybox:1.36.1",
} as const;

export type ImageRole = keyof typeof images;

/** Where a program lives in the image of a role, for jobs that borrow it (see ServiceDescription.borrows). */
export const programIn = {
  registry3: "/bin/registry",
  registry28: "/bin/registry",
  restic: "/usr/bin/restic",
  regsync: "/usr/local/bin/regsync",
} as const satisfies Partial<Record<ImageRole, string>>;
