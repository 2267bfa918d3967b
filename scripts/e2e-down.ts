/** npm run e2e:down: tears down the engine `npm run e2e:up` left running, its bridges and its state. */
import { existsSync, readFileSync } from "fs";
import { PrivateEngine } from "../e2e/engine";
import { runCommand } from "../offline/cli";

runCommand("usage: npm run e2e:down", async () => {
  const file = PrivateEngine.stateFile();
  if (!existsSync(file)) {
    console.log("no regstack e2e engine is running");
    return;
  }
  const { root } = JSON.parse(readFileSync(file, "utf8")) as { root: string };
  await new PrivateEngine(root).stop();
  console.log(`stopped and removed the engine in ${root}`);
});
