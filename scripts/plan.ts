/**
 * npm run plan -- --stack <name> [--config-file <path>] [--json]
 * Evaluates the program for a stack under the offline engine and prints the resource tree.
 */
import { CapturedResource } from "../offline/engine";
import { parseArgs, runCommand } from "../offline/cli";
import { mask, reveal } from "../offline/secrets";
import { evaluateStack } from "../offline/run";

const USAGE = "usage: npm run plan -- --stack <name> [--config-file <path>] [--json]";

/** The inputs worth reading in a tree view, per resource type. */
function keyInputs(r: CapturedResource): Record<string, unknown> {
  const inputs = mask(r.inputs) as Record<string, unknown>;
  if (r.type !== "docker:index/container:Container") return inputs;
  const pick = (k: string) => inputs[k];
  // File names are not secret even where the upload list is (its contents are): show the names only.
  const uploads = (reveal(r.inputs.uploads) as { file: string }[] | undefined)?.map((u) => u.file);
  const volumes = (pick("volumes") as { containerPath: string; volumeName?: string; hostPath?: string; readOnly?: boolean }[] | undefined)?.map(
    (v) => `${v.volumeName ?? v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`,
  );
  const ports = (pick("ports") as { ip: string; external: number; internal: number }[] | undefined)?.map((p) => `${p.ip}:${p.external}->${p.internal}`);
  const aliases = (pick("networksAdvanced") as { aliases?: string[] }[] | undefined)?.flatMap((n) => n.aliases ?? []);
  return Object.fromEntries(
    Object.entries({
      name: pick("name"),
      image: pick("image"),
      user: pick("user"),
      readOnly: pick("readOnly"),
      memory: pick("memory"),
      cpus: pick("cpus"),
      ports,
      volumes,
      uploads,
      aliases,
      command: pick("command"),
    }).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}

function printTree(resources: CapturedResource[]): void {
  const children = new Map<string, CapturedResource[]>();
  for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const urns = new Set(resources.map((r) => r.urn));
  const roots = resources.filter((r) => !urns.has(r.parent));
  const walk = (r: CapturedResource, depth: number) => {
    const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean).join(",");
    const pad = "  ".repeat(depth);
    console.log(`${pad}${r.type}  ${r.name}${flags ? `  [${flags}]` : ""}`);
    if (r.custom) console.log(`${pad}    ${JSON.stringify(keyInputs(r))}`);
    for (const c of children.get(r.urn) ?? []) walk(c, depth + 1);
  };
  roots.forEach((r) => walk(r, 0));
}

runCommand(async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  const evaluation = await evaluateStack(options.stack, options.configFile);
  const resources = evaluation.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: evaluation.resources.find((p) => p.urn === r.parent)?.name ?? null,
    inputs: mask(r.inputs),
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
  }));
  if (options.json) {
    process.stdout.write(JSON.stringify({ stack: evaluation.stack, resources, outputs: mask(evaluation.outputs) }, null, 2) + "\n");
    return;
  }
  console.log(`stack ${evaluation.stack}: ${resources.length} resources`);
  printTree(evaluation.resources);
  console.log("\noutputs:");
  for (const [k, v] of Object.entries(mask(evaluation.outputs) as Record<string, unknown>)) console.log(`  ${k}: ${JSON.stringify(v)}`);
});
