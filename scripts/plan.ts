/**
 * npm run plan -- --stack <name> [--config-file <path>] [--json] [--policy]
 * Evaluates the program for a stack under the offline engine and prints the resource tree; with
 * --policy, runs the policy pack over it and exits non-zero on a mandatory violation.
 */
import { CapturedResource } from "../offline/engine";
import { parseArgs, print, ReportedFailure, runCommand } from "../offline/cli";
import { formatViolations, runPolicies } from "../offline/policy";
import { mask, reveal } from "../offline/secrets";
import { evaluateStack } from "../offline/run";

const USAGE = [
  "usage: npm run plan -- -s|--stack <name> [--config-file <path>] [--json] [--policy]",
  "  Evaluates the stack offline (Pulumi's mocks, no CLI) and prints its resources and outputs.",
  "  --json   the whole plan as JSON (secrets masked), e.g. for jq",
  "  --policy run the policy pack (policies/) over the plan; exits 1 on a mandatory violation",
].join("\n");

/** Long values (scripts, certificates) shown by size in the tree, so no line runs to kilobytes. */
const LONGEST = 160;

function shorten(value: unknown): unknown {
  if (typeof value === "string") return value.length > LONGEST ? `<${value.length} characters>` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  return value;
}

/** An output as a person reads it: text as text (indented), other values as compact JSON. */
function outputLines(name: string, value: unknown): string[] {
  if (typeof value === "string") return value.includes("\n") ? [`  ${name}:`, ...value.trimEnd().split("\n").map((l) => `      ${l}`)] : [`  ${name}: ${value}`];
  const nested = typeof value === "object" && value !== null && !Array.isArray(value);
  // A map with multi-line text, or too long for one line, is printed a key per line.
  if (nested && (Object.values(value).some((v) => typeof v === "string" && v.includes("\n")) || JSON.stringify(value).length > 160)) {
    return [`  ${name}:`, ...Object.entries(value).flatMap(([k, v]) => outputLines(`  ${k}`, v))];
  }
  return [`  ${name}: ${JSON.stringify(value)}`];
}

/** File paths, with a directory of more than three files shown as the directory and a count. */
function filesByDir(files: readonly string[]): string[] {
  const dirs = new Map<string, string[]>();
  for (const f of files) {
    const dir = f.slice(0, f.lastIndexOf("/"));
    dirs.set(dir, [...(dirs.get(dir) ?? []), f]);
  }
  return [...dirs].flatMap(([dir, inDir]) => (inDir.length > 3 ? [`${dir}/ (${inDir.length} files)`] : inDir));
}

/** The inputs worth reading in a tree view, per resource type. */
function keyInputs(r: CapturedResource): Record<string, unknown> {
  const inputs = mask(r.inputs) as Record<string, unknown>;
  if (r.type !== "docker:index/container:Container") return inputs;
  const pick = (k: string) => inputs[k];
  // File names are not secret even where the upload list is (its contents are): show the names only.
  const uploads = filesByDir((reveal(r.inputs.uploads) as { file: string }[] | undefined)?.map((u) => u.file) ?? []);
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

function treeLines(resources: CapturedResource[]): string[] {
  const lines: string[] = [];
  const children = new Map<string, CapturedResource[]>();
  for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const urns = new Set(resources.map((r) => r.urn));
  const roots = resources.filter((r) => !urns.has(r.parent));
  const walk = (r: CapturedResource, depth: number) => {
    const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean).join(",");
    const pad = "  ".repeat(depth);
    lines.push(`${pad}${r.type}  ${r.name}${flags ? `  [${flags}]` : ""}`);
    if (r.custom) lines.push(`${pad}    ${JSON.stringify(shorten(keyInputs(r)))}`);
    for (const c of children.get(r.urn) ?? []) walk(c, depth + 1);
  };
  roots.forEach((r) => walk(r, 0));
  return lines;
}

runCommand(USAGE, async () => {
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
  const violations = options.policy ? runPolicies(evaluation) : undefined;
  const mandatory = (violations ?? []).filter((v) => v.enforcementLevel === "mandatory").length;
  if (options.json) {
    await print(JSON.stringify({ stack: evaluation.stack, resources, outputs: mask(evaluation.outputs), ...(violations ? { violations } : {}) }, null, 2));
  } else {
    const outputs = Object.entries(mask(evaluation.outputs) as Record<string, unknown>).flatMap(([k, v]) => outputLines(k, v));
    const policy = violations
      ? ["", `policy pack (policies/): ${violations.length === 0 ? "no violations" : `${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory`}`, ...formatViolations(violations).map((l) => `  ${l}`)]
      : [];
    await print([`stack ${evaluation.stack}: ${resources.length} resources`, ...treeLines(evaluation.resources), "", "outputs:", ...outputs, ...policy].join("\n"));
  }
  if (mandatory > 0) throw new ReportedFailure(`stack ${evaluation.stack}: ${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}`);
});
