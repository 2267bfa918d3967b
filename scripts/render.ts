/**
 * npm run render -- --stack <name> [--config-file <path>] --out <dir>
 * Writes what every service reads, as <dir>/<service>/<path in the service>, the client-trust scripts,
 * files.json and credentials.json (the offline engine's test passwords).
 */
import * as path from "path";
import { parseArgs, print, runCommand, UsageError } from "../offline/cli";
import { writeRendered } from "../offline/render";
import { evaluateStack } from "../offline/run";

const USAGE = [
  "usage: npm run render -- -s|--stack <name> [--config-file <path>] --out <dir>",
  "  Writes what every service reads as <dir>/<service>/<path>, the client scripts as",
  "  <dir>/clients/<name>/, files.json and credentials.json (offline test passwords).",
].join("\n");

runCommand(USAGE, async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.out) throw new UsageError("--out is required");
  const out = path.resolve(options.out);
  const evaluation = await evaluateStack(options.stack, options.configFile);
  const listing = writeRendered(evaluation, out);
  const secret = listing.filter((l) => l.secret).length;
  await print(`rendered ${listing.length - secret} files and ${secret} secret file${secret === 1 ? "" : "s"} (under secrets/) for stack ${evaluation.stack} into ${out}`);
});
