/**
 * npm run e2e:up -- --stack <name> [--config-file <path>]
 * Brings a stack up in a private Docker engine with stand-in images and leaves it running; prints the
 * published endpoints, the CA certificate file and the test credentials. `npm run e2e:down` ends it.
 */
import { tmpdir } from "os";
import * as path from "path";
import { parseArgs, runCommand } from "../offline/cli";
import { evaluateStack } from "../offline/run";
import { describeEndpoints, openSession } from "../e2e/session";

const USAGE = "usage: npm run e2e:up -- --stack <name> [--config-file <path>]";

runCommand(USAGE, async () => {
  const options = parseArgs(process.argv.slice(2), USAGE);
  const evaluation = await evaluateStack(options.stack, options.configFile);
  const session = await openSession(true);
  try {
    const report = await session.applier.apply(evaluation);
    const info = describeEndpoints(evaluation, report, path.join(tmpdir(), "regstack-e2e-client"));
    session.engine.save({ stack: options.stack, ...info });
    console.log(`stack ${options.stack} is up in a private engine (socket ${session.engine.socket})`);
    for (const c of report.containers) console.log(`  ${c.action.padEnd(8)} ${c.name}`);
    for (const s of report.skipped) console.log(`  skipped  ${s.resource} (${s.image}): ${s.reason}`);
    for (const u of session.applier.unhealthy) console.log(`  UNHEALTHY ${u}`);
    console.log(JSON.stringify(info, null, 2));
    console.log(`docker CLI: /usr/bin/docker -H unix://${session.engine.socket} ps`);
  } catch (err) {
    await session.engine.stop();
    throw err;
  }
});
