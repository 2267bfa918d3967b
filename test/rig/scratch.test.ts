/**
 * A test run leaves no temporary directory behind, even when a filter skips every test of a file that
 * makes its directory as it loads (jest then runs none of its hooks).
 */
import { spawnSync } from "child_process";
import { readdirSync, rmSync } from "fs";
import * as path from "path";
import { RUN_DIR_ENV, scratchDir } from "../support/scratch";

it("a filtered run of files that make directories as they load removes them all", () => {
  const tmp = scratchDir("regstack-tmp-");
  try {
    const root = path.join(__dirname, "../..");
    const jest = path.join(root, "node_modules/.bin/jest");
    const run = spawnSync(jest, ["-c", "jest.real.config.js", "test/real/edge.test.ts", "test/real/backup.test.ts", "-t", "no test is named this"], {
      cwd: root,
      encoding: "utf8",
      // The child's own run, as a fresh `npm run test:real -- -t …` would start it.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== RUN_DIR_ENV)), TMPDIR: tmp },
    });
    expect(run.stderr).toMatch(/skipped/);
    // (jest keeps its own transform cache there, jest_<n>.)
    expect(readdirSync(tmp).filter((name) => name.startsWith("regstack-"))).toEqual([]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 60000);
