import { ConfigError } from "../components/config/issues";

export interface CliOptions {
  readonly stack: string;
  readonly configFile?: string;
  readonly json: boolean;
  readonly out?: string;
}

/** Parses `--stack <name> [--config-file <path>] [--json] [--out <dir>]`. */
export function parseArgs(argv: readonly string[], usage: string): CliOptions {
  let stack: string | undefined;
  let configFile: string | undefined;
  let out: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) fail(`${arg} needs a value\n${usage}`);
      return v;
    };
    if (arg === "--stack") stack = value();
    else if (arg === "--config-file") configFile = value();
    else if (arg === "--out") out = value();
    else if (arg === "--json") json = true;
    else fail(`unknown argument ${arg}\n${usage}`);
  }
  if (!stack) fail(`--stack is required\n${usage}`);
  return { stack: stack as string, configFile, json, out };
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** Runs a command's body, printing config problems (every one) to stderr with a non-zero exit. */
export function runCommand(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (err: unknown) => {
      const spec = findConfigError(err);
      if (spec) {
        process.stderr.write(`${spec.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
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
