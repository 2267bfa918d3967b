import { EvaluationError } from "../../offline/engine";
import { evaluateConfig } from "../../offline/run";
import { containsSecret, findPlaintext, mask, reveal } from "../../offline/secrets";
import { rawConfig } from "../support/config";

describe("secret helpers", () => {
  const marked = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2-hunter2" };

  it("finds a secret value left in plain text, and not one that is marked", () => {
    expect(findPlaintext({ envs: ["PASSWORD=hunter2-hunter2"] }, ["hunter2-hunter2"])).toEqual(["envs[0]"]);
    expect(findPlaintext({ envs: [marked] }, ["hunter2-hunter2"])).toEqual([]);
  });

  it("masks and reveals marked values", () => {
    expect(mask({ a: marked, b: 1 })).toEqual({ a: "[secret]", b: 1 });
    expect(reveal({ a: [marked] })).toEqual({ a: ["hunter2-hunter2"] });
    expect(containsSecret({ a: [1, { b: marked }] })).toBe(true);
    expect(containsSecret({ a: [1, { b: "x" }] })).toBe(false);
  });
});

describe("offline engine", () => {
  it("marks RandomPassword results secret, as the real provider does", async () => {
    const e = await evaluateConfig(rawConfig({ users: [{ name: "ci" }] }));
    expect(containsSecret(e.outputs.credentials)).toBe(true);
    expect(Object.keys(reveal(e.outputs.credentials) as object)).toEqual(["ci"]);
  });

  it("passes a secure-config password through as a secret, never plain", async () => {
    const e = await evaluateConfig(rawConfig({ users: [{ name: "alice", password: "alice-password-from-config" }] }, ["users"]));
    expect(reveal(e.outputs.credentials)).toEqual({ alice: "alice-password-from-config" });
    for (const r of e.resources) expect(findPlaintext(r.inputs, ["alice-password-from-config"])).toEqual([]);
    expect(findPlaintext(e.outputs, ["alice-password-from-config"])).toEqual([]);
    expect(e.resources.some((r) => r.name === "regstack-users-alice-password")).toBe(false);
  });

  it("declares nothing from an invalid config", async () => {
    const failure = await evaluateConfig(rawConfig({ users: [{ name: "ci", role: "boss" }], ports: { ui: 0 } })).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(EvaluationError);
    expect((failure as EvaluationError).message).toMatch(/regstack:users\[0\]\.role/);
    expect((failure as EvaluationError).message).toMatch(/regstack:ports\.ui/);
    expect((failure as EvaluationError).declared).toEqual([]);
  });

});
