/**
 * The failed-login guard beside an edge: it follows the edge's access log, passes it on to its own
 * output, and blocks an address whose logins keep failing by writing a file the edge's sites check
 * per request (runtime/guard.sh). It runs as the edge's user, which owns the log it reads.
 */
import { FailedLoginLimit } from "../../config/types";
import { runtimeFile } from "../../render/jobs/runtimeFiles";
import { guardPaths } from "../../render/paths";
import { ServiceDescription } from "../description";

export interface GuardServiceArgs {
  /** `guard` beside the registry's node's edge, `guard-<node>` beside another node's. */
  readonly id: string;
  /** The edge it guards (same node). */
  readonly edge: string;
  readonly placement: string;
  readonly limit: FailedLoginLimit;
  /** The edge's user; undefined when the edge keeps root (privileged ports). */
  readonly user?: string;
}

/** The names of the node's volumes the edge and its guard share: the access log, and the blocked addresses. */
/** The id of the guard beside the registry's node's edge; another node's is `guard-<node>`. */
export const GUARD_ID = "guard";

export const GUARD_VOLUMES = { log: "edge-log", blocked: "guard" } as const;

export function guardService(args: GuardServiceArgs): ServiceDescription {
  const g = guardPaths;
  return {
    id: args.id,
    role: "guard",
    component: "Guard",
    placement: args.placement,
    image: "tools",
    aliases: [args.id],
    command: ["sh", g.script],
    env: {
      GUARD_LOG: g.accessLog,
      GUARD_BLOCKED_DIR: g.blockedDir,
      GUARD_FAILURES: String(args.limit.limit),
      GUARD_WINDOW_SECONDS: String(args.limit.windowSeconds),
      GUARD_BLOCK_SECONDS: String(args.limit.blockSeconds),
      TMPDIR: "/tmp",
    },
    secretEnv: {},
    files: [{ path: g.script, content: runtimeFile("guard.sh"), secret: false, onChange: "restart", mode: "0555" }],
    sharedVolumes: [
      { path: g.logDir, name: GUARD_VOLUMES.log, readOnly: true, beside: args.edge },
      { path: g.blockedDir, name: GUARD_VOLUMES.blocked, readOnly: false, beside: args.edge },
    ],
    scratch: [{ path: "/tmp", sizeMb: 1, mode: "1777" }],
    ports: [],
    probe: { kind: "exec", command: `test -d ${g.blockedDir} && test -w ${g.blockedDir}` },
    ...(args.user ? { user: args.user } : {}),
    capabilities: [],
    readOnlyRoot: true,
    // It keeps its counts in memory only; two for a moment would both block, harmlessly.
    overlapOnUpdate: true,
    resources: "exporter",
    dependsOn: [args.edge],
    connectsTo: [],
  };
}
