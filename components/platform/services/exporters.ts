/**
 * The exporters Prometheus reads beside the services' own metrics: node-exporter (the data disks'
 * room, and the jobs' textfiles) and redis_exporter (Redis' memory and hits).
 */
import { Secret } from "../../config/types";
import { jobPaths, monitoringPaths } from "../../render/paths";
import { ServiceDescription, SharedData } from "../description";
import { internalAddresses, internalNames } from "../topology";
import { MONITORING_USER } from "./prometheus";

export const NODE_EXPORTER_ID = "node-exporter";
export const REDIS_EXPORTER_ID = "redis-exporter";
/** redis_exporter's image user. */
const REDIS_EXPORTER_USER = "59000:59000";

export interface NodeExporterArgs {
  /** `node-exporter` on the registry's node, `node-exporter-<node>` on another. */
  readonly id: string;
  /** The node whose disks it reports. */
  readonly placement: string;
  /** Whether the registry's data is on its node. */
  readonly registry: boolean;
  /** The caches on its node, whose disks it reports (by name). */
  readonly caches: readonly string[];
  /** The scheduler whose working space holds the jobs' textfiles, when jobs run on this node. */
  readonly scheduler?: { readonly id: string; readonly data: string };
}

export function nodeExporterService(args: NodeExporterArgs): ServiceDescription {
  const n = monitoringPaths.nodeExporter;
  const shared: SharedData[] = [
    ...(args.registry ? [{ path: n.registryData, owner: internalNames.registry, what: "data" as const, readOnly: true }] : []),
    ...args.caches.map((c) => ({ path: `${n.cacheDataPrefix}${c}`, owner: internalNames.mirror(c), what: "data" as const, readOnly: true })),
    ...(args.scheduler ? [{ path: n.jobsState, owner: args.scheduler.id, what: "data" as const, name: args.scheduler.data, readOnly: true }] : []),
  ];
  return {
    id: args.id,
    role: NODE_EXPORTER_ID,
    component: "Exporter",
    placement: args.placement,
    image: "nodeExporter",
    aliases: [args.id],
    command: [
      `--web.listen-address=:${n.port}`,
      // The disks it is given (their mounts), and the jobs' textfiles; not the container's own filesystems.
      `--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|etc|run|tmp)($|/)`,
      `--collector.textfile.directory=${n.jobsState}/${jobPaths.metrics.slice(jobPaths.state.length + 1)}`,
    ],
    env: {},
    secretEnv: {},
    files: [],
    sharedData: shared,
    scratch: [],
    ports: [{ name: "metrics", port: n.port, published: false }],
    probe: { kind: "http", port: n.port, path: "/" },
    user: MONITORING_USER,
    capabilities: [],
    readOnlyRoot: true,
    overlapOnUpdate: true,
    resources: "exporter",
    dependsOn: [],
    connectsTo: [],
  };
}

export function redisExporterService(placement: string, password: Secret): ServiceDescription {
  const port = monitoringPaths.redisExporter.port;
  return {
    id: REDIS_EXPORTER_ID,
    role: REDIS_EXPORTER_ID,
    component: "Exporter",
    placement,
    image: "redisExporter",
    aliases: [REDIS_EXPORTER_ID],
    command: [`--web.listen-address=:${port}`],
    env: { REDIS_ADDR: `redis://${internalAddresses.redis}` },
    secretEnv: { REDIS_PASSWORD: password },
    files: [],
    scratch: [],
    ports: [{ name: "metrics", port, published: false }],
    probe: { kind: "http", port, path: "/" },
    user: REDIS_EXPORTER_USER,
    capabilities: [],
    readOnlyRoot: true,
    overlapOnUpdate: true,
    resources: "exporter",
    dependsOn: [internalNames.redis],
    connectsTo: [internalNames.redis],
  };
}
