/**
 * npm run render -- --stack <name> [--config-file <path>] --out <dir>
 * Writes what every service reads, as <dir>/<service>/<path in the service>, the client-trust scripts,
 * files.json and credentials.json (the offline engine's test passwords); on a Kubernetes stack also
 * the manifests that would be applied, one YAML file per object, under <dir>/manifests/.
 */
import * as path from "path";
import { parseArgs, print, runCommand, UsageError } from "../offline/cli";
import { writeManifests } from "../offline/manifests";
import { writeRendered } from "../offline/render";
import { evaluateStack } from "../offline/run";

const USAGE = [
  "usage: npm run render -- -s|--stack <name> [--config-file <path>] --out <dir>",
  "  Writes what every service reads as <dir>/<service>/<path>, the client scripts as",
  "  <dir>/clients/<name>/, files.json and credentials.json (offline test passwords);",
  "  on a Kubernetes stack the manifests, one per object, as <dir>/manifests/*.yaml",
  "  (Secrets under <dir>/secrets/manifests/).",
].join("\n");

runCommand(USAGE, async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.out) throw new UsageError("--out is required");
  const out = path.resolve(options.out);
  const evaluation = await evaluateStack(options.stack, options.configFile);
  const listing = writeRendered(evaluation, out);
  const manifests = writeManifests(evaluation, out);
  const secret = listing.filter((l) => l.secret).length;
  const objects = manifests.length > 0 ? ` and ${manifests.length} manifests (under manifests/, ${manifests.filter((m) => m.secret).length} Secrets under secrets/manifests/)` : "";
  await print(`rendered ${listing.length - secret} files and ${secret} secret file${secret === 1 ? "" : "s"} (under secrets/)${objects} for stack ${evaluation.stack} into ${out}`);
});
