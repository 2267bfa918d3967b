/** Prometheus' prometheus.yml: what it scrapes, its rules, and where its alerts go. */
import { toYaml } from "../yaml";

/** One scrape target: host:port on the platform network, and what its series are labelled with. */
export interface ScrapeTarget {
  /** The scrape job: registry, cache, edge, redis, node, alertmanager, prometheus, grafana. */
  readonly job: string;
  /** host:port. */
  readonly address: string;
  /** The service id it belongs to ("registry", "mirror-ghcr", "edge-fx8350"). */
  readonly service: string;
  /** Its metrics path (default /metrics). */
  readonly path?: string;
  /** Further labels (a cache's upstream). */
  readonly labels?: Readonly<Record<string, string>>;
  /** The host whose edge serves it (per host, another host's services): scraped over TLS with the remote login. */
  readonly via?: string;
}

/** How Prometheus logs in at another host's edge. */
export interface RemoteLogin {
  readonly username: string;
  /** The file holding the password (secret). */
  readonly passwordFile: string;
  /** The CA file the edges' certificates chain to; undefined trusts the system's CAs (ACME). */
  readonly caFile?: string;
}

export interface PrometheusConfigInput {
  /** The stack's name, an external label on every series. */
  readonly stack: string;
  /** How often targets are scraped and rules evaluated. */
  readonly scrapeInterval: string;
  /** The rules file, relative to prometheus.yml's directory. */
  readonly rulesFile: string;
  /** host:port of Alertmanager. */
  readonly alertmanager: string;
  readonly targets: readonly ScrapeTarget[];
  /** Needed when a target is scraped `via` another host's edge. */
  readonly remoteLogin?: RemoteLogin;
}

/** A target's labels in prometheus.yml: its service, its own labels, and its job and path when it shares a scrape config with others. */
function labelsOf(t: ScrapeTarget, shared: boolean): Record<string, string> {
  return { ...(shared ? { job: t.job, __metrics_path__: t.path ?? "/metrics" } : {}), service: t.service, ...(t.labels ?? {}) };
}

/** prometheus.yml; every target is a static address on the platform network, labelled with its service. */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const local = input.targets.filter((t) => t.via === undefined);
  const jobs = [...new Set(local.map((t) => t.job))];
  const vias = [...new Set(input.targets.flatMap((t) => (t.via === undefined ? [] : [t.via])))];
  return toYaml({
    global: {
      scrape_interval: input.scrapeInterval,
      evaluation_interval: input.scrapeInterval,
      scrape_timeout: "10s",
      external_labels: { stack: input.stack },
    },
    // Relative to the config file: the same in the container and in a rendered tree.
    rule_files: [input.rulesFile],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [input.alertmanager] }] }] },
    scrape_configs: [
      ...jobs.map((job) => {
        const targets = local.filter((t) => t.job === job);
        const path = targets[0].path ?? "/metrics";
        return {
          job_name: job,
          metrics_path: path,
          static_configs: targets.map((t) => ({ targets: [t.address], labels: labelsOf(t, false) })),
        };
      }),
      // One scrape config per other host: its edge's metrics site, each target's job and path as labels
      // (a target's own labels win over the config's), so `up{job="cache"}` holds every cache.
      ...vias.map((via) => {
        const login = input.remoteLogin;
        if (!login) throw new Error(`targets via ${via} need a remote login`);
        return {
          job_name: `via-${via}`,
          scheme: "https",
          basic_auth: { username: login.username, password_file: login.passwordFile },
          ...(login.caFile ? { tls_config: { ca_file: login.caFile } } : {}),
          static_configs: input.targets.filter((t) => t.via === via).map((t) => ({ targets: [t.address], labels: labelsOf(t, true) })),
        };
      }),
    ],
  });
}
