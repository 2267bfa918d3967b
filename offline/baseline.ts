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
export function snapshotIn(dir: string, stack: string, stackFileInRepo: string): Snapshot | undefined {
  if (!existsSync(path.join(dir, "scripts", "snapshot.ts"))) return undefined;
  if (!existsSync(path.join(dir, stackFileInRepo))) return emptySnapshot(stack);
  const out = path.join(dir, "snapshot.json");
  const run = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "scripts/snapshot.ts", "--stack", stack, "--config-file", stackFileInRepo, "--out", out], { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the program at the base could not evaluate stack ${stack}:\n${run.stderr.trim()}`);
  return JSON.parse(readFileSync(out, "utf8")) as Snapshot;
}

/** The baseline of a stack: `against` is a stack file, or a git ref. */
export async function baselineOf(stack: string, currentFile: string, against: string): Promise<Baseline> {
  if (existsSync(against) && !isGitRef(against)) {
    return { snapshot: snapshotOf(await evaluateConfig(readStackConfig(stack, against))), note: `the stack file ${against}, with this program` };
  }
  const inRepo = path.relative(ROOT, path.resolve(currentFile));
  if (inRepo.startsWith("..")) throw new Error(`${currentFile} is outside the repository: compare it with --against <stack file>`);
  return withWorktree(against, async (dir) => {
    const made = snapshotIn(dir, stack, inRepo);
    if (made) return { snapshot: made, note: `${against} (its program and ${inRepo})` };
    // A ref from before snapshots: its stack file, with this program.
    const old = existsSync(path.join(dir, inRepo)) ? readFileSync(path.join(dir, inRepo), "utf8") : undefined;
    const snapshot = old === undefined ? emptySnapshot(stack) : snapshotOf(await evaluateConfig(parseStackFile(stack, old)));
    return { snapshot, note: `${inRepo} at ${against}, with this program (the program at ${against} predates snapshots)` };
  });
}
