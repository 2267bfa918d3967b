/**
 * The pull-request report: for every stack, what the change does (the offline preview against the
 * base branch's stack file) and what the policy pack says, as one Markdown comment under GitHub's
 * 65,536-character limit, marked so a later run updates it in place.
 */
import { Preview, formatPreview } from "./preview";
import { formatViolations, Violation } from "./policy";

/** GitHub refuses comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** The marker the workflow finds its earlier comment by. */
export const REPORT_MARKER = "<!-- regstack-pr-report -->";

export interface StackReport {
  readonly stack: string;
  /** Undefined when the stack file is new in this change (nothing to compare with). */
  readonly preview?: Preview;
  readonly violations: readonly Violation[];
}

const count = (p: Preview | undefined, step: string) => (p ? String(p.resources.filter((r) => r.step === step).length) : "new");

function policyCell(violations: readonly Violation[]): string {
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  if (violations.length === 0) return "passes";
  return mandatory > 0 ? `**${mandatory} mandatory**, ${violations.length - mandatory} advisory` : `${violations.length} advisory`;
}

/** A stack's details: its preview and violations, cut to `budget` characters with a note of what was cut. */
function details(r: StackReport, against: string, budget: number): string {
  const lines = [...(r.preview ? formatPreview(r.preview) : ["(a new stack: nothing to compare with)"]), ...(r.violations.length > 0 ? ["", "Policy pack:", ...formatViolations(r.violations).map((l) => `  ${l}`)] : [])];
  const head = `<details><summary>${r.stack}</summary>\n\n\`\`\`diff\n`;
  const tail = "\n```\n</details>\n";
  let body = lines.join("\n").replace(/```/g, "ʼʼʼ");
  if (head.length + body.length + tail.length > budget) {
    const note = `\n… cut to fit the comment: run npm run preview -- --stack ${r.stack} --against ${against}`;
    body = body.slice(0, Math.max(0, budget - head.length - tail.length - note.length));
    body = body.slice(0, body.lastIndexOf("\n") + 1) + note;
  }
  return head + body + tail;
}

/** The whole comment, never longer than GitHub accepts. */
export function composeReport(reports: readonly StackReport[], against: string, limit = GITHUB_COMMENT_LIMIT - 1024): string {
  const table = [
    REPORT_MARKER,
    `## regstack: what this change does (against \`${against}\`)`,
    "",
    "| stack | create | update | replace | delete | rendered files changed | policy pack |",
    "|---|---|---|---|---|---|---|",
    ...reports.map((r) => `| ${r.stack} | ${count(r.preview, "create")} | ${count(r.preview, "update")} | ${count(r.preview, "replace")} | ${count(r.preview, "delete")} | ${r.preview ? r.preview.files.length : "new"} | ${policyCell(r.violations)} |`),
    "",
    "",
  ].join("\n");
  const budget = Math.floor((limit - table.length) / Math.max(1, reports.length));
  return table + reports.map((r) => details(r, against, budget)).join("\n");
}

/** Mandatory violations across the stacks (the check fails when there is one). */
export function mandatoryCount(reports: readonly StackReport[]): number {
  return reports.reduce((n, r) => n + r.violations.filter((v) => v.enforcementLevel === "mandatory").length, 0);
}
