/**
 * npm run check -- (-s|--stack <name> | --outputs <file> | --e2e [<id>])
 * Checks a live platform from the client side and prints a table with each check's latency; exits
 * non-zero when a check fails. `--stack` reads `pulumi stack output --json --show-secrets`, `--outputs`
 * a file of that output, `--e2e` an engine `npm run e2e:up` left running.
 */
import { existsSync, readFileSync } from "fs";
import { resultTable, runChecks } from "../check/checks";
import { CheckTarget, fromE2eState, fromOutputs, outputsOfStack } from "../check/target";
import { PrivateEngine } from "../e2e/engine";
import { print, ReportedFailure, runCommand, splitFlag, UsageError } from "../offline/cli";

const USAGE = [
  "usage: npm run check -- (-s|--stack <name> | --outputs <file> | --e2e [<id>])",
  "  Checks the live platform from a client: edge, TLS, logins, push/pull by digest, roles, caches, UI, catalog.",
  "  Writes one tag, regstack-check/probe:latest, overwritten by every run.",
].join("\n");

function target(argv: readonly string[]): CheckTarget {
  const [flag, inline] = argv[0] === undefined ? [undefined, undefined] : splitFlag(argv[0]);
  const value = inline ?? argv[1];
  if (flag === "-s" || flag === "--stack") {
    if (!value) throw new UsageError("--stack needs a value");
    return fromOutputs(outputsOfStack(value));
  }
  if (flag === "--outputs") {
    if (!value) throw new UsageError("--outputs needs a file");
    if (!existsSync(value)) throw new UsageError(`no file ${value}`);
    return fromOutputs(JSON.parse(readFileSync(value, "utf8")));
  }
  if (flag === "--e2e") {
    const running = PrivateEngine.running().filter((e) => value === undefined || e.id === value);
    if (running.length !== 1) throw new UsageError(`--e2e needs exactly one running engine${value ? ` with id ${value}` : " (give its id)"}; running: ${PrivateEngine.running().map((e) => e.id).join(", ") || "none"}`);
    return fromE2eState(running[0].stateFile);
  }
  throw new UsageError(flag === undefined ? "say which platform to check" : `unknown argument ${flag}`);
}

runCommand(USAGE, async () => {
  const argv = process.argv.slice(2);
  if (argv.includes("-h") || argv.includes("--help")) {
    await print(USAGE);
    return;
  }
  const results = await runChecks(target(argv));
  await print(resultTable(results));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new ReportedFailure(`${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.check).join(", ")}`);
});
