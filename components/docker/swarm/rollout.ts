/**
 * How Swarm keeps a service running and rolls it: restart on any exit, one task at a time, rolled back
 * when the new task fails its health check, start-first only where two tasks may overlap, and limits
 * with a memory reservation equal to the limit (the scheduler never overcommits a node's memory).
 */
import * as docker from "@pulumi/docker";
import { Limits, DockerMode } from "../../config/types";
import { ServiceDescription } from "../../platform/description";

type SwarmMode = Extract<DockerMode, { kind: "swarm" }>;
export type UpdateOrder = "start-first" | "stop-first";

/**
 * Start-first when the description allows two instances at once and no host-mode port would be held
 * by the old task; stop-first otherwise (the registry while its storage is local, the caches, jobs).
 */
export function updateOrder(d: ServiceDescription, mode: SwarmMode): UpdateOrder {
  const holdsHostPort = mode.publishMode === "host" && d.ports.some((p) => p.published);
  return d.overlapOnUpdate && !holdsHostPort ? "start-first" : "stop-first";
}

export function updateConfigOf(order: UpdateOrder): docker.types.input.ServiceUpdateConfig {
  return { parallelism: 1, order, failureAction: "rollback", monitor: "30s", delay: "5s" };
}

export function rollbackConfigOf(order: UpdateOrder): docker.types.input.ServiceRollbackConfig {
  return { parallelism: 1, order, failureAction: "pause", monitor: "30s" };
}

/** Restart on any exit, after a pause, without a cap (a cache waits out an unreachable upstream). */
export const restartPolicy: docker.types.input.ServiceTaskSpecRestartPolicy = { condition: "any", delay: "5s", window: "120s" };

/** Wait for the service's task to run (as the host layout waits for a healthy container). */
export const convergeConfig: docker.types.input.ServiceConvergeConfig = { delay: "5s", timeout: "3m" };

const MIB = 1024 * 1024;

/** The role's limits; memory is also reserved, so a node never holds more limits than it has memory. */
export function resourcesOf(limits: Limits): docker.types.input.ServiceTaskSpecResources {
  const memoryBytes = limits.memoryMb * MIB;
  return { limits: { memoryBytes, nanoCpus: Math.round(Number(limits.cpus) * 1e9) }, reservation: { memoryBytes } };
}
