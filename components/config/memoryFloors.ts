/**
 * The least memory limit each role may be given, in MiB: above what its program holds once it
 * runs. A limit below its floor would make the service restart in a loop, so the config layer
 * refuses it at its key (Docker `regstack:resources.<role>.memoryMb`, Kubernetes
 * `regstack:kubernetes.resources.<role>.limits.memory`).
 *
 * Measured as anonymous resident memory (RssAnon: heap and stacks, which a limit cannot page out)
 * of Debian's builds of the same programs, run from rendered configs on loopback after a push, a
 * pull and scraping; test/real/monitoring.test.ts asserts each is under its floor. In MiB:
 * registry 2.8 12, Caddy 2.6 10, Redis 7 3, Prometheus 2.42 25, Alertmanager 0.25 13,
 * node-exporter and redis_exporter 5; Node 20 idle (the scheduler) 6. Their whole resident sizes,
 * with the binaries' pages a limit can reclaim, were 28, 39, 12, 56, 33 and 18. The caches are
 * registries. The UI (nginx) and Grafana have no Debian build here: their floors are not measured.
 */
import { ResourceRole } from "./types";

export const MEMORY_FLOORS_MB: Readonly<Record<ResourceRole, number>> = {
  registry: 32,
  mirror: 32,
  ui: 16,
  redis: 16,
  jobs: 48,
  edge: 32,
  prometheus: 32,
  alertmanager: 24,
  exporter: 16,
  grafana: 64,
};

/** What the floor's message says: the floor, and that below it the program cannot run. */
export function floorText(role: ResourceRole): string {
  return `${MEMORY_FLOORS_MB[role]} MiB, the least it runs in`;
}
