/**
 * The offline reader of stack files: each YAML problem class gets one line with file, line, column
 * and what to do (all of them at once, never a stack trace); merge keys are honoured; values arrive
 * as Pulumi's reader gives them.
 */
import { spawnSync } from "child_process";
import { rmSync, writeFileSync } from "fs";
import * as path from "path";
import { parseStackFile, ROOT } from "../../offline/stackConfig";
import { StackFileError } from "../../components/config/stackFile";
import { TS_RUN } from "../support/scripts";
import { scratchDir } from "../support/scratch";

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

  it("a command prints the problems, no stack trace, exit 1", () => {
    const dir = scratchDir("regstack-stackfile-");
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

  it("gives a value as Pulumi's reader does: `off` stays the text off, so a boolean key refuses it by name", () => {
    expect(parseStackFile("t", "config:\n  regstack:data:\n    protect: off\n").values["regstack:data"]).toBe('{"protect":"off"}');
  });
});

/**
 * One test per rule of Pulumi's reader (yaml.v3 into untyped values, then config text), as read in
 * pulumi/pulumi sdk/go/common/encoding/marshal.go, resource/config/object.go and
 * workspace/loaders.go, and go-yaml v3 resolve.go and decode.go.
 */
describe("values arrive as `pulumi up` would hand them to the program", () => {
  const top = (yaml: string) => parseStackFile("t", `config:\n  regstack:x: ${yaml}\n`).values["regstack:x"];
  const nested = (yaml: string) => parseStackFile("t", `config:\n  regstack:x:\n    v: ${yaml}\n`).values["regstack:x"];

  it("YAML 1.1 booleans (yes, no, on, off, y, n) are text; only true/True/TRUE and false/False/FALSE are booleans", () => {
    for (const word of ["yes", "No", "ON", "off", "y", "n"]) {
      expect(top(word)).toBe(word);
      expect(nested(word)).toBe(JSON.stringify({ v: word }));
    }
    for (const word of ["true", "True", "TRUE"]) expect(nested(word)).toBe('{"v":true}');
    for (const word of ["false", "False", "FALSE"]) expect(nested(word)).toBe('{"v":false}');
  });

  it("an empty value, ~ or null is the empty text at the top (Pulumi's loader says so and warns), null inside an object", () => {
    for (const word of ["", "~", "null", "Null", "NULL"]) {
      expect(top(word)).toBe("");
      expect(nested(word)).toBe('{"v":null}');
    }
  });

  it("numbers read as Go's ParseInt reads them: underscores dropped, 0x, 0o, 0b and signs", () => {
    expect(nested("1_000")).toBe('{"v":1000}');
    expect(nested("0x1F")).toBe('{"v":31}');
    expect(nested("-0x1F")).toBe('{"v":-31}');
    expect(nested("0o17")).toBe('{"v":15}');
    expect(nested("0b101")).toBe('{"v":5}');
    expect(nested("+5000")).toBe('{"v":5000}');
    expect(top("5_000")).toBe("5000");
  });

  it("floats as yaml.v3 reads them: 1e3 is 1000, .5 is 0.5, and 08 (no octal) is the number 8", () => {
    expect(top("1e3")).toBe("1000");
    expect(nested(".5")).toBe('{"v":0.5}');
    expect(nested("08")).toBe('{"v":8}');
    expect(top("1.50")).toBe("1.5");
  });

  it("a leading-zero number, which Pulumi reads as octal, is refused with what Pulumi would read", () => {
    expect(problems("config:\n  regstack:x:\n    port: 05000\n")).toEqual([
      'Pulumi.t.yaml:3:11: 05000 is read by Pulumi as the octal number 2560: write it without the leading zero, or quote it ("05000") if it is meant as text',
    ]);
  });

  it("an unquoted date, which Pulumi passes as Go's time text, is refused; quoted it is text", () => {
    expect(problems("config:\n  regstack:x: 2024-01-01\n")[0]).toMatch(/^Pulumi\.t\.yaml:2:15: 2024-01-01 is read by Pulumi as a timestamp .*: quote it \("2024-01-01"\)/);
    expect(problems("config:\n  regstack:x: 2024-1-2T10:00:00Z\n")).toHaveLength(1);
    expect(top('"2024-01-01"')).toBe("2024-01-01");
  });

  it("quoted, tagged and block values are text, whatever they look like", () => {
    expect(nested('"0777"')).toBe('{"v":"0777"}');
    expect(nested("'1_000'")).toBe('{"v":"1_000"}');
    expect(nested("!!str 12")).toBe('{"v":"12"}');
    expect(parseStackFile("t", "config:\n  regstack:x: |\n    0777\n").values["regstack:x"]).toBe("0777\n");
  });

  it("a key without a namespace is the project's, as Pulumi's loader namespaces it", () => {
    expect(parseStackFile("t", "config:\n  domain: nas.lan\n").values).toEqual({ "regstack:domain": "nas.lan" });
  });

  it("records the path of every encrypted value, as `config set --secret --path` writes them", () => {
    const config = parseStackFile(
      "t",
      "config:\n  regstack:users:\n    - name: ci\n      password:\n        secure: v1:abc\n    - name: dev\n      password: plain-password-1\n  regstack:backup:\n    secure: v1:def\n  domain:\n    secure: v1:ghi\n",
    );
    expect(config.secretPaths).toEqual(["regstack:users[0].password", "regstack:backup", "regstack:domain"]);
    expect(config.secretKeys).toEqual(["regstack:users", "regstack:backup", "regstack:domain"]);
  });

});
