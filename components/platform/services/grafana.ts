/** Grafana behind the edge, with its own login: the provisioned datasource and registry dashboard. */
import { Secret } from "../../config/types";
import { renderDashboard, renderGrafanaDashboardProvider, renderGrafanaDatasource } from "../../render/monitoring/grafana";
import { monitoringPaths } from "../../render/paths";
import { KeepPolicy, ServiceDescription } from "../description";
import { PROMETHEUS_ID } from "./prometheus";

export const GRAFANA_ID = "grafana";
/** The image's user (472) with its group root, as the image's files are. */
const GRAFANA_USER = "472:0";

export interface GrafanaServiceArgs {
  /** The node it runs on (the registry's). */
  readonly placement: string;
  /** The URL users reach it at through the edge. */
  readonly rootUrl: string;
  readonly adminPassword: Secret;
  /** host:port of Prometheus. */
  readonly prometheus: string;
  /** Its database (users, preferences): kept like the edge's state. */
  readonly keep: KeepPolicy;
}

export function grafanaService(args: GrafanaServiceArgs): ServiceDescription {
  const g = monitoringPaths.grafana;
  const file = (path: string, content: string) => ({ path, content, secret: false, onChange: "restart" as const, mode: "0444" });
  return {
    id: GRAFANA_ID,
    role: GRAFANA_ID,
    component: "Grafana",
    placement: args.placement,
    image: "grafana",
    aliases: [GRAFANA_ID],
    env: {
      GF_SERVER_HTTP_PORT: String(g.port),
      GF_SERVER_ROOT_URL: `${args.rootUrl}/`,
      GF_PATHS_DATA: g.dataDir,
      GF_PATHS_PROVISIONING: g.provisioning,
      GF_SECURITY_ADMIN_USER: "admin",
      GF_SECURITY_COOKIE_SECURE: String(args.rootUrl.startsWith("https://")),
      GF_SECURITY_DISABLE_GRAVATAR: "true",
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      // A LAN platform: no calls home.
      GF_ANALYTICS_REPORTING_ENABLED: "false",
      GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
      GF_NEWS_NEWS_FEED_ENABLED: "false",
      GF_LOG_MODE: "console",
    },
    // Read when its database is created (the first start); kept in its data after that.
    secretEnv: { GF_SECURITY_ADMIN_PASSWORD: args.adminPassword },
    files: [
      file(g.datasource, renderGrafanaDatasource(`http://${args.prometheus}`)),
      file(g.dashboardProvider, renderGrafanaDashboardProvider()),
      file(g.dashboard, renderDashboard()),
    ],
    data: { path: g.dataDir, name: GRAFANA_ID, keep: args.keep, owner: GRAFANA_USER, size: "small" },
    scratch: [{ path: "/tmp", sizeMb: 32, mode: "1777" }],
    ports: [{ name: "http", port: g.port, published: false }],
    probe: { kind: "http", port: g.port, path: "/api/health" },
    user: GRAFANA_USER,
    capabilities: [],
    readOnlyRoot: true,
    // SQLite in its data: one instance at a time.
    overlapOnUpdate: false,
    resources: "grafana",
    dependsOn: [PROMETHEUS_ID],
    connectsTo: [PROMETHEUS_ID],
  };
}
