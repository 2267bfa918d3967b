/**
 * `promtool test rules` files for the rendered rules: for every alert, synthetic series that make it
 * fire, and series beside them (and an earlier evaluation) where it must not. They are derived from
 * the same thresholds as the rules, so a stack's own thresholds are what is tested.
 */
import { toYaml } from "../yaml";
import { monitoringPaths } from "../paths";
import { AlertRule, alertRules, renderRules, RulesInput } from "./rules";

interface Series {
  readonly series: string;
  readonly values: string;
}
interface ExpectedAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}
interface AlertCheck {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpectedAlert[];
}
interface TestGroup {
  readonly interval: string;
  readonly input_series: readonly Series[];
  readonly alert_rule_test: readonly AlertCheck[];
}

const labelsText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;
const s = (name: string, labels: Record<string, string>, values: string): Series => ({ series: `${name}${labelsText(labels)}`, values });

/** An annotation as Alertmanager gets it: the rules use `{{ $labels.<name> }}` templates only. */
function expand(text: string, labels: Record<string, string>): string {
  return text.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => labels[name] ?? "");
}

/** What an alert is when it fires: the series' grouping labels and the rule's own, and its annotations. */
function expected(rule: AlertRule, labels: Record<string, string>): ExpectedAlert {
  const all = { ...labels, ...rule.labels };
  return { exp_labels: all, exp_annotations: { summary: expand(rule.annotations.summary, all), description: expand(rule.annotations.description, all) } };
}

/** One check that it fires for `fires` at `at`, and one that nothing fires at `before`. */
function checks(rule: AlertRule, at: string, before: string, fires: Record<string, string>[]): AlertCheck[] {
  return [
    { eval_time: before, alertname: rule.alert, exp_alerts: [] },
    { eval_time: at, alertname: rule.alert, exp_alerts: fires.map((l) => expected(rule, l)) },
  ];
}

const m = (n: number) => `${n}m`;

