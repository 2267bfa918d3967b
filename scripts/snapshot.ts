/**
 * npm run snapshot -- --stack <name> [--config-file <path>] --out <file>
 * Writes what a preview compares (offline/snapshot.ts): every resource's inputs and rendered file, with
 * secrets as digests. `preview --against <git ref>` runs this in a worktree of the ref, so the ref's
 * own program makes the baseline.
 */
import { writeFileSync } from "fs";
import { parseArgs, print, runCommand, UsageError } from "../offline/cli";
import { evaluateStack } from "../offline/run";
import { snapshotOf } from "../offline/snapshot";

const USAGE = [
  "usage: npm run snapshot -- -s|--stack <name> [--config-file <path>] --out <file>",
  "  Writes the stack's offline evaluation as JSON for a preview to compare (secrets as digests).",
].join("\n");

runCommand(USAGE, async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.out) throw new UsageError("--out is required");
  const snapshot = snapshotOf(await evaluateStack(options.stack, options.configFile));
  writeFileSync(options.out, JSON.stringify(snapshot));
  await print(`wrote the snapshot of stack ${options.stack} (${snapshot.resources.length} resources, ${snapshot.files.length} files) to ${options.out}`);
});
