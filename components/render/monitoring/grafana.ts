/**
 * Grafana's provisioning: the Prometheus datasource, the dashboard provider, and the registry
 * dashboard. Panel queries read names from metricNames.ts; a panel for a 3.x-only series says so.
 */
import { monitoringPaths } from "../paths";
import { toYaml } from "../yaml";
import { edgeMetrics, jobMetrics, nodeMetrics, redisMetrics, registryLineMetrics, registryMetrics, storageMetrics } from "./metricNames";
import { DATA_MOUNTS } from "./rules";

/** The datasource's uid, which every panel names. */
export const DATASOURCE_UID = "regstack-prometheus";
export const DASHBOARD_UID = "regstack-registry";

/** datasources/regstack.yml: Prometheus on the platform network, not editable in the UI. */
export function renderGrafanaDatasource(prometheusUrl: string): string {
  return toYaml({
    apiVersion: 1,
    datasources: [{ name: "Prometheus", uid: DATASOURCE_UID, type: "prometheus", access: "proxy", url: prometheusUrl, isDefault: true, editable: false, jsonData: { timeInterval: "30s" } }],
  });
}

/** dashboards/regstack.yml: the dashboards directory, read-only in the UI. */
export function renderGrafanaDashboardProvider(): string {
  return toYaml({
    apiVersion: 1,
    providers: [{ name: "regstack", folder: "regstack", type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: monitoringPaths.grafana.dashboardsDir } }],
  });
}

interface Query {
  readonly expr: string;
  readonly legend: string;
}
export interface Panel {
  readonly title: string;
  readonly description: string;
  readonly kind: "timeseries" | "stat" | "bargauge" | "table";
  readonly unit: string;
  readonly queries: readonly Query[];
}

const RATE = "$__rate_interval";
const q = (expr: string, legend: string): Query => ({ expr, legend });

/** The registry dashboard's panels, in reading order. */
export function dashboardPanels(): Panel[] {
  const r = registryMetrics;
  return [
    {
      title: "Requests by method and route",
      description: "Requests per second the registry and the caches answer, by HTTP method and API route (handler).",
      kind: "timeseries",
      unit: "reqps",
      queries: [q(`sum by (service, method, handler) (rate(${r.requests}[${RATE}]))`, "{{service}} {{method}} {{handler}}")],
    },
    {
      title: "Latency p50 and p95",
      description: "Request duration by route, 50th and 95th percentile.",
      kind: "timeseries",
      unit: "s",
      queries: [
        q(`histogram_quantile(0.5, sum by (handler, le) (rate(${r.duration}_bucket{job="registry"}[${RATE}])))`, "p50 {{handler}}"),
        q(`histogram_quantile(0.95, sum by (handler, le) (rate(${r.duration}_bucket{job="registry"}[${RATE}])))`, "p95 {{handler}}"),
      ],
    },
    {
      title: "Error ratio",
      description: "Share of 5xx answers per service.",
      kind: "timeseries",
      unit: "percentunit",
      queries: [q(`sum by (service) (rate(${r.requests}{code=~"5.."}[${RATE}])) / sum by (service) (rate(${r.requests}[${RATE}]))`, "{{service}}")],
    },
    {
      title: "Bytes in and out",
      description: "Request bodies received (pushes) and responses sent (pulls), per service.",
      kind: "timeseries",
      unit: "Bps",
      queries: [q(`sum by (service) (rate(${r.requestSize}_sum[${RATE}]))`, "in {{service}}"), q(`sum by (service) (rate(${r.responseSize}_sum[${RATE}]))`, "out {{service}}")],
    },
    {
      title: "Edge answers by status",
      description: "Requests per second at the edge (Caddy), by status code.",
      kind: "timeseries",
      unit: "reqps",
      queries: [q(`sum by (service, code) (rate(${edgeMetrics.duration}_count[${RATE}]))`, "{{service}} {{code}}")],
    },
    {
      title: "Storage used",
      description: "The registry's blobs, each stored once, as the storage-usage job measured them.",
      kind: "timeseries",
      unit: "bytes",
      queries: [q(storageMetrics.total, "registry blobs")],
    },
    {
      title: "Data disks used",
      description: "Used share of the registry's and the caches' disks, as node-exporter sees them.",
      kind: "bargauge",
      unit: "percentunit",
      queries: [q(`1 - ${nodeMetrics.avail}{mountpoint=~"${DATA_MOUNTS}"} / ${nodeMetrics.size}{mountpoint=~"${DATA_MOUNTS}"}`, "{{mountpoint}}")],
    },
    {
      title: "Storage growth per day",
      description: "How fast the registry's blobs grow, from the last 6 hours.",
      kind: "timeseries",
      unit: "bytes",
      queries: [q(`deriv(${storageMetrics.total}[6h]) * 86400`, "growth per day")],
    },
    {
      title: "Biggest repositories",
      description: "Bytes each repository links (a blob shared by several counts in each).",
      kind: "bargauge",
      unit: "bytes",
      queries: [q(`topk(10, ${storageMetrics.repository})`, "{{repository}}")],
    },
    {
      title: "Cache hits and misses per upstream",
      description: "Pull-through caches: requests served from the cache and fetched upstream, per cache (registry 3.x exports these; 2.8 does not).",
      kind: "timeseries",
      unit: "reqps",
      queries: [
        q(`sum by (service, upstream) (rate(${registryLineMetrics.proxyHits3}[${RATE}]))`, "hits {{service}}"),
        q(`sum by (service, upstream) (rate(${registryLineMetrics.proxyMisses3}[${RATE}]))`, "misses {{service}}"),
      ],
    },
    {
      title: "Redis hit ratio",
      description: "Share of blob-descriptor lookups Redis answered.",
      kind: "timeseries",
      unit: "percentunit",
      queries: [q(`rate(${redisMetrics.hits}[${RATE}]) / (rate(${redisMetrics.hits}[${RATE}]) + rate(${redisMetrics.misses}[${RATE}]))`, "hit ratio")],
    },
    {
      title: "Backup and drill age",
      description: "Time since the last successful backup and restore drill (0 in the metric: never).",
      kind: "stat",
      unit: "s",
      queries: [q(`time() - ${jobMetrics.lastSuccess}{operation=~"backup|drill"}`, "{{operation}}")],
    },
    {
      title: "Jobs' durations",
      description: "How long each scheduled operation's last run took.",
      kind: "bargauge",
      unit: "s",
      queries: [q(jobMetrics.lastDuration, "{{operation}}")],
    },
    {
      title: "Alerts firing",
      description: "Alerts firing now, by name.",
      kind: "table",
      unit: "short",
      queries: [q(`sum by (alertname, severity) (ALERTS{alertstate="firing"})`, "{{alertname}}")],
    },
  ];
}

const GRID_WIDTH = 24;

/** The registry dashboard, as Grafana's JSON model (two panels a row). */
export function renderDashboard(): string {
  const panels = dashboardPanels().map((p, i) => ({
    id: i + 1,
    type: p.kind,
    title: p.title,
    description: p.description,
    datasource: { type: "prometheus", uid: DATASOURCE_UID },
    gridPos: { x: (i % 2) * (GRID_WIDTH / 2), y: Math.floor(i / 2) * 8, w: GRID_WIDTH / 2, h: 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: {},
    targets: p.queries.map((query, j) => ({ refId: String.fromCharCode(65 + j), expr: query.expr, legendFormat: query.legend, datasource: { type: "prometheus", uid: DATASOURCE_UID } })),
  }));
  const dashboard = {
    uid: DASHBOARD_UID,
    title: "regstack registry",
    tags: ["regstack"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
