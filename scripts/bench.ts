/**
 * npm run bench [-- --only edge|engine|operations] [--out <file.json>] [--requests N] [--size-mb M]
 * Side-by-side measurements in one run (see bench/edge.ts, bench/engine.ts, bench/operations.ts). Prints tables and
 * writes JSON (default out/bench.json).
 */
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { benchEdge } from "../bench/edge";
import { benchEngine } from "../bench/engine";
import { benchOperations } from "../bench/operations";
import { splitFlag, UsageError } from "../offline/cli";

const USAGE = [
  "usage: npm run bench [-- --only edge|engine|operations] [--out <file.json>] [--requests N] [--size-mb M]",
  "  Side-by-side measurements in one run; prints tables and writes JSON (default out/bench.json).",
].join("\n");

/** The options, refused whole on a mistake (a bench is long: a typo must not start one). */
function options(argv: readonly string[]): { only: string; requests: number; sizeMb: number; out: string } {
  const given: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    if (flag === "-h" || flag === "--help") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const name = flag.replace(/^--/, "");
    if (!["only", "out", "requests", "size-mb"].includes(name)) throw new UsageError(`unknown argument ${argv[i]}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("-")) throw new UsageError(`${flag} needs a value`);
    given[name] = value;
  }
  const only = given.only ?? "all";
  if (!["all", "edge", "engine", "operations"].includes(only)) throw new UsageError(`--only takes edge, engine or operations, not ${only}`);
  const count = (name: string, fallback: number) => {
    const n = Number(given[name] ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a whole number above 0, not ${given[name]}`);
    return n;
  };
  return { only, requests: count("requests", 400), sizeMb: count("size-mb", 256), out: path.resolve(given.out ?? "out/bench.json") };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { only, requests, sizeMb, out } = parsed;
  const result: Record<string, unknown> = { when: new Date().toISOString() };
  if (only === "all" || only === "edge") result.edge = await benchEdge(requests, sizeMb);
  if (only === "all" || only === "engine") result.engine = await benchEngine(Math.min(sizeMb, 128), Math.min(requests, 200));
  if (only === "all" || only === "operations") result.operations = await benchOperations(Math.min(sizeMb, 256));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
