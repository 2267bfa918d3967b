/**
 * What a preview compares against. A stack file: the same program with that config. A git ref: the
 * program and the stack file as they were at the ref, evaluated by the ref's own code in a temporary
 * worktree (sharing this checkout's node_modules), so a code change shows as well as a config edit. A
 * ref from before `scripts/snapshot.ts` existed is compared by its stack file alone, and says so.
 */
import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { evaluateConfig } from "./run";
import { emptySnapshot, Snapshot, snapshotOf } from "./snapshot";
import { parseStackFile, readStackConfig, ROOT } from "./stackConfig";

export interface Baseline {
  readonly snapshot: Snapshot;
  /** How it was made, for the preview's heading. */
  readonly note: string;
  /** The stack file does not exist at the base: everything is new. */
  readonly isNew: boolean;
}

const git = (args: string[], cwd = ROOT) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** Whether `ref` names a commit here. */
export function isGitRef(ref: string): boolean {
  try {
    git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** A checkout of `ref` in a temporary worktree while `use` runs; removed after. */
export async function withWorktree<T>(ref: string, use: (dir: string) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(path.join(tmpdir(), "regstack-base-"));
  const dir = path.join(parent, "base");
  git(["worktree", "add", "--detach", "--quiet", dir, ref]);
  try {
    if (!existsSync(path.join(dir, "node_modules"))) symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return await use(dir);
  } finally {
    try {
      git(["worktree", "remove", "--force", dir]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
      git(["worktree", "prune"]);
    }
  }
}

/** The stack's snapshot made by the program checked out in `dir` (undefined when that program cannot make one). */
function snapshotIn(dir: string, stack: string, stackFileInRepo: string): Snapshot | undefined {
  if (!existsSync(path.join(dir, "scripts", "snapshot.ts"))) return undefined;
  const out = path.join(dir, "snapshot.json");
  const run = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "scripts/snapshot.ts", "--stack", stack, "--config-file", stackFileInRepo, "--out", out], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the program at the base could not evaluate stack ${stack}:\n${run.stderr.trim()}`);
  return JSON.parse(readFileSync(out, "utf8")) as Snapshot;
}

/** The baseline of a stack: `against` is a stack file, or a git ref. */
export async function baselineOf(stack: string, currentFile: string, against: string): Promise<Baseline> {
  if (existsSync(against) && !isGitRef(against)) {
    return { snapshot: snapshotOf(await evaluateConfig(readStackConfig(stack, against))), note: `the stack file ${against}, with this program`, isNew: false };
  }
  const inRepo = path.relative(ROOT, path.resolve(currentFile));
  if (inRepo.startsWith("..")) throw new Error(`${currentFile} is outside the repository: compare it with --against <stack file>`);
  return withWorktree(against, (dir) => baselineIn(dir, stack, inRepo, against));
}

/** The baseline of a stack in a checkout of `against` (its program, or this one for a ref from before snapshots). */
export async function baselineIn(dir: string, stack: string, stackFileInRepo: string, against: string): Promise<Baseline> {
  if (!existsSync(path.join(dir, stackFileInRepo))) return { snapshot: emptySnapshot(stack), note: `${against} (no ${stackFileInRepo} there)`, isNew: true };
  const made = snapshotIn(dir, stack, stackFileInRepo);
  if (made) return { snapshot: made, note: `${against} (its program and ${stackFileInRepo})`, isNew: false };
  // A ref from before snapshots: its stack file, with this program.
  const snapshot = snapshotOf(await evaluateConfig(parseStackFile(stack, readFileSync(path.join(dir, stackFileInRepo), "utf8"))));
  return { snapshot, note: `${stackFileInRepo} at ${against}, with this program (the program at ${against} predates snapshots)`, isNew: false };
}
