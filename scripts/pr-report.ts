/**
 * npm run pr-report -- --against <git ref> --out <file>
 * The pull-request report: every shipped stack previewed against the ref (its program and stack file,
 * in a worktree) and run through the policy pack, written as one Markdown comment. Writes `mandatory=<n>` to $GITHUB_OUTPUT
 * when it is set; the workflow fails after posting the comment when n is not 0.
 */
import { appendFileSync, writeFileSync } from "fs";
import * as path from "path";
import { print, runCommand, splitFlag, UsageError } from "../offline/cli";
import { runPolicies } from "../offline/policy";
import { composeReport, mandatoryCount, StackReport } from "../offline/prReport";
import { baselineIn, withWorktree } from "../offline/baseline";
import { previewOf } from "../offline/preview";
import { evaluateConfig } from "../offline/run";
import { snapshotOf } from "../offline/snapshot";
import { readStackConfig, shippedStacks } from "../offline/stackConfig";

const USAGE = [
  "usage: npm run pr-report -- --against <git ref> --out <file>",
  "  Previews every shipped stack against the ref (its program and stack file) and runs the policy pack;",
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

runCommand(USAGE, async () => {
  const { against, out } = options(process.argv.slice(2));
  const reports: StackReport[] = [];
  // One worktree of the base for every stack: its own program makes each baseline.
  await withWorktree(against, async (dir) => {
    for (const stack of shippedStacks()) {
      const after = await evaluateConfig(readStackConfig(stack));
      const before = await baselineIn(dir, stack, `Pulumi.${stack}.yaml`, against);
      reports.push({ stack, preview: before.isNew ? undefined : previewOf(before.snapshot, snapshotOf(after)), violations: runPolicies(after) });
    }
  });
  const comment = composeReport(reports, against);
  writeFileSync(path.resolve(out), comment);
  const mandatory = mandatoryCount(reports);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `mandatory=${mandatory}\n`);
  await print(`wrote ${comment.length} characters to ${out}: ${reports.length} stacks, ${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}`);
});
