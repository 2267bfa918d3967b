/**
 * No config value reaches a script, a file or a URL unchecked: a table of hostile strings goes
 * through every string value regstack reads (every one the full configs set, on both targets).
 * Each is refused at its own key, except free text by design (passwords, tokens, header values,
 * regular expressions, upstream logins, the UI title's harmless characters), which reaches only
 * serialisers and secret files: the second half puts hostile free text everywhere at once and
 * checks that no script carries it and every rendered YAML and JSON file still parses.
 */
import { parse } from "yaml";
import { Evaluation } from "../../offline/engine";
import { evaluateConfig } from "../../offline/run";
import { reveal } from "../../offline/secrets";
import { rawConfig } from "../support/config";
import { fullDockerConfig, fullKubernetesConfig } from "../support/fullConfig";
import { copy, HOSTILE, hostileFreeText, isFreeText, leaves, problems, refusedAt } from "../support/hostile";

describe.each([
  ["docker", fullDockerConfig],
  ["kubernetes", fullKubernetesConfig],
])("every string value of the full %s config", (_target, config) => {
  it("is valid as given, so each refusal below is the hostile value's", () => {
    expect(problems(config)).toEqual([]);
  });

  const all = leaves(config);
  it("covers every kind of value there is", () => {
    expect(all.length).toBeGreaterThan(_target === "docker" ? 60 : 10);
  });

  it.each(all.filter((l) => !isFreeText(l.at)).map((l) => [l.at, l] as const))("%s refuses every hostile string at its key", (_at, leaf) => {
    const accepted = HOSTILE.filter((h) => {
      const c = copy(config);
      leaf.set(c, h);
      return !refusedAt(problems(c), leaf.at);
    });
    expect(accepted).toEqual([]);
  });

  it.each(all.filter((l) => isFreeText(l.at)).map((l) => [l.at, l] as const))("%s (free text) still refuses control characters", (_at, leaf) => {
    for (const h of ["a\nb-long-enough-value", "a\u0000b-long-enough-value", "a\tb-long-enough-value"]) {
      const c = copy(config);
      leaf.set(c, h);
      expect({ value: h, refused: refusedAt(problems(c), leaf.at) }).toEqual({ value: h, refused: true });
    }
  });
});

describe("hostile free text everywhere at once", () => {
  let evaluation: Evaluation;
  const { config, placed } = hostileFreeText();
  beforeAll(async () => {
    expect(problems(config)).toEqual([]);
    evaluation = await evaluateConfig(rawConfig(config, Object.keys(config)));
  });

  it("put hostile text at most free-text values", () => {
    expect(placed.length).toBeGreaterThan(15);
  });

  it("reaches no script: client trust, one-shot helpers and remote commands carry none of it", () => {
    const scripts = evaluation.clientScripts.flatMap((s) => [s.apply, s.remove]);
    const commands = evaluation.resources.flatMap((r) => {
      const inputs = reveal(r.inputs) as Record<string, unknown>;
      return ["create", "update", "delete", "command", "entrypoints"].map((k) => JSON.stringify(inputs?.[k] ?? ""));
    });
    for (const text of [...scripts, ...commands]) for (const value of new Set(placed)) expect(text.includes(value)).toBe(false);
  });

  it("leaves every rendered YAML and JSON file parseable", () => {
    const structured = evaluation.files.filter((f) => /\.(ya?ml|json)$/.test(f.path));
    expect(structured.length).toBeGreaterThan(10);
    for (const f of structured) {
      const read = () => (f.path.endsWith(".json") ? JSON.parse(f.content) : parse(f.content, { uniqueKeys: true }));
      expect(() => read()).not.toThrow();
    }
  });

  it("round-trips through the files it reaches: what the service reads is what was given", () => {
    const everything = evaluation.files.filter((f) => /\.(ya?ml|json)$/.test(f.path)).map((f) => JSON.stringify(f.path.endsWith(".json") ? JSON.parse(f.content) : parse(f.content)));
    const found = [...new Set(placed)].filter((v) => everything.some((t) => t.includes(JSON.stringify(v).slice(1, -1))));
    expect(found.length).toBeGreaterThan(0);
  });
});
