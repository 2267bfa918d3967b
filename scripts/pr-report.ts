/**
 * npm run pr-report -- --against <git ref> --out <file>
 * The pull-request report: every shipped stack previewed against its stack file at the ref, and run
 * through the policy pack, written as one Markdown comment. Writes `mandatory=<n>` to $GITHUB_OUTPUT
 * when it is set; the workflow fails after posting the comment when n is not 0.
 */
import { execFileSync } from "child_process";
import { appendFileSync, writeFileSync } from "fs";
import * as path from "path";
import { print, runCommand, splitFlag, UsageError } from "../offline/cli";
import { runPolicies } from "../offline/policy";
import { composeReport, mandatoryCount, StackReport } from "../offline/prReport";
import { previewOf } from "../offline/preview";
import { evaluateConfig } from "../offline/run";
import { parseStackFile, readStackConfig, ROOT, shippedStacks } from "../offline/stackConfig";

const USAGE = [
  "usage: npm run pr-report -- --against <git ref> --out <file>",
  "  Previews every shipped stack against its stack file at the ref and runs the policy pack over it;",
  "  writes the Markdown comment to <file> and mandatory=<n> to $GITHUB_OUTPUT when set.",
].join("\n");

function options(argv: readonly string[]): { against: string; out: string } {
  let against: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    const value = () => inline ?? argv[++i];
    if (flag === "--against") against = value();
    else if (flag === "--out") out = value();
    else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  if (!against || !out) throw new UsageError("--against and --out are required");
  return { against, out };
}

/** The stack file's text at the ref, or undefined when the ref does not have it. */
function atRef(ref: string, stack: string): string | undefined {
  try {
    return execFileSync("git", ["show", `${ref}:Pulumi.${stack}.yaml`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

runCommand(USAGE, async () => {
  const { against, out } = options(process.argv.slice(2));
  const reports: StackReport[] = [];
  for (const stack of shippedStacks()) {
    const after = await evaluateConfig(readStackConfig(stack));
    const old = atRef(against, stack);
    const before = old === undefined ? undefined : await evaluateConfig(parseStackFile(stack, old));
    reports.push({ stack, preview: before ? previewOf(before, after) : undefined, violations: runPolicies(after) });
  }
  const comment = composeReport(reports, against);
  writeFileSync(path.resolve(out), comment);
  const mandatory = mandatoryCount(reports);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `mandatory=${mandatory}\n`);
  await print(`wrote ${comment.length} characters to ${out}: ${reports.length} stacks, ${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}`);
});
