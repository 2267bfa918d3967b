import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configKeyPaths } from "../../components/config/reference";
import { schema } from "../../components/config/schema";
import { ROOT } from "../../offline/stackConfig";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const tableKeys = [...readme.matchAll(/^\| `(regstack:[^`]+)` \|/gm)].map((m) => m[1]);

describe("README config reference", () => {
  it("documents every key the spec reads", () => {
    expect(configKeyPaths().filter((k) => !tableKeys.includes(k))).toEqual([]);
  });

  it("documents no key the spec does not read", () => {
    expect(tableKeys.filter((k) => !configKeyPaths().includes(k))).toEqual([]);
  });

  it("gives the setup-plus-up command and the test command", () => {
    expect(readme).toContain("npm ci && ");
    expect(readme).toMatch(/pulumi up -s local/);
    expect(readme).toMatch(/```sh\nnpm test\n```/);
  });
});

describe("Pulumi.yaml", () => {
  const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

  it("declares every top-level key with a description, and no other", () => {
    const declared = Object.keys(project.config).sort();
    expect(declared).toEqual(Object.keys(schema).map((k) => `regstack:${k}`).sort());
    for (const key of declared) expect(project.config[key].description.length).toBeGreaterThan(10);
  });

  it("is the regstack project on the nodejs runtime", () => {
    expect(project.name).toBe("regstack");
    expect(project.runtime.name).toBe("nodejs");
  });
});
