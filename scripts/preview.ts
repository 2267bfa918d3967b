/**
 * npm run preview -- --stack <name> [--config-file <path>] --against <git ref or stack file>
 * Shows what the stack file's change does, as `pulumi preview --diff` would: the program evaluated
 * under the offline engine with the stack file as it is and as it was, compared.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseArgs, print, runCommand, UsageError } from "../offline/cli";
import { formatPreview, previewOf } from "../offline/preview";
import { evaluateConfig } from "../offline/run";
import { readStackConfig, ROOT, stackFile } from "../offline/stackConfig";

const USAGE = [
  "usage: npm run preview -- -s|--stack <name> [--config-file <path>] --against <git ref or stack file>",
  "  Compares the stack as its stack file is now with the stack file at a git ref (HEAD, main, a commit)",
  "  or in another file: resources to create, update, replace (and the inputs that force it) and",
  "  delete, and the changed lines of every rendered file. The program is the working tree's in both.",
].join("\n");

/** The stack file as it was: a file given by path, or the same file at a git ref. */
function previousStackFile(against: string, current: string, work: string): string {
  if (existsSync(against)) return against;
  const inRepo = path.relative(ROOT, path.resolve(current));
  if (inRepo.startsWith("..")) throw new UsageError(`--against ${against}: not a file, and ${current} is outside the repository, so no git ref applies`);
  let text: string;
  try {
    text = execFileSync("git", ["show", `${against}:${inRepo}`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    throw new UsageError(`--against ${against}: neither a file nor a git ref holding ${inRepo}`);
  }
  const file = path.join(work, path.basename(current));
  writeFileSync(file, text);
  return file;
}

runCommand(USAGE, async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  if (!options.against) throw new UsageError("--against is required");
  const current = options.configFile ?? stackFile(options.stack);
  const work = mkdtempSync(path.join(tmpdir(), "regstack-preview-"));
  try {
    const before = await evaluateConfig(readStackConfig(options.stack, previousStackFile(options.against, current, work)));
    const after = await evaluateConfig(readStackConfig(options.stack, current));
    const preview = previewOf(before, after);
    await print([`preview of stack ${options.stack}: ${path.relative(ROOT, path.resolve(current))} against ${options.against}`, ...formatPreview(preview)].join("\n"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
