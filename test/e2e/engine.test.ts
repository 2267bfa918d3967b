/** The private engine leaves nothing behind and touches nothing it did not make. */
import { spawnSync } from "child_process";
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { ROOT } from "../../offline/stackConfig";
import { TS_RUN } from "../support/scripts";
import { linkExists, PrivateEngine } from "../../e2e/engine";

/** Whether a process has ended (gone, or a zombie waiting for its parent). */
function processGone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  return readFileSync(stat, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
}

describe("private Docker engine", () => {
  it("tears down exactly its own networks' bridges and all of its state", async () => {
    const engine = new PrivateEngine();
    await engine.start();
    let bridge = "";
    try {
      engine.must(["network", "create", "regstack-teardown-check"]);
      const id = engine.must(["network", "inspect", "--format", "{{.Id}}", "regstack-teardown-check"]);
      bridge = `br-${id.slice(0, 12)}`;
      expect(engine.bridges()).toEqual([bridge]);
      expect(linkExists(bridge)).toBe(true);
      expect(engine.must(["info", "--format", "{{.Driver}}"])).toBe("vfs");
    } finally {
      await engine.stop();
    }
    expect(existsSync(engine.root)).toBe(false);
    expect(engine.docker(["version"]).status).not.toBe(0);
    expect(linkExists(bridge)).toBe(false);
  });

  it("runs two engines at once; e2e:down stops both, leaving no bridge, process or directory", async () => {
    const engines = [new PrivateEngine(), new PrivateEngine()];
    const bridges: string[] = [];
    for (const e of engines) {
      await e.start();
      e.must(["network", "create", "regstack-two-engines"]);
      bridges.push(...e.bridges());
      e.save({ stack: "test" });
    }
    const pids = engines.map((e) => Number(readFileSync(`${e.root}/docker.pid`, "utf8")));
    expect(new Set(bridges).size).toBe(2);
    const down = spawnSync(process.execPath, [...TS_RUN, "scripts/e2e-down.ts"], { cwd: ROOT, encoding: "utf8" });
    expect(down.status).toBe(0);
    for (const e of engines) {
      expect(down.stdout).toContain(`stopped engine ${e.id}`);
      expect(existsSync(e.root)).toBe(false);
    }
    for (const b of bridges) expect(linkExists(b)).toBe(false);
    // The daemons were started by this test process, so a stopped one stays a zombie until reaped.
    for (const pid of pids) expect(processGone(pid)).toBe(true);
  });

  it("a test's engine leaves an engine it did not start running", async () => {
    const other = new PrivateEngine();
    await other.start();
    other.save({ stack: "someone else's" });
    try {
      const mine = new PrivateEngine();
      await mine.start();
      await mine.stop();
      expect(other.docker(["version"]).status).toBe(0);
      expect(existsSync(other.stateFile)).toBe(true);
    } finally {
      await other.stop();
    }
  });
});

describe("npm run e2e:up", () => {
  const up = (...args: string[]) => spawnSync(process.execPath, [...TS_RUN, "scripts/e2e-up.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 600000 });
  const down = () => spawnSync(process.execPath, [...TS_RUN, "scripts/e2e-down.ts"], { cwd: ROOT, encoding: "utf8" });
  const check = (...args: string[]) => spawnSync(process.execPath, [...TS_RUN, "scripts/check.ts", ...args], { cwd: ROOT, encoding: "utf8" });
  afterAll(() => down());

  it.each([
    ["local", ["cache upstreams https://registry-1.docker.io → the stand-in upstream"]],
    ["nas", ["docker hosts pr4100 (ssh://sshd@pr4100.lan) → one host", "dataPath /mnt/HD/HD_a2/regstack → ", "bindAddress 0.0.0.0 → 127.0.0.1"]],
  ])("brings the shipped %s stack up healthy, printing its substitutions", (stack, notes) => {
    const result = up("--stack", stack);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    for (const n of notes) expect(result.stdout).toContain(n);
    const id = /"id": "([^"]+)"/.exec(result.stdout)![1];
    const engine = PrivateEngine.running().find((e) => e.id === id)!;
    for (const name of engine.must(["ps", "--format", "{{.Names}}"]).split("\n").filter((n) => n.startsWith(`regstack-${stack}-`) && !n.endsWith("-upstream"))) {
      expect({ [name]: engine.must(["inspect", "--format", "{{.State.Health.Status}}", name]) }).toEqual({ [name]: "healthy" });
    }
    // Host paths stay under the engine's own directory.
    if (stack === "nas") expect(engine.must(["inspect", "--format", "{{range .Mounts}}{{.Source}} {{end}}", "regstack-nas-registry"])).toContain(engine.root);
    // e2e:up ran the client-side checks at its end; `npm run check` runs them again, and fails by name.
    expect(result.stdout).toMatch(/ok +push and pull by digest/);
    expect(check("--e2e", id).status).toBe(0);
    if (stack === "local") {
      const state = JSON.parse(readFileSync(engine.stateFile, "utf8"));
      const outputs = { registryUrl: state.registry, mirrors: { dockerhub: { url: state.mirrors.dockerhub } }, users: state.roles, credentials: { ...state.credentials, admin: "not-the-password-1" } };
      const file = path.join(engine.root, "outputs.json");
      writeFileSync(file, JSON.stringify(outputs));
      const wrong = check("--outputs", file);
      expect(wrong.status).toBe(1);
      expect(wrong.stdout).toMatch(/FAIL +login admin \(push\) .* GET \/v2\/: 401/);
      expect(wrong.stderr).toContain("checks failed: login admin (push), push and pull by digest (admin)");
      engine.must(["stop", "regstack-local-mirror-dockerhub"]);
      const cacheDown = check("--e2e", id);
      expect(cacheDown.status).toBe(1);
      expect(cacheDown.stdout).toMatch(/FAIL +cache dockerhub answers .* 502/);
      expect(cacheDown.stderr).toMatch(/1 of \d+ checks failed: cache dockerhub answers$/m);
    }
    expect(down().stdout).toContain(`stopped engine ${id}`);
    expect(existsSync(engine.root)).toBe(false);
  });

  it("fails on a deliberately broken variant, printing the failing container's cause, and leaves nothing running", () => {
    const before = PrivateEngine.running().length;
    const result = up("--variant", "broken");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/regstack-local-mirror-dockerhub is (restarting|unhealthy|exited).*not healthy; its last log lines:/);
    expect(result.stderr).toContain("no-such-upstream.invalid");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(PrivateEngine.running().length).toBe(before);
  });
});
