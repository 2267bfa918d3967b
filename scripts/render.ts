/**
 * npm run render -- --stack <name> [--config-file <path>] --out <dir>
 * Writes every file the stack's resources carry, as <dir>/<resource>/<path in container>, plus
 * files.json and credentials.json (the offline engine's test passwords).
 */
import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { fail, parseArgs, runCommand } from "../offline/cli";
import { carriedFiles, testCredentials } from "../offline/files";
import { evaluateStack } from "../offline/run";

const USAGE = "usage: npm run render -- --stack <name> [--config-file <path>] --out <dir>";

runCommand(async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.out) fail(`--out is required\n${USAGE}`);
  const out = path.resolve(options.out);
  const evaluation = await evaluateStack(options.stack, options.configFile);
  const listing = carriedFiles(evaluation).map((f) => {
    const file = path.join(f.resource, f.path);
    const target = path.join(out, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    chmodSync(target, parseInt(f.mode, 8));
    return { resource: f.resource, path: f.path, file, mode: f.mode };
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "files.json"), JSON.stringify(listing, null, 2) + "\n");
  writeFileSync(path.join(out, "credentials.json"), JSON.stringify({ users: testCredentials(evaluation) }, null, 2) + "\n", { mode: 0o600 });
  console.log(`rendered ${listing.length} files for stack ${evaluation.stack} into ${out}`);
});
