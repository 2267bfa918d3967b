import { execFileSync } from "child_process";
import * as path from "path";
import { ROOT } from "../../offline/stackConfig";
import { requireTool, runTool } from "../../rig/process";

/** Every shell script in the repository: tracked *.sh files and .ci/run. */
function shellScripts(): string[] {
  const tracked = execFileSync("git", ["ls-files", "*.sh", ".ci/run"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
  return tracked.map((f) => path.join(ROOT, f));
}

describe("shell scripts", () => {
  it("pass shellcheck", () => {
    requireTool("shellcheck");
    const scripts = shellScripts();
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    const result = runTool("shellcheck", ["--severity=style", "--external-sources", ...scripts]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
