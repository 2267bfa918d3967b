/**
 * An interrupted run cleans up after itself: the processes the rig started are stopped and the
 * registered cleanups run (a bench stopped with Ctrl-C leaves no registry, engine or directory).
 */
import { spawn } from "child_process";
import { readFileSync, rmSync } from "fs";
import * as path from "path";
import { ROOT } from "../../offline/stackConfig";
import { TS_RUN } from "../support/scripts";
import { scratchDir } from "../support/scratch";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("an interrupted run", () => {
  it("on SIGTERM stops the processes it started, runs its cleanups, and exits 143", async () => {
    const dir = scratchDir("regstack-interrupt-");
    try {
      const marker = path.join(dir, "cleaned");
      const code = [
        'const { startProcess } = require("./rig/process");',
        'const { onInterrupt } = require("./rig/interrupt");',
        'const p = startProcess(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);',
        `onInterrupt(() => require("fs").writeFileSync(${JSON.stringify(marker)}, "cleaned"));`,
        "process.stdout.write(`${p.child.pid}\\n`);",
        "setInterval(() => {}, 1000);",
      ].join("\n");
      const run = spawn(process.execPath, [...TS_RUN, "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      const childPid = await new Promise<number>((resolve) => run.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
      expect(alive(childPid)).toBe(true);
      const exited = new Promise<number | null>((resolve) => run.once("exit", (c) => resolve(c)));
      run.kill("SIGTERM");
      expect(await exited).toBe(143);
      expect(readFileSync(marker, "utf8")).toBe("cleaned");
      for (let i = 0; i < 50 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 50));
      expect(alive(childPid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
