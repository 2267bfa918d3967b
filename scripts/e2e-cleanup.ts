/**
 * The end-to-end stage's last resort (`.ci/run` runs it on exit): stops every private engine under
 * the given directory, CI's own temporary directory, each removing only its own containers, bridges
 * and state. Engines anywhere else are not touched.
 */
import { existsSync } from "fs";
import { PrivateEngine } from "../e2e/engine";
import { print, runCommand, UsageError } from "../offline/cli";

const USAGE = "usage: node -r sucrase/register/ts scripts/e2e-cleanup.ts <directory>";

runCommand(USAGE, async () => {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) throw new UsageError("a directory that exists is required");
  for (const root of PrivateEngine.rootsUnder(dir)) {
    await new PrivateEngine(root).stop();
    await print(`stopped the engine in ${root}`);
  }
});
