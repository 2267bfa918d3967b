/**
 * The stack config schema: every `regstack:*` key, in the order the reference lists them. Each
 * capability's keys, defaults and documentation live in its own file under sections/.
 */
import { backupKeys } from "./sections/backup";
import { clientKeys } from "./sections/clients";
import { dataKeys } from "./sections/data";
import { dockerKeys } from "./sections/docker";
import { kubernetesKeys } from "./sections/kubernetes";
import { targetKeys } from "./sections/target";
import { gcKeys } from "./sections/gc";
import { mirrorKeys } from "./sections/mirrors";
import { monitoringKeys } from "./sections/monitoring";
import { notificationKeys } from "./sections/notifications";
import { registryKeys } from "./sections/registry";
import { retentionKeys } from "./sections/retention";
import { syncKeys } from "./sections/sync";
import { tlsKeys } from "./sections/tls";
import { userKeys } from "./sections/users";

export const schema = {
  target: targetKeys.target,
  docker: dockerKeys.docker,
  kubernetes: kubernetesKeys.kubernetes,
  domain: tlsKeys.domain,
  bindAddress: dockerKeys.bindAddress,
  ports: dockerKeys.ports,
  registry: registryKeys.registry,
  ui: registryKeys.ui,
  redis: registryKeys.redis,
  access: userKeys.access,
  tls: tlsKeys.tls,
  edge: tlsKeys.edge,
  users: userKeys.users,
  mirrors: mirrorKeys.mirrors,
  resources: dockerKeys.resources,
  logs: dockerKeys.logs,
  notifications: notificationKeys.notifications,
  clients: clientKeys.clients,
  data: dataKeys.data,
  backup: backupKeys.backup,
  gc: gcKeys.gc,
  retention: retentionKeys.retention,
  sync: syncKeys.sync,
  monitoring: monitoringKeys.monitoring,
} as const;

export type TopKey = keyof typeof schema;
