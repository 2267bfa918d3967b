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

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const only = option("only", "all");
  const requests = Number(option("requests", "400"));
  const sizeMb = Number(option("size-mb", "256"));
  const out = path.resolve(option("out", "out/bench.json"));
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
