/**
 * npm run e2e:up -- (--stack <name> [--config-file <path>] | --variant <name>) [--reuse [--id <id>]]
 * Brings a stack up in a private Docker engine with stand-in images, saying what it substituted, and
 * leaves it running; prints the endpoints, the CA file and the test credentials. A container that
 * does not become healthy stops the run with its cause. `npm run e2e:down` ends it.
 */
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { images } from "../components/images";
import { PrivateEngine } from "../e2e/engine";
import { attachSession, describeEndpoints, E2eSession, openSession } from "../e2e/session";
import { cacheNetworks, startUpstream } from "../e2e/upstream";
import { namedVariant, substitute, Substituted, upstreamAliases, VARIANTS } from "../e2e/variants";
import { resultTable, runChecks } from "../check/checks";
import { fromE2eState } from "../check/target";
import { print, ReportedFailure, runCommand, splitFlag, UsageError } from "../offline/cli";
import { evaluateConfig } from "../offline/run";
import { readStackConfig, shippedStacks, stackFile } from "../offline/stackConfig";
import { freePort } from "../rig/process";

const USAGE = [
  "usage: npm run e2e:up -- (-s|--stack <name> [--config-file <path>] | --variant <name>) [--reuse [--id <id>]]",
  `  variants: ${Object.entries(VARIANTS).map(([k, v]) => `${k} (${v.describe})`).join("; ")}`,
  "  --reuse   apply the (edited) config to a running engine and say what was recreated",
].join("\n");

interface UpOptions {
  readonly stack?: string;
  readonly configFile?: string;
  readonly variant?: string;
  readonly reuse: boolean;
  readonly id?: string;
}

function parse(argv: readonly string[]): UpOptions {
  const o: { stack?: string; configFile?: string; variant?: string; reuse: boolean; id?: string } = { reuse: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]);
    const next = () => {
      const v = inline ?? argv[++i];
      if (!v || v.startsWith("-")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "-h" || flag === "--help") throw new UsageError("help");
    else if (flag === "-s" || flag === "--stack") o.stack = next();
    else if (flag === "--config-file") o.configFile = next();
    else if (flag === "--variant") o.variant = next();
    else if (flag === "--id") o.id = next();
    else if (flag === "--reuse") o.reuse = true;
    else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  if ((o.stack === undefined) === (o.variant === undefined)) throw new UsageError("give --stack or --variant");
  if (o.variant !== undefined && !VARIANTS[o.variant]) throw new UsageError(`no variant "${o.variant}" (variants: ${Object.keys(VARIANTS).join(", ")})`);
  if (o.stack !== undefined && o.configFile === undefined && !existsSync(stackFile(o.stack))) {
    throw new UsageError(`no stack "${o.stack}" (stack files here: ${shippedStacks().map((s) => `Pulumi.${s}.yaml`).join(", ")})`);
  }
  return o;
}

async function session(o: UpOptions): Promise<{ session: E2eSession; reused: boolean }> {
  if (!o.reuse) return { session: await openSession(), reused: false };
  const running = PrivateEngine.running().filter((e) => o.id === undefined || e.id === o.id);
  if (running.length !== 1) throw new UsageError(`--reuse needs exactly one running engine${o.id ? ` with id ${o.id}` : " (give --id)"}; running: ${PrivateEngine.running().map((e) => e.id).join(", ") || "none"}`);
  const saved = JSON.parse(readFileSync(running[0].stateFile, "utf8")) as { ports?: [number, number][] };
  return { session: attachSession(running[0], new Map(saved.ports ?? [])), reused: true };
}

runCommand(USAGE, async () => {
  let options: UpOptions;
  try {
    options = parse(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError && err.message === "help") {
      await print(USAGE);
      return;
    }
    throw err;
  }
  const { session: s, reused } = await session(options);
  const engine = s.engine;
  let checkFailed: string | undefined;
  try {
    const made: Substituted = options.variant ? namedVariant(options.variant, engine.root) : substitute(readStackConfig(options.stack!, options.configFile), engine.root);
    const stack = made.config.stack;
    await print([`stack ${stack} in private engine ${engine.id} (socket ${engine.socket})`, "substitutions:", ...made.substitutions.map((n) => `  - ${n}`)].join("\n"));
    const evaluation = await evaluateConfig(made.config);
    const upstream = `regstack-${stack}-upstream`;
    if (engine.docker(["inspect", upstream]).status !== 0) startUpstream(engine, upstream, cacheNetworks(evaluation), s.images.get(images.registry28)!, await freePort(), upstreamAliases(made.config));
    const report = await s.applier.apply(evaluation);
    const info = describeEndpoints(evaluation, report, path.join(engine.root, "client"));
    engine.save({ stack, substitutions: made.substitutions, ports: [...report.ports], ...info });
    await print(
      [
        ...report.containers.map((c) => `  ${c.action.padEnd(8)} ${c.name}`),
        ...report.skipped.map((x) => `  skipped  ${x.resource} (${x.image}): ${x.reason}`),
        JSON.stringify({ id: engine.id, ...info }, null, 2),
        `docker CLI: /usr/bin/docker -H unix://${engine.socket} ps`,
        `stop it: npm run e2e:down -- --id ${engine.id}`,
        "",
        `npm run check -- --e2e ${engine.id}:`,
      ].join("\n"),
    );
    const results = await runChecks(fromE2eState(engine.stateFile));
    await print(resultTable(results));
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      checkFailed = `the platform is up in engine ${engine.id} but ${failed.length} checks failed: ${failed.map((r) => r.check).join(", ")} (inspect it, then npm run e2e:down -- --id ${engine.id})`;
    }
  } catch (err) {
    // A failed first apply leaves nothing running; a failed re-apply leaves the engine for inspection.
    if (!reused) await engine.stop();
    throw err;
  }
  // Failed checks leave the engine running, for a look at what failed.
  if (checkFailed) throw new ReportedFailure(checkFailed);
});
