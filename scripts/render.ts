/**
 * npm run render -- --stack <name> [--config-file <path>] --out <dir>
 * Writes every file the stack's resources carry, as <dir>/<resource>/<path in container>, plus
 * files.json and credentials.json (the offline engine's test passwords).
 */
import * as path from "path";
import { fail, parseArgs, runCommand } from "../offline/cli";
import { writeRendered } from "../offline/render";
import { evaluateStack } from "../offline/run";

const USAGE = "usage: npm run render -- --stack <name> [--config-file <path>] --out <dir>";

runCommand(async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.out) fail(`--out is required\n${USAGE}`);
  const out = path.resolve(options.out);
  const evaluation = await evaluateStack(options.stack, options.configFile);
  const listing = writeRendered(evaluation, out);
  console.log(`rendered ${listing.length} files for stack ${evaluation.stack} into ${out}`);
});
