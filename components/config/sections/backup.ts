/** Backups with restic, their check and the restore drill: `regstack:backup`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, NAMESPACE, requireSecretAt } from "../checks";
import { bool, cron, int, mapOf, optional, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { envName, resticRepository } from "../patterns";
import { BackupSpec } from "../types";

export const backupKeys = {
  backup: section(
    {
      enabled: withDefault(bool(), true, { type: "boolean", text: "Back the registry up on a schedule, check the repository and drill restores." }),
      repository: withDefault(str(resticRepository), "", {
        type: "path or URL",
        default: "a retained volume on the registry's host",
        text: "The restic repository: an absolute path on the registry's host (a second disk), `rest:https://…` or `s3:…`. `sftp:` is not supported (the job image has no ssh). Destroy never deletes it.",
      }),
      password: optional(str({ minLength: 16, expected: "a repository password", secret: true }), {
        type: "secret",
        default: "generated (40 characters), exported as the secret output `backupPassword`",
        text: "The repository's password. Keep a copy away from the NAS: without it no backup can be read.",
      }),
      environment: withDefault(mapOf(str({ minLength: 1, expected: "a value", secret: true }), envName), {}, {
        type: "map (secret)",
        text: "Credentials restic's backend reads (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `RESTIC_REST_USERNAME`, …); set each with `--secret --path`.",
      }),
      schedule: withDefault(cron(), "0 2 * * *", { type: "cron", text: "When the backup runs (scheduler time, UTC unless `TZ` is set)." }),
      keepDaily: withDefault(int(1, 3650), 30, { type: "number", text: "Daily snapshots kept by `forget --prune`." }),
      keepWeekly: withDefault(int(0, 520), 0, { type: "number", text: "Weekly snapshots kept as well (0: none)." }),
      keepMonthly: withDefault(int(0, 240), 0, { type: "number", text: "Monthly snapshots kept as well (0: none)." }),
      checkSchedule: withDefault(cron(), "0 4 * * 0", { type: "cron", text: "When `restic check` runs; each run reads a rotating quarter of the data." }),
      drillSchedule: withDefault(cron(), "0 5 * * 0", { type: "cron", text: "When the restore drill restores the newest snapshot into scratch space and verifies every tag." }),
    },
    { type: "object", text: "Backups (restic), repository checks and restore drills." },
  ),
};

type BackupRaw = {
  readonly enabled: boolean;
  readonly repository: string;
  readonly password?: string;
  readonly environment: Readonly<Record<string, string>>;
};

export function checkBackup(raw: { backup: BackupRaw }, ctx: CheckContext, issues: IssueList): void {
  const b = raw.backup;
  if (b.password !== undefined) requireSecretAt(`${NAMESPACE}:backup.password`, ctx, issues);
  for (const name of Object.keys(b.environment)) requireSecretAt(`${NAMESPACE}:backup.environment.${name}`, ctx, issues);
}

export function buildBackup(raw: {
  backup: BackupRaw & { schedule: string; keepDaily: number; keepWeekly: number; keepMonthly: number; checkSchedule: string; drillSchedule: string };
}): BackupSpec | undefined {
  const b = raw.backup;
  if (!b.enabled) return undefined;
  return {
    repository: b.repository === "" ? { kind: "volume" } : b.repository.startsWith("/") ? { kind: "path", path: b.repository } : { kind: "url", url: b.repository },
    password: b.password === undefined ? undefined : pulumi.secret(b.password),
    environment: Object.fromEntries(Object.entries(b.environment).map(([k, v]) => [k, pulumi.secret(v)])),
    schedule: b.schedule,
    keep: { daily: b.keepDaily, weekly: b.keepWeekly, monthly: b.keepMonthly },
    checkSchedule: b.checkSchedule,
    drillSchedule: b.drillSchedule,
  };
}
