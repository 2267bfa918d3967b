/** Monitoring: Prometheus, its alert rules, Alertmanager's receivers and Grafana: `regstack:monitoring`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, duplicates, NAMESPACE, requireSecretAt } from "../checks";
import { bool, cron, int, listOf, object, oneOf, optional, required, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { dnsLabel, email, hostPort, httpsUrl } from "../patterns";
import { AlertReceiver, MonitoringSpec } from "../types";

/** A Prometheus duration: a number and a unit, e.g. `15d`, `12h`, `30s`. */
const promDuration = { pattern: /^[1-9]\d{0,5}(ms|s|m|h|d|w|y)$/, expected: 'a duration such as "30s", "12h" or "15d"' };

const receiver = object({
  name: required(str(dnsLabel), { type: "name", text: "The receiver's name (alert routes and messages show it)." }),
  kind: required(oneOf(["webhook", "ntfy", "email"] as const), { type: "`webhook`, `ntfy` or `email`", text: "Where alerts go: a JSON webhook, an ntfy topic, or mail." }),
  url: optional(str(httpsUrl), { type: "URL", text: "webhook: where alerts are POSTed; ntfy: the topic's URL (`https://ntfy.sh/<topic>`)." }),
  token: optional(str({ minLength: 1, maxLength: 1024, pattern: /^[\x21-\x7e]+$/, expected: "a token of printable characters without spaces", secret: true }), {
    type: "secret",
    text: "webhook and ntfy: sent as `Authorization: Bearer <token>` (ntfy access tokens `tk_…`). Set it with `--secret --path`.",
  }),
  to: optional(str(email), { type: "email", text: "email: the recipient." }),
  from: optional(str(email), { type: "email", text: "email: the sender." }),
  smarthost: optional(str(hostPort), { type: "host:port", text: "email: the SMTP server (STARTTLS is required)." }),
  username: optional(str({ minLength: 1, maxLength: 256, pattern: /^[^\s"\\]+$/, expected: "an SMTP user name without spaces or quotes" }), { type: "string", text: "email: the SMTP login." }),
  password: optional(str({ minLength: 1, maxLength: 1024, expected: "a password", secret: true }), { type: "secret", text: "email: the SMTP password. Set it with `--secret --path`." }),
  events: withDefault(bool(), false, {
    type: "boolean",
    text: "webhook and ntfy: also receive the registry's events (push, pull, delete), with the threshold and backoff of `regstack:notifications`.",
  }),
});

const threshold = (value: number, min: number, max: number, unit: string, text: string) => withDefault(int(min, max, ` (${unit})`), value, { type: unit, text });

export const monitoringKeys = {
  monitoring: section(
    {
      enabled: withDefault(bool(), false, {
        type: "boolean",
        text: "Run Prometheus, Alertmanager, node-exporter, redis_exporter (with Redis) and Grafana. The shipped dev and nas stacks turn it on.",
      }),
      retention: withDefault(str(promDuration), "15d", { type: "duration", text: "How long Prometheus keeps samples (its data is a retained volume)." }),
      scrapeInterval: withDefault(str(promDuration), "30s", { type: "duration", text: "How often every target is scraped and the rules are evaluated." }),
      usageSchedule: withDefault(cron(), "*/30 * * * *", { type: "cron", text: "When the storage-usage job measures the registry's storage (total and per repository)." }),
      grafana: withDefault(bool(), true, { type: "boolean", text: "Run Grafana behind the edge, with its own login (`admin`, password generated and exported as `grafanaPassword`)." }),
      receivers: withDefault(listOf(receiver), [], {
        type: "list",
        default: "none: alerts show in Prometheus, Alertmanager and Grafana only",
        text: "Where alerts go; each receiver gets every alert, grouped by alert and service.",
      }),
      thresholds: section(
        {
          downMinutes: threshold(2, 1, 1440, "minutes", "A registry, cache or edge unreachable this long fires `RegstackServiceDown`."),
          errorPercent: threshold(5, 1, 99, "percent", "Share of 5xx answers that fires `RegstackHighErrorRatio`…"),
          errorMinutes: threshold(10, 1, 1440, "minutes", "…when it lasts this long."),
          manifestP95Ms: threshold(100, 1, 60000, "ms", "95th percentile of manifest requests that fires `RegstackSlowManifests`…"),
          latencyMinutes: threshold(15, 1, 1440, "minutes", "…when it lasts this long."),
          storageWarningPercent: threshold(75, 1, 99, "percent", "Used share of the registry's disk for a warning."),
          storageCriticalPercent: threshold(80, 2, 99, "percent", "Used share of the registry's disk for a critical alert."),
          fullWithinDays: threshold(4, 1, 365, "days", "Fires when the registry's disk fills within this many days at the rate of the last 6 hours."),
          backupAgeHours: threshold(26, 1, 8760, "hours", "Age of the last successful backup that fires `RegstackBackupTooOld`."),
          drillAgeDays: threshold(8, 1, 365, "days", "Age of the last successful restore drill that fires `RegstackDrillTooOld`."),
          certificateDays: threshold(14, 1, 365, "days", "Days before the provided certificate expires that fire `RegstackCertificateExpiring`."),
          redisMemoryPercent: threshold(90, 1, 99, "percent", "Redis memory against its maxmemory that fires `RegstackRedisMemoryHigh`."),
          pendingEvents: threshold(100, 1, 1000000, "events", "Events waiting for a notification endpoint that fire `RegstackEventsBackingUp` (registry 3.x exports the queue)."),
        },
        { type: "object", text: "Alert thresholds." },
      ),
    },
    { type: "object", text: "Monitoring and alerting." },
  ),
};

type ReceiverRaw = {
  readonly name: string;
  readonly kind: "webhook" | "ntfy" | "email";
  readonly url?: string;
  readonly token?: string;
  readonly to?: string;
  readonly from?: string;
  readonly smarthost?: string;
  readonly username?: string;
  readonly password?: string;
  readonly events: boolean;
};
type ThresholdsRaw = MonitoringSpec["thresholds"];
type MonitoringRaw = {
  readonly enabled: boolean;
  readonly retention: string;
  readonly scrapeInterval: string;
  readonly usageSchedule: string;
  readonly grafana: boolean;
  readonly receivers: readonly ReceiverRaw[];
  readonly thresholds: ThresholdsRaw;
};

const EMAIL_FIELDS = ["to", "from", "smarthost", "username", "password"] as const;

export function checkMonitoring(raw: { monitoring: MonitoringRaw; notifications: readonly { name: string }[] }, ctx: CheckContext, issues: IssueList): void {
  const m = raw.monitoring;
  const at = (i: number, field: string) => `${NAMESPACE}:monitoring.receivers[${i}].${field}`;
  duplicates(m.receivers, (r) => r.name, (i) => at(i, "name"), "receiver name", issues);
  m.receivers.forEach((r, i) => {
    // Its registry event endpoint is named receiver-<name>, beside regstack:notifications' endpoints.
    const clash = raw.notifications.findIndex((n) => n.name === `receiver-${r.name}`);
    if (r.events && clash >= 0) issues.add(at(i, "name"), `its registry events go to an endpoint named "receiver-${r.name}", which regstack:notifications[${clash}] already uses; rename one`);
  });
  m.receivers.forEach((r, i) => {
    if (r.kind === "email") {
      for (const field of ["to", "from", "smarthost"] as const) if (r[field] === undefined) issues.add(at(i, field), `is required for an email receiver`);
      for (const field of ["url", "token"] as const) if (r[field] !== undefined) issues.add(at(i, field), "applies to webhook and ntfy receivers only; remove it");
      if (r.events) issues.add(at(i, "events"), "the registry's events go to webhook and ntfy receivers only; remove it");
      if ((r.username === undefined) !== (r.password === undefined)) issues.add(at(i, r.username === undefined ? "username" : "password"), "is required with the other: give both username and password, or neither");
    } else {
      if (r.url === undefined) issues.add(at(i, "url"), `is required for a ${r.kind} receiver`);
      for (const field of EMAIL_FIELDS) if (r[field] !== undefined) issues.add(at(i, field), "applies to email receivers only; remove it");
    }
    for (const field of ["token", "password"] as const) {
      if (r[field] !== undefined) requireSecretAt(at(i, field), ctx, issues);
    }
  });
  const t = m.thresholds;
  if (t.storageWarningPercent >= t.storageCriticalPercent) {
    issues.add(`${NAMESPACE}:monitoring.thresholds.storageWarningPercent`, `expected less than thresholds.storageCriticalPercent (${t.storageCriticalPercent}), got ${t.storageWarningPercent}`);
  }
}

/** Grafana runs (and has a port or name at the edge) when monitoring and its Grafana are on. */
export function grafanaRuns(raw: { monitoring: { enabled: boolean; grafana: boolean } }): boolean {
  return raw.monitoring.enabled && raw.monitoring.grafana;
}

function receiverOf(r: ReceiverRaw): AlertReceiver {
  if (r.kind === "email") {
    return {
      name: r.name,
      kind: "email",
      to: r.to!,
      from: r.from!,
      smarthost: r.smarthost!,
      auth: r.username !== undefined && r.password !== undefined ? { username: r.username, password: pulumi.secret(r.password) } : undefined,
    };
  }
  return { name: r.name, kind: r.kind, url: r.url!, token: r.token === undefined ? undefined : pulumi.secret(r.token), events: r.events };
}

export function buildMonitoring(raw: { monitoring: MonitoringRaw }): MonitoringSpec | undefined {
  const m = raw.monitoring;
  if (!m.enabled) return undefined;
  return {
    retention: m.retention,
    scrapeInterval: m.scrapeInterval,
    usageSchedule: m.usageSchedule,
    grafana: m.grafana,
    receivers: m.receivers.map(receiverOf),
    thresholds: { ...m.thresholds },
  };
}
