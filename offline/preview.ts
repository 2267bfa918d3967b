/**
 * What a change does, as `pulumi preview --diff` would show it: two snapshots of evaluations under the
 * offline engine (the stack as it is, and as it was: another stack file, or the program and stack file
 * at a git ref, see baseline.ts), compared resource by resource
 * (create, update in place, replace with the inputs that force it, delete) and file by file (the
 * changed lines of every rendered file; a secret file's lines are never shown). Generated values are
 * the same in both evaluations, so only what the edit changes shows.
 */
import { changedLines } from "./lineDiff";
import { changedPaths, replacingChanges } from "./replacement";
import { Snapshot, SnapshotResource } from "./snapshot";

export type Step = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  readonly step: Step;
  readonly type: string;
  readonly name: string;
  /** Inputs that changed (update, replace). */
  readonly changed: readonly string[];
  /** Inputs whose change forces the replacement (replace). */
  readonly replacedBy: readonly string[];
}

export interface FileChange {
  readonly service: string;
  readonly path: string;
  readonly step: "create" | "update" | "delete";
  readonly secret: boolean;
  /** `-`/`+` lines with context; empty for a secret file. */
  readonly lines: readonly string[];
}

export interface Preview {
  readonly resources: readonly ResourceChange[];
  readonly files: readonly FileChange[];
  readonly unchanged: number;
}

const STEP_ORDER: readonly Step[] = ["create", "update", "replace", "delete"];

/** Resources the engine acts on (components have no inputs of their own). */
const acted = (e: Snapshot) => new Map(e.resources.filter((r) => r.custom).map((r) => [r.urn, r]));

function changeOf(before: SnapshotResource, after: SnapshotResource): ResourceChange | undefined {
  const changed = changedPaths(before.inputs, after.inputs);
  if (changed.length === 0) return undefined;
  const replacedBy = replacingChanges(after.type, changed);
  return { step: replacedBy.length > 0 ? "replace" : "update", type: after.type, name: after.name, changed, replacedBy };
}

export function previewOf(before: Snapshot, after: Snapshot): Preview {
  const a = acted(before);
  const b = acted(after);
  const resources: ResourceChange[] = [];
  let unchanged = 0;
  for (const [urn, r] of b) {
    const old = a.get(urn);
    if (!old) {
      resources.push({ step: "create", type: r.type, name: r.name, changed: [], replacedBy: [] });
      continue;
    }
    const change = changeOf(old, r);
    if (change) resources.push(change);
    else unchanged++;
  }
  for (const [urn, r] of a) if (!b.has(urn)) resources.push({ step: "delete", type: r.type, name: r.name, changed: [], replacedBy: [] });
  resources.sort((x, y) => STEP_ORDER.indexOf(x.step) - STEP_ORDER.indexOf(y.step) || x.name.localeCompare(y.name));

  const key = (f: { service: string; path: string }) => `${f.service}\u0000${f.path}`;
  const oldFiles = new Map(before.files.map((f) => [key(f), f]));
  const newFiles = new Map(after.files.map((f) => [key(f), f]));
  const files: FileChange[] = [];
  for (const [k, f] of newFiles) {
    const old = oldFiles.get(k);
    if (old && old.content === f.content) continue;
    const secret = f.secret || old?.secret === true;
    files.push({ service: f.service, path: f.path, step: old ? "update" : "create", secret, lines: secret ? [] : changedLines(old?.content ?? "", f.content) });
  }
  for (const [k, f] of oldFiles) if (!newFiles.has(k)) files.push({ service: f.service, path: f.path, step: "delete", secret: f.secret, lines: [] });
  files.sort((x, y) => x.service.localeCompare(y.service) || x.path.localeCompare(y.path));
  return { resources, files, unchanged };
}

const MARK: Readonly<Record<Step, string>> = { create: "+", update: "~", replace: "+-", delete: "-" };

/** The preview as text for a person (and a PR comment). */
export function formatPreview(p: Preview): string[] {
  const lines: string[] = [];
  for (const r of p.resources) {
    const detail = r.step === "replace" ? `  (replaced by a change of ${r.replacedBy.join(", ")})` : r.step === "update" ? `  (${[...new Set(r.changed.map((c) => c.split(".").slice(0, 2).join(".")))].join(", ")})` : "";
    lines.push(`  ${MARK[r.step].padEnd(2)} ${r.step.padEnd(7)} ${r.type}  ${r.name}${detail}`);
  }
  const count = (s: Step) => p.resources.filter((r) => r.step === s).length;
  lines.push(`Resources: ${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete, ${p.unchanged} unchanged`);
  if (p.files.length > 0) {
    lines.push("", "Rendered files:");
    for (const f of p.files) {
      lines.push(`  ${f.step} ${f.service} ${f.path}${f.secret ? " (secret: content not shown)" : ""}`);
      for (const l of f.lines) lines.push(`      ${l}`);
    }
  } else {
    lines.push("", "Rendered files: no change");
  }
  return lines;
}
