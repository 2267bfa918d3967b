/** schedule.json, what the in-platform scheduler (runtime/scheduler.js) runs. */
import { NotificationEndpoint } from "../../config/types";

/** One job as the scheduler runs it. */
export interface ScheduleEntry {
  readonly name: string;
  /** Cron expression; undefined: only by hand (`job.sh run <name>`). */
  readonly schedule?: string;
  /** Jobs of one group never run at the same time. */
  readonly group?: string;
  readonly command: readonly string[];
  /** Plain environment (secrets are the scheduler's own environment). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
}

export interface ScheduleInput {
  readonly stack: string;
  readonly jobs: readonly ScheduleEntry[];
  readonly metricsDir: string;
  readonly lockDir: string;
  readonly freezeFile: string;
  /** Touched at least once a minute while the scheduler runs (its health probe). */
  readonly heartbeatFile: string;
  /** Told when a job fails and when it recovers. */
  readonly webhooks: readonly NotificationEndpoint[];
}

/** The schedule file: JSON, so no value needs quoting rules of its own. Its only secrets are webhook headers (then the file is a secret one). */
export function renderSchedule(input: ScheduleInput): string {
  return `${JSON.stringify(
    {
      stack: input.stack,
      metricsDir: input.metricsDir,
      lockDir: input.lockDir,
      freezeFile: input.freezeFile,
      heartbeatFile: input.heartbeatFile,
      webhooks: input.webhooks.map((w) => ({ name: w.name, url: w.url, headers: w.headers })),
      jobs: input.jobs.map((j) => ({ name: j.name, schedule: j.schedule, group: j.group, command: j.command, env: j.env, timeoutSeconds: j.timeoutSeconds })),
    },
    null,
    2,
  )}\n`;
}
