/**
 * The programs the scheduler container (and the edge's guard) runs, as files: the scheduler, the verifier, the Redis flush
 * and the job scripts. They live in runtime/ as plain scripts (shellcheck and tsc check them there)
 * and take every setting from their environment, so no config value is written into a script.
 */
import * as fs from "fs";
import * as path from "path";

const RUNTIME_DIR = path.join(__dirname, "..", "..", "..", "runtime");

/** Every runtime file the jobs need, by name. */
export const RUNTIME_FILES = [
  "scheduler.js",
  "cron.js",
  "verify.js",
  "redisFlush.js",
  "stage.js",
  "retention.js",
  "usage.js",
  "common.sh",
  "snapshot.sh",
  "backup.sh",
  "check.sh",
  "drill.sh",
  "restore.sh",
  "gc.sh",
  "retention.sh",
  "sync.sh",
  "usage.sh",
  "job.sh",
] as const;

/** Runtime files of other services (the edge's failed-login guard). */
export const OTHER_RUNTIME_FILES = ["guard.sh"] as const;

export type RuntimeFile = (typeof RUNTIME_FILES)[number] | (typeof OTHER_RUNTIME_FILES)[number];

export function runtimeFile(name: RuntimeFile): string {
  return fs.readFileSync(path.join(RUNTIME_DIR, name), "utf8");
}
