/** Alertmanager: groups Prometheus' alerts, inhibits the ones a down edge explains, and sends them on. */
import * as pulumi from "@pulumi/pulumi";
import { AlertReceiver } from "../../config/types";
import { ReceiverInput, renderAlertmanagerConfig, secretFileOf } from "../../render/monitoring/alertmanager";
import { monitoringPaths } from "../../render/paths";
import { KeepPolicy, ServiceDescription, ServiceFile } from "../description";
import { MONITORING_USER } from "./prometheus";

export const ALERTMANAGER_ID = "alertmanager";

function inputOf(r: AlertReceiver): ReceiverInput {
  return r.kind === "email"
    ? { name: r.name, kind: "email", to: r.to, from: r.from, smarthost: r.smarthost, username: r.auth?.username }
    : { name: r.name, kind: r.kind, url: r.url, hasToken: r.token !== undefined };
}

/** A receiver's token or SMTP password, as a secret file. */
function secretOf(r: AlertReceiver): pulumi.Input<string> | undefined {
  return r.kind === "email" ? r.auth?.password : r.token;
}

export function alertmanagerService(placement: string, receivers: readonly AlertReceiver[], keep: KeepPolicy): ServiceDescription {
  const a = monitoringPaths.alertmanager;
  const secrets: ServiceFile[] = receivers.flatMap((r) => {
    const secret = secretOf(r);
    return secret === undefined ? [] : [{ path: secretFileOf(r.name), content: secret, secret: true, onChange: "restart" as const, mode: "0444" }];
  });
  return {
    id: ALERTMANAGER_ID,
    role: ALERTMANAGER_ID,
    component: "Alertmanager",
    placement,
    image: "alertmanager",
    aliases: [ALERTMANAGER_ID],
    // One instance: no cluster gossip port.
    command: [`--config.file=${a.configFile}`, `--storage.path=${a.dataDir}`, `--web.listen-address=:${a.port}`, "--cluster.listen-address="],
    env: {},
    secretEnv: {},
    files: [{ path: a.configFile, content: renderAlertmanagerConfig(receivers.map(inputOf)), secret: false, onChange: "restart", mode: "0444" }, ...secrets],
    // Silences and what was sent: small, kept across restarts.
    data: { path: a.dataDir, name: ALERTMANAGER_ID, keep, owner: MONITORING_USER, size: "small" },
    scratch: [{ path: "/tmp", sizeMb: 8, mode: "1777" }],
    ports: [{ name: "http", port: a.port, published: false }],
    probe: { kind: "http", port: a.port, path: "/-/healthy" },
    user: MONITORING_USER,
    capabilities: [],
    readOnlyRoot: true,
    overlapOnUpdate: false,
    resources: "alertmanager",
    dependsOn: [],
    // Receivers are outside the platform; nothing on it.
    connectsTo: [],
  };
}
