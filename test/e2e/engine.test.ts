/** The private engine leaves nothing behind: its containers, bridges and state go with it. */
import { existsSync } from "fs";
import { PrivateEngine, strayBridges } from "../../e2e/engine";

describe("private Docker engine", () => {
  it("tears down its networks' bridges and all of its state", async () => {
    const engine = new PrivateEngine();
    await engine.start();
    try {
      engine.must(["network", "create", "regstack-teardown-check"]);
      const id = engine.must(["network", "inspect", "--format", "{{.Id}}", "regstack-teardown-check"]);
      expect(strayBridges()).toContain(`br-${id.slice(0, 12)}`);
      expect(engine.must(["info", "--format", "{{.Driver}}"])).toBe("vfs");
    } finally {
      await engine.stop();
    }
    expect(existsSync(engine.root)).toBe(false);
    expect(engine.docker(["version"]).status).not.toBe(0);
    expect(strayBridges().filter((b) => b.startsWith("br-"))).toEqual([]);
  });
});
