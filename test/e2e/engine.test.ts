/** The private engine leaves nothing behind and touches nothing it did not make. */
import { existsSync, readFileSync, writeFileSync } from "fs";
import { linkExists, PrivateEngine } from "../../e2e/engine";

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

  it("never removes the record of an engine `npm run e2e:up` left running", async () => {
    const file = PrivateEngine.stateFile();
    const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    const other = JSON.stringify({ root: "/tmp/regstack-engine-someone-else", pid: 0 });
    if (before === undefined) writeFileSync(file, other);
    const engine = new PrivateEngine();
    await engine.start();
    await engine.stop();
    expect(readFileSync(file, "utf8")).toBe(before ?? other);
    if (before === undefined) require("fs").rmSync(file);
  });
});
