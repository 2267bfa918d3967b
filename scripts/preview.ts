/**
 * npm run preview -- --stack <name> [--config-file <path>] --against <git ref or stack file>
 * Shows what a change does, as `pulumi preview --diff` would: the stack now, compared with the same
 * program under another stack file, or with the program and stack file at a git ref.
 */
import * as path from "path";
import { parseArgs, print, ReportedFailure, runCommand, UsageError } from "../offline/cli";
import { baselineOf } from "../offline/baseline";
import { formatPreview, previewOf } from "../offline/preview";
import { evaluateConfig } from "../offline/run";
import { snapshotOf } from "../offline/snapshot";
import { readStackConfig, ROOT, stackFile } from "../offline/stackConfig";

const USAGE = [
  "usage: npm run preview -- -s|--stack <name> [--config-file <path>] --against <git ref or stack file>",
  "  Compares the stack as it is now with a git ref (HEAD, main, a commit: that ref's program and stack",
  "  file) or with another stack file (this program): resources to create, update, replace (and the",
  "  inputs that force it) and delete, and the changed lines of every rendered file.",
].join("\n");

runCommand(USAGE, async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.against) throw new UsageError("--against is required");
  const current = options.configFile ?? stackFile(options.stack);
  let baseline;
  try {
    baseline = await baselineOf(options.stack, current, options.against);
  } catch (err) {
    throw new ReportedFailure(`--against ${options.against}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const after = snapshotOf(await evaluateConfig(readStackConfig(options.stack, current)));
  const preview = previewOf(baseline.snapshot, after);
  await print([`preview of stack ${options.stack}: ${path.relative(ROOT, path.resolve(current))} against ${baseline.note}`, ...formatPreview(preview)].join("\n"));
});
