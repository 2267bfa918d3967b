/**
 * npm run e2e:down [-- --id <id>]: stops the engines `npm run e2e:up` left running (all of them, or
 * the one named), each removing its own containers, bridges and state. Nothing else is touched.
 */
import { PrivateEngine } from "../e2e/engine";
import { print, runCommand, UsageError } from "../offline/cli";

const USAGE = "usage: npm run e2e:down [-- --id <id>]   (ids as e2e:up printed them)";

runCommand(USAGE, async () => {
  const args = process.argv.slice(2);
  if (args.includes("-h") || args.includes("--help")) {
    await print(USAGE);
    return;
  }
  const idAt = args.indexOf("--id");
  if (args.length > 0 && (idAt !== 0 || args.length !== 2)) throw new UsageError(`unknown arguments ${args.join(" ")}`);
  const running = PrivateEngine.running();
  const chosen = idAt === 0 ? running.filter((e) => e.id === args[1]) : running;
  if (idAt === 0 && chosen.length === 0) throw new UsageError(`no running e2e engine "${args[1]}" (running: ${running.map((e) => e.id).join(", ") || "none"})`);
  if (chosen.length === 0) {
    await print("no regstack e2e engine is running");
    return;
  }
  for (const engine of chosen) {
    await engine.stop();
    await print(`stopped engine ${engine.id} and removed ${engine.root}`);
  }
});
