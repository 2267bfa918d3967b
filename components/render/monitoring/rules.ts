/**
 * The alert rules (a Prometheus rules file), from the thresholds in config. Every expression reads
 * names from metricNames.ts, and works on registry 2.8 and 3.x alike (a 3.x-only series is simply
 * absent on 2.8, so its alert stays silent there).
 */
import { AlertThresholds } from "../../config/types";
import { monitoringPaths } from "../paths";
import { toYaml } from "../yaml";
import { jobMetrics, nodeMetrics, redisMetrics, registryLineMetrics, registryMetrics } from "./metricNames";

/** A certificate regstack (not Caddy) must renew, and when it expires. */
export interface WatchedCertificate {
  /** Which one: "edge/server.crt". */
  readonly name: string;
  /** Its notAfter, in seconds since the epoch. */
  readonly notAfter: number;
}

export interface RulesInput {
  /** The stack's thresholds (config's defaults where it says nothing). */
  readonly thresholds: AlertThresholds;
  /** Certificates with an expiry alert (the provided mode's server certificate, the internal mode's intermediates). */
  readonly certificates: readonly WatchedCertificate[];
  /** Whether backups (and so their drills) are scheduled: their age alerts exist only then. */
  readonly backups: boolean;
}

/** One alerting rule, as Prometheus' rules file holds it. */
export interface AlertRule {
  /** Its name (`Regstack…`). */
  readonly alert: string;
  /** The PromQL condition. */
  readonly expr: string;
  /** How long the condition holds before it fires. */
  readonly for?: string;
  /** Severity, and `behind_edge` on the alerts a down edge inhibits. */
  readonly labels: { readonly severity: "warning" | "critical"; readonly behind_edge?: "true" };
  /** Templated with `$labels` only, so the rule tests can state them. */
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** The data disks node-exporter sees: the registry's, and each cache's on its node. */
export const DATA_MOUNTS = `${monitoringPaths.nodeExporter.registryData}|${monitoringPaths.nodeExporter.cacheDataPrefix}.+`;

const minutes = (n: number) => `${n}m`;

export function alertRules(input: RulesInput): AlertRule[] {
  const t = input.thresholds;
  const disk = `${nodeMetrics.avail}{mountpoint=~"${DATA_MOUNTS}"}`;
  const used = `(1 - ${disk} / ${nodeMetrics.size}{mountpoint=~"${DATA_MOUNTS}"}) * 100`;
  const requests = registryMetrics.requests;
  const rules: AlertRule[] = [
    {
      alert: "RegstackEdgeDown",
      expr: `up{job="edge"} == 0`,
      for: minutes(t.downMinutes),
      labels: { severity: "critical" },
      annotations: { summary: "The edge {{ $labels.service }} is down", description: "Prometheus has not reached the edge's metrics listener ({{ $labels.instance }}): clients may reach nothing behind it." },
    },
    {
      alert: "RegstackServiceDown",
      expr: `up{job=~"registry|cache"} == 0`,
      for: minutes(t.downMinutes),
      labels: { severity: "critical", behind_edge: "true" },
      annotations: { summary: "{{ $labels.service }} is down", description: "Prometheus has not reached {{ $labels.service }} ({{ $labels.instance }}) for the last scrapes." },
    },
    {
      alert: "RegstackMonitoringTargetDown",
      expr: `up{job=~"redis|node|alertmanager|grafana"} == 0`,
      for: minutes(Math.max(t.downMinutes, 5)),
      labels: { severity: "warning" },
      annotations: { summary: "{{ $labels.job }} is not scraped", description: "{{ $labels.instance }} does not answer: the alerts that read it are blind." },
    },
    {
      alert: "RegstackHighErrorRatio",
      expr: `sum by (service) (rate(${requests}{code=~"5.."}[5m])) / sum by (service) (rate(${requests}[5m])) * 100 > ${t.errorPercent}`,
      for: minutes(t.errorMinutes),
      labels: { severity: "warning", behind_edge: "true" },
      annotations: { summary: "{{ $labels.service }} answers too many requests with 5xx", description: `Above ${t.errorPercent} % for ${t.errorMinutes} minutes.` },
    },
    {
      alert: "RegstackSlowManifests",
      expr: `histogram_quantile(0.95, sum by (service, le) (rate(${registryMetrics.duration}_bucket{handler="manifest"}[5m]))) * 1000 > ${t.manifestP95Ms}`,
      for: minutes(t.latencyMinutes),
      labels: { severity: "warning", behind_edge: "true" },
      annotations: { summary: "Manifest requests to {{ $labels.service }} are slow", description: `p95 above ${t.manifestP95Ms} ms for ${t.latencyMinutes} minutes.` },
    },
    {
      alert: "RegstackStorageFilling",
      expr: `${used} > ${t.storageWarningPercent}`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: { summary: "{{ $labels.mountpoint }} is filling up", description: `Above ${t.storageWarningPercent} %: run retention and GC, or add room.` },
    },
    {
      alert: "RegstackStorageCritical",
      expr: `${used} > ${t.storageCriticalPercent}`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: { summary: "{{ $labels.mountpoint }} is nearly full", description: `Above ${t.storageCriticalPercent} %: pushes will fail when it is full.` },
    },
    {
      alert: "RegstackStorageFullSoon",
      expr: `predict_linear(${disk}[6h], ${t.fullWithinDays} * 86400) < 0`,
      for: "1h",
      labels: { severity: "warning" },
      annotations: { summary: `{{ $labels.mountpoint }} fills within ${t.fullWithinDays} days`, description: "At the rate of the last 6 hours." },
    },
    {
      alert: "RegstackJobFailed",
      expr: `${jobMetrics.lastExitCode} != 0`,
      labels: { severity: "warning" },
      annotations: { summary: "The last {{ $labels.operation }} run failed", description: "See the scheduler's log, or run it by hand (README, Operations)." },
    },
    {
      alert: "RegstackRedisMemoryHigh",
      expr: `${redisMetrics.used} / ${redisMetrics.max} * 100 > ${t.redisMemoryPercent} and ${redisMetrics.max} > 0`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: { summary: `Redis uses more than ${t.redisMemoryPercent} % of its maxmemory`, description: "It evicts descriptors (allkeys-lru): raise regstack:redis.maxMemoryMb if hits drop." },
    },
    {
      alert: "RegstackEventsBackingUp",
      expr: `sum by (service, endpoint) (${registryLineMetrics.notificationsPending3}) > ${t.pendingEvents}`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: { summary: "Registry events back up for {{ $labels.endpoint }}", description: "The notification endpoint is failing or slow (registry 3.x exports this queue; 2.8 does not)." },
    },
  ];
  if (input.backups) {
    rules.push(
      {
        alert: "RegstackBackupTooOld",
        expr: `time() - ${jobMetrics.lastSuccess}{operation="backup"} > ${t.backupAgeHours} * 3600`,
        labels: { severity: "critical" },
        annotations: { summary: `The last successful backup is older than ${t.backupAgeHours} hours`, description: "See the backup job's log; `restic snapshots` lists what exists." },
      },
      {
        alert: "RegstackDrillTooOld",
        expr: `time() - ${jobMetrics.lastSuccess}{operation="drill"} > ${t.drillAgeDays} * 86400`,
        labels: { severity: "critical" },
        annotations: { summary: `No restore drill has passed for ${t.drillAgeDays} days`, description: "Backups that were not restored are not known to restore." },
      },
    );
  }
  if (input.certificates.length > 0) {
    // One rule: days left per certificate, each labelled with its name.
    const daysLeft = input.certificates.map((c) => `label_replace((vector(${c.notAfter}) - time()) / 86400, "certificate", "${c.name}", "", "")`).join(" or ");
    rules.push({
      alert: "RegstackCertificateExpiring",
      expr: `(${daysLeft}) < ${t.certificateDays}`,
      labels: { severity: "warning" },
      annotations: { summary: "{{ $labels.certificate }} expires soon", description: `Within ${t.certificateDays} days. Renew it: \`pulumi up\` replaces a generated one; a supplied one needs a new regstack:tls.certificate.` },
    });
  }
  return rules;
}

/** The rules file Prometheus loads. */
export function renderRules(input: RulesInput): string {
  return toYaml({ groups: [{ name: "regstack", rules: alertRules(input) }] });
}
