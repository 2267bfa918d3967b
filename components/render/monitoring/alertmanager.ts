/**
 * Alertmanager's alertmanager.yml: one route with grouping, the inhibitions, and the receivers. It
 * holds no secret: tokens and passwords are separate secret files it names (`credentials_file`,
 * `auth_password_file`).
 */
import { monitoringPaths } from "../paths";
import { toYaml } from "../yaml";

/** A receiver as the file names it; the secret, when there is one, is at secretFileOf(name). */
export type ReceiverInput =
  | { readonly name: string; readonly kind: "webhook" | "ntfy"; readonly url: string; readonly hasToken: boolean }
  | { readonly name: string; readonly kind: "email"; readonly to: string; readonly from: string; readonly smarthost: string; readonly username?: string };

/** The receiver that takes alerts when the stack names none: they stay visible in Alertmanager and Grafana. */
export const NO_RECEIVER = "none";

/** Where a receiver's token or password is. */
export function secretFileOf(receiver: string): string {
  return `${monitoringPaths.alertmanager.secretsDir}/${receiver}`;
}

function receiverEntry(r: ReceiverInput): Record<string, unknown> {
  if (r.kind === "email") {
    return {
      name: r.name,
      email_configs: [
        {
          to: r.to,
          from: r.from,
          smarthost: r.smarthost,
          require_tls: true,
          send_resolved: true,
          ...(r.username !== undefined ? { auth_username: r.username, auth_password_file: secretFileOf(r.name) } : {}),
        },
      ],
    };
  }
  // ntfy takes any POST to a topic's URL as a message; both kinds get Alertmanager's JSON.
  return {
    name: r.name,
    webhook_configs: [
      {
        url: r.url,
        send_resolved: true,
        max_alerts: 20,
        ...(r.hasToken ? { http_config: { authorization: { type: "Bearer", credentials_file: secretFileOf(r.name) } } } : {}),
      },
    ],
  };
}

/** alertmanager.yml: every alert to every receiver, grouped per alert and service. */
export function renderAlertmanagerConfig(receivers: readonly ReceiverInput[]): string {
  const first = receivers[0]?.name ?? NO_RECEIVER;
  return toYaml({
    route: {
      receiver: first,
      group_by: ["alertname", "stack", "service"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      // Every receiver gets every alert (the root's receiver only takes what no route matches).
      routes: receivers.map((r) => ({ receiver: r.name, continue: true })),
    },
    inhibit_rules: [
      // Nothing behind a down edge is reachable: its own alert says it all.
      { source_matchers: ['alertname="RegstackEdgeDown"'], target_matchers: ['behind_edge="true"'], equal: ["stack"] },
      // A full disk's critical alert stands for its warning.
      { source_matchers: ['alertname="RegstackStorageCritical"'], target_matchers: ['alertname="RegstackStorageFilling"'], equal: ["stack", "mountpoint"] },
    ],
    receivers: receivers.length > 0 ? receivers.map(receiverEntry) : [{ name: NO_RECEIVER }],
  });
}
