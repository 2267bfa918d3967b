/** Prometheus: scrapes every service on the platform network and evaluates the alert rules. */
import * as pulumi from "@pulumi/pulumi";
import { MonitoringSpec, Secret } from "../../config/types";
import { monitoringPaths } from "../../render/paths";
import { ScrapeTarget, renderPrometheusConfig } from "../../render/monitoring/prometheus";
import { KeepPolicy, ServiceDescription, ServiceFile } from "../description";

export const PROMETHEUS_ID = "prometheus";
/** The image's own user (nobody). */
export const MONITORING_USER = "65534:65534";

export interface PrometheusServiceArgs {
  /** The stack's name (every series' `stack` label). */
  readonly stack: string;
  /** Retention, scrape interval. */
  readonly monitoring: MonitoringSpec;
  /** The node it runs on (the registry's). */
  readonly placement: string;
  /** What it scrapes. */
  readonly targets: readonly ScrapeTarget[];
  /** host:port of Alertmanager. */
  readonly alertmanager: string;
  /** The rules file's text (it names certificates' expiry, known once they exist). */
  readonly rules: pulumi.Input<string>;
  /** Its samples: kept like the caches (refillable history, never protected). */
  readonly keep: KeepPolicy;
  /** Ids of the services it reaches on the platform network as a client would (exporters, the edge's metrics). */
  readonly connectsTo: readonly string[];
  /** Ids of the services whose scrape-only listeners it reads (the registry's and the caches' debug ports). */
  readonly scrapes: readonly string[];
  /** Its login at other hosts' edges (per host, when a cache runs on another host), and the CA of their certificates (none with ACME). */
  readonly remoteLogin?: { readonly username: string; readonly password: Secret; readonly caCertPem?: pulumi.Output<string> };
}

export function prometheusService(args: PrometheusServiceArgs): ServiceDescription {
  const p = monitoringPaths.prometheus;
  const login = args.remoteLogin;
  const config = renderPrometheusConfig({
    stack: args.stack,
    scrapeInterval: args.monitoring.scrapeInterval,
    rulesFile: p.rulesFile.slice(p.configFile.lastIndexOf("/") + 1),
    alertmanager: args.alertmanager,
    targets: args.targets,
    remoteLogin: login ? { username: login.username, passwordFile: p.scrapePasswordFile, caFile: login.caCertPem ? p.caFile : undefined } : undefined,
  });
  // Prometheus reads a password_file and a ca_file at every scrape.
  const loginFiles: ServiceFile[] = login
    ? [
        ...(login.caCertPem ? [{ path: p.caFile, content: login.caCertPem, secret: false, onChange: "restart" as const, mode: "0444" }] : []),
        { path: p.scrapePasswordFile, content: login.password, secret: true, onChange: "restart", mode: "0444" },
      ]
    : [];
  return {
    id: PROMETHEUS_ID,
    role: PROMETHEUS_ID,
    component: "Prometheus",
    placement: args.placement,
    image: "prometheus",
    aliases: [PROMETHEUS_ID],
    command: [
      `--config.file=${p.configFile}`,
      `--storage.tsdb.path=${p.dataDir}`,
      `--storage.tsdb.retention.time=${args.monitoring.retention}`,
      `--web.listen-address=:${p.port}`,
    ],
    env: {},
    secretEnv: {},
    files: [
      { path: p.configFile, content: config, secret: false, onChange: "restart", mode: "0444" },
      { path: p.rulesFile, content: args.rules, secret: false, onChange: "restart", mode: "0444" },
      ...loginFiles,
    ],
    data: { path: p.dataDir, name: PROMETHEUS_ID, keep: args.keep, owner: MONITORING_USER, size: "small" },
    scratch: [{ path: "/tmp", sizeMb: 16, mode: "1777" }],
    ports: [{ name: "http", port: p.port, published: false }],
    probe: { kind: "http", port: p.port, path: "/-/healthy" },
    user: MONITORING_USER,
    capabilities: [],
    readOnlyRoot: true,
    // Its TSDB is locked by one process at a time.
    overlapOnUpdate: false,
    resources: "prometheus",
    dependsOn: [],
    connectsTo: args.connectsTo,
    scrapes: args.scrapes,
  };
}