/** The rule tests, one group per alert (each with its own series), minute by minute. */
function minuteGroups(input: RulesInput, byName: Map<string, AlertRule>): TestGroup[] {
  const t = input.thresholds;
  const groups: TestGroup[] = [];
  const rule = (name: string) => byName.get(name)!;
  const length = 200;

  const edge = { job: "edge", service: "edge", instance: "edge:9180" };
  const otherEdge = { job: "edge", service: "edge-b", instance: "edge-b:9180" };
  groups.push({
    interval: "1m",
    input_series: [s("up", edge, `0x${length}`), s("up", otherEdge, `1x${length}`)],
    alert_rule_test: checks(rule("RegstackEdgeDown"), m(t.downMinutes + 1), m(t.downMinutes - 1), [edge]),
  });

  const registry = { job: "registry", service: "registry", instance: "registry:5001" };
  const cache = { job: "cache", service: "mirror-a", instance: "mirror-a:5001" };
  groups.push({
    interval: "1m",
    input_series: [s("up", registry, `0x${length}`), s("up", cache, `1x${length}`)],
    alert_rule_test: checks(rule("RegstackServiceDown"), m(t.downMinutes + 1), m(t.downMinutes - 1), [registry]),
  });

  const node = { job: "node", service: "node-exporter", instance: "node-exporter:9100" };
  const alertmanager = { job: "alertmanager", service: "alertmanager", instance: "alertmanager:9093" };
  const targetFor = Math.max(t.downMinutes, 5);
  groups.push({
    interval: "1m",
    input_series: [s("up", node, `0x${length}`), s("up", alertmanager, `1x${length}`)],
    alert_rule_test: checks(rule("RegstackMonitoringTargetDown"), m(targetFor + 1), m(targetFor - 1), [node]),
  });

  // 1,000 requests a minute per service: one point above the threshold, and one below it.
  const perMinute = 1000;
  const errorsAbove = (t.errorPercent + 1) * 10;
  const errorsBelow = (t.errorPercent - 1) * 10;
  const requests = (service: string, code: string, n: number) => s("registry_http_requests_total", { service, code, handler: "manifest", method: "GET" }, `0+${n}x${length}`);
  groups.push({
    interval: "1m",
    input_series: [
      requests("registry", "200", perMinute - errorsAbove),
      requests("registry", "500", errorsAbove),
      requests("mirror-a", "200", perMinute - errorsBelow),
      requests("mirror-a", "503", errorsBelow),
    ],
    // rate() needs two samples; the ratio holds from then on.
    alert_rule_test: checks(rule("RegstackHighErrorRatio"), m(t.errorMinutes + 2), m(t.errorMinutes - 1), [{ service: "registry" }]),
  });

  // Every request of "registry" takes between half and twice the threshold (p95 about 1.9 times it);
  // every request of "mirror-a" under half of it.
  const threshold = t.manifestP95Ms / 1000;
  const bucket = (service: string, le: string, n: number) => s("registry_http_request_duration_seconds_bucket", { service, handler: "manifest", le }, `0+${n}x${length}`);
  const lows = [String(threshold / 2), String(threshold * 2), "+Inf"];
  groups.push({
    interval: "1m",
    input_series: [bucket("registry", lows[0], 0), bucket("registry", lows[1], 100), bucket("registry", lows[2], 100), bucket("mirror-a", lows[0], 100), bucket("mirror-a", lows[1], 100), bucket("mirror-a", lows[2], 100)],
    alert_rule_test: checks(rule("RegstackSlowManifests"), m(t.latencyMinutes + 2), m(t.latencyMinutes - 1), [{ service: "registry" }]),
  });

  // Disks of 1,000 bytes: one between the warning and the critical share, one above critical, one below both.
  const size = 1000;
  const between = Math.floor((t.storageWarningPercent + t.storageCriticalPercent) / 2) + 0.5;
  const disk = (mountpoint: string, usedPercent: number) => [
    s("node_filesystem_size_bytes", { mountpoint, service: "node-exporter" }, `${size}x${length}`),
    s("node_filesystem_avail_bytes", { mountpoint, service: "node-exporter" }, `${size - usedPercent * 10}x${length}`),
  ];
  const registryDisk = monitoringPaths.nodeExporter.registryData;
  const cacheDisk = `${monitoringPaths.nodeExporter.cacheDataPrefix}a`;
  const quietDisk = `${monitoringPaths.nodeExporter.cacheDataPrefix}b`;
  const storageSeries = [...disk(registryDisk, between), ...disk(cacheDisk, t.storageCriticalPercent + 0.5), ...disk(quietDisk, t.storageWarningPercent - 0.5), ...disk("/etc/hosts", 99.5)];
  groups.push({
    interval: "1m",
    input_series: storageSeries,
    alert_rule_test: [
      ...checks(rule("RegstackStorageFilling"), m(16), m(14), [
        { mountpoint: registryDisk, service: "node-exporter" },
        { mountpoint: cacheDisk, service: "node-exporter" },
      ]),
      ...checks(rule("RegstackStorageCritical"), m(6), m(4), [{ mountpoint: cacheDisk, service: "node-exporter" }]),
    ],
  });

  // One disk loses room at twice the rate that fills it within the threshold; one stays as it is.
  const room = 1e9;
  const loss = Math.ceil((2 * room) / (t.fullWithinDays * 1440));
  groups.push({
    interval: "1m",
    input_series: [
      s("node_filesystem_avail_bytes", { mountpoint: registryDisk, service: "node-exporter" }, `${room}-${loss}x${length}`),
      s("node_filesystem_avail_bytes", { mountpoint: cacheDisk, service: "node-exporter" }, `${room}x${length}`),
    ],
    alert_rule_test: checks(rule("RegstackStorageFullSoon"), m(62), m(58), [{ mountpoint: registryDisk, service: "node-exporter" }]),
  });

  groups.push({
    interval: "1m",
    input_series: [s("regstack_job_last_exit_code", { operation: "gc", stack: "test" }, `1x${length}`), s("regstack_job_last_exit_code", { operation: "backup", stack: "test" }, `0x${length}`)],
    alert_rule_test: [{ eval_time: m(1), alertname: "RegstackJobFailed", exp_alerts: [expected(rule("RegstackJobFailed"), { operation: "gc", stack: "test" })] }],
  });

  const max = 100_000_000;
  const redis = (instance: string, usedPercent: number, limit: number) => [
    s("redis_memory_used_bytes", { instance }, `${Math.round((max * usedPercent) / 100)}x${length}`),
    s("redis_memory_max_bytes", { instance }, `${limit}x${length}`),
  ];
  groups.push({
    interval: "1m",
    input_series: [...redis("full:9121", t.redisMemoryPercent + 0.5, max), ...redis("roomy:9121", t.redisMemoryPercent - 0.5, max), ...redis("unbounded:9121", 50, 0)],
    alert_rule_test: [
      { eval_time: m(9), alertname: "RegstackRedisMemoryHigh", exp_alerts: [] },
      { eval_time: m(11), alertname: "RegstackRedisMemoryHigh", exp_alerts: [expected(rule("RegstackRedisMemoryHigh"), { instance: "full:9121" })] },
    ],
  });

  groups.push({
    interval: "1m",
    input_series: [
      s("registry_notifications_pending", { service: "registry", endpoint: "ops" }, `${t.pendingEvents + 1}x${length}`),
      s("registry_notifications_pending", { service: "registry", endpoint: "quiet" }, `${t.pendingEvents}x${length}`),
    ],
    alert_rule_test: checks(rule("RegstackEventsBackingUp"), m(11), m(9), [{ service: "registry", endpoint: "ops" }]),
  });
  return groups;
}

