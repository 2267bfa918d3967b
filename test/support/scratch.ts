/**
 * Temporary directories of a test run. Each is made inside the run's own directory (made by
 * `runDir.js` before any test file loads, removed after the last), so a directory a file makes when
 * it loads is removed even when a filter (`-t`) skips every test of it and none of its hooks run.
 * A file still removes its own directories as it finishes.
 */
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/** The environment variable that names the run's directory. */
export const RUN_DIR_ENV = "REGSTACK_TEST_RUN_DIR";

/** A fresh directory named `<prefix>XXXXXX`, in the run's directory (the system's outside jest). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(process.env[RUN_DIR_ENV] || tmpdir(), prefix));
}
