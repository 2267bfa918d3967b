/**
 * The offline reader of stack files: each YAML problem class gets one line with file, line, column
 * and what to do (all of them at once, never a stack trace); merge keys are honoured; values arrive
 * as Pulumi's reader gives them.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseStackFile, ROOT } from "../../offline/stackConfig";
import { StackFileError } from "../../offline/stackFile";
import { TS_RUN } from "../support/scripts";

function problems(text: string): readonly string[] {
  try {
    parseStackFile("t", text, "Pulumi.t.yaml");
  } catch (err) {
    if (err instanceof StackFileError) return err.problems;
    throw err;
  }
  return [];
}

describe("reading a stack file", () => {
  it("names a key given twice, by line and column", () => {
    expect(problems("config:\n  regstack:users:\n    - name: ci\n  regstack:users:\n    - name: dev\n")).toEqual(["Pulumi.t.yaml:4:3: a key is given twice in one map (only one counts): keep one"]);
  });

  it("names a tab used for indentation", () => {
    expect(problems("config:\n\tregstack:domain: nas.lan\n")).toEqual(["Pulumi.t.yaml:2:1: a tab indents this line: YAML indents with spaces"]);
  });

  it("refuses a second document, an unknown tag, a file or config that is not a map, and keys outside config", () => {
    expect(problems("config:\n  regstack:domain: a.lan\n---\nconfig:\n  regstack:domain: b.lan\n")).toEqual([
      "Pulumi.t.yaml:3:1: a second YAML document begins here: a stack file is one document (remove the `---` and what follows, or merge it into the first)",
    ]);
    expect(problems("config:\n  regstack:domain: !Ref Domain\n")).toEqual(["Pulumi.t.yaml:2:20: unknown tag: !Ref (a stack file has no tags): remove it"]);
    expect(problems("- regstack:domain: a.lan\n")).toEqual(["Pulumi.t.yaml:1:1: the file is not a map of keys: a stack file is `config:` with regstack:* keys under it"]);
    expect(problems("config: [regstack:domain]\n")).toEqual(["Pulumi.t.yaml:1:1: config: is not a map of keys: put each regstack:<key> on its own line under it"]);
    expect(problems("regstack:domain: a.lan\nconfig:\n  regstack:users: [{name: ci}]\n")).toEqual(["Pulumi.t.yaml:1:1: regstack:domain is outside `config:`, where Pulumi ignores it: indent it under config:"]);
  });

  it("reports every problem at once", () => {
    expect(problems("regstack:users: []\nconfig:\n  a: 1\n  a: 2\n").length).toBe(2);
  });

  it("honours merge keys, and keeps Pulumi's other top-level keys and an empty file", () => {
    const config = parseStackFile("t", "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  regstack:data: &keep\n    protect: true\n  regstack:redis:\n    <<: { enabled: true }\n    maxMemoryMb: 64\n");
    expect(config.values["regstack:redis"]).toBe('{"enabled":true,"maxMemoryMb":64}');
    expect(config.values["regstack:data"]).toBe('{"protect":true}');
    expect(parseStackFile("t", "").values).toEqual({});
  });

  it("gives a value as Pulumi's reader does: `off` stays the text off, so a boolean key refuses it by name", () => {
    expect(parseStackFile("t", "config:\n  regstack:data:\n    protect: off\n").values["regstack:data"]).toBe('{"protect":"off"}');
  });

  it("a command prints the problems, no stack trace, exit 1", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "regstack-stackfile-"));
    try {
      const file = path.join(dir, "Pulumi.broken.yaml");
      writeFileSync(file, "config:\n  regstack:users:\n    - name: ci\n  regstack:users:\n    - name: dev\n");
      const result = spawnSync(process.execPath, [...TS_RUN, "scripts/plan.ts", "--stack", "broken", "--config-file", file], { cwd: ROOT, encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^stack file problems:\n {2}- .*Pulumi\.broken\.yaml:4:3: a key is given twice in one map \(only one counts\): keep one\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