/** The age alerts, hour by hour: a job that never succeeded, and one that succeeded an hour ago. */
function hourGroups(input: RulesInput, byName: Map<string, AlertRule>): TestGroup[] {
  if (!input.backups) return [];
  const t = input.thresholds;
  const group = (alert: string, operation: string, limitHours: number): TestGroup => {
    const at = limitHours + 1;
    const stale = { operation, service: "stale" };
    const fresh = { operation, service: "fresh" };
    return {
      interval: "1h",
      input_series: [
        s("regstack_job_last_success_timestamp_seconds", stale, `0x${at + 1}`),
        // Succeeded every hour: at most an hour old at any time.
        s("regstack_job_last_success_timestamp_seconds", fresh, `0+3600x${at + 1}`),
      ],
      alert_rule_test: checks(byName.get(alert)!, `${at}h`, `${limitHours - 1}h`, [stale]),
    };
  };
  return [group("RegstackBackupTooOld", "backup", t.backupAgeHours), group("RegstackDrillTooOld", "drill", t.drillAgeDays * 24)];
}

/**
 * The certificate alert, day by day, on the stack's own expression with a stand-in expiry 30 days
 * after the epoch: promtool evaluates every step from the epoch, so a real expiry would take
 * twenty thousand steps. It renders its own rules file for that.
 */
function certificateGroup(input: RulesInput, rulesFile: string): { rules: string; tests: string } | undefined {
  if (input.certificates.length === 0) return undefined;
  const days = input.thresholds.certificateDays;
  const expiresDay = days + 30;
  const standIn: RulesInput = { ...input, certificates: [{ name: input.certificates[0].name, notAfter: expiresDay * 86400 }] };
  const rule = alertRules(standIn).find((r) => r.alert === "RegstackCertificateExpiring")!;
  const group: TestGroup = {
    interval: "24h",
    input_series: [],
    alert_rule_test: [
      { eval_time: `${(expiresDay - days - 1) * 24}h`, alertname: rule.alert, exp_alerts: [] },
      { eval_time: `${(expiresDay - days + 1) * 24}h`, alertname: rule.alert, exp_alerts: [expected(rule, { certificate: input.certificates[0].name })] },
    ],
  };
  return { rules: renderRules(standIn), tests: toYaml({ rule_files: [rulesFile], evaluation_interval: "24h", tests: [group] }) };
}

/**
 * The rule test files, by name: `minutes.yml` (1m evaluation) and `hours.yml` (1h) test `rulesFile`;
 * with watched certificates, `days.yml` tests `certificate-rules.yml`, which it brings along.
 */
export function renderRuleTests(input: RulesInput, rulesFile: string): Record<string, string> {
  const byName = new Map(alertRules(input).map((r) => [r.alert, r]));
  const file = (interval: string, tests: TestGroup[]) => toYaml({ rule_files: [rulesFile], evaluation_interval: interval, tests });
  const files: Record<string, string> = { "minutes.yml": file("1m", minuteGroups(input, byName)) };
  const hours = hourGroups(input, byName);
  if (hours.length > 0) files["hours.yml"] = file("1h", hours);
  const certificates = certificateGroup(input, "certificate-rules.yml");
  if (certificates) {
    files["certificate-rules.yml"] = certificates.rules;
    files["days.yml"] = certificates.tests;
  }
  return files;
}
