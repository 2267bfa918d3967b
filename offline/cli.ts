import { existsSync } from "fs";
import { ConfigError } from "../components/config/issues";
import { shippedStacks, stackFile } from "./stackConfig";
import { StackFileError } from "../components/config/stackFile";

export interface CliOptions {
  readonly stack: string;
  readonly configFile?: string;
  readonly json: boolean;
  readonly out?: string;
  /** Run the policy pack over the plan. */
  readonly policy: boolean;
  /** What to compare against (preview): a git ref or a stack file. */
  readonly against?: string;
}

/** A long flag with its value inline (`--stack=nas`) split in two; anything else is a flag without one. */
export function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf("=");
  return arg.startsWith("--") && at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, undefined];
}

/** Thrown for a command-line mistake: printed as one line with the usage, exit code 2. */
export class UsageError extends Error {}

/** A failure whose message says everything (what failed and its cause): printed without a stack trace. */
export class ReportedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportedFailure";
  }
}

/** Thrown for `--help`: the usage goes to stdout, exit code 0. */
class HelpRequested extends Error {}

/**
 * Parses `-s|--stack <name>` (or `--stack=<name>`), `--config-file <path>`, `--json`, `--out <dir>`,
 * `--policy`, `--against <ref or file>` and `-h|--help`, as Pulumi's own flags read. A stack without a stack file is refused here, naming
 * the stack files there are.
 */
export function parseArgs(argv: readonly string[], usage: string): CliOptions {
  let stack: string | undefined;
  let configFile: string | undefined;
  let out: string | undefined;
  let json = false;
  let policy = false;
  let against: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    const value = (): string => {
      if (inline !== undefined) {
        if (inline === "") throw new UsageError(`${flag} needs a value`);
        return inline;
      }
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "-h" || flag === "--help") throw new HelpRequested(usage);
    else if (flag === "-s" || flag === "--stack") stack = value();
    else if (flag === "--config-file") configFile = value();
    else if (flag === "--out") out = value();
    else if (flag === "--json" && inline === undefined) json = true;
    else if (flag === "--policy" && inline === undefined) policy = true;
    else if (flag === "--against") against = value();
    else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  if (!stack) throw new UsageError("--stack is required");
  if (configFile !== undefined && !existsSync(configFile)) throw new UsageError(`no stack file ${configFile}`);
  if (configFile === undefined && !existsSync(stackFile(stack))) {
    const known = shippedStacks();
    throw new UsageError(`no stack "${stack}": there is no Pulumi.${stack}.yaml (stack files here: ${known.map((s) => `Pulumi.${s}.yaml`).join(", ")}; or give --config-file <path>)`);
  }
  return { stack, configFile, json, out, policy, against };
}

/**
 * Writes to stdout and resolves once the text is handed to the OS: a command's output must arrive
 * whole through a pipe (process.exit right after a large write cut `plan --json` at 64 KiB).
 */
export function print(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`, (err) => (err ? reject(err) : resolve())));
}

/**
 * Runs a command's body: config problems (every one) and usage mistakes go to stderr with a non-zero
 * exit code, `--help` to stdout with 0. The exit code is set, never forced, so output drains first.
 */
export function runCommand(usage: string, body: () => Promise<void>): void {
  body().then(
    () => {
      process.exitCode = 0;
    },
    (err: unknown) => {
      if (err instanceof HelpRequested) {
        process.stdout.write(`${usage}\n`);
        process.exitCode = 0;
        return;
      }
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n${usage}\n`);
        process.exitCode = 2;
        return;
      }
      if (err instanceof ReportedFailure || err instanceof StackFileError) {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      const config = findConfigError(err);
      process.stderr.write(config ? `${config.message}\n` : `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/** The program turns a ConfigError into a RunError with the same text; recognise either. */
function findConfigError(err: unknown): Error | undefined {
  if (err instanceof ConfigError) return err;
  if (err instanceof Error && err.message.includes("invalid regstack stack config")) {
    return new Error(err.message.slice(err.message.indexOf("invalid regstack stack config")));
  }
  return undefined;
}
