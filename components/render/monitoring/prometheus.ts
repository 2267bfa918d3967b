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
  readonly path?: string;
  /** Further labels (a cache's upstream). */
  readonly labels?: Readonly<Record<string, string>>;
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
}

/** prometheus.yml; every target is a static address on the platform network, labelled with its service. */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const jobs = [...new Set(input.targets.map((t) => t.job))];
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
    scrape_configs: jobs.map((job) => {
      const targets = input.targets.filter((t) => t.job === job);
      const path = targets[0].path ?? "/metrics";
      return {
        job_name: job,
        metrics_path: path,
        static_configs: targets.map((t) => ({ targets: [t.address], labels: { service: t.service, ...(t.labels ?? {}) } })),
      };
    }),
  });
}
