import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configKeyPaths, configReference } from "../../components/config/reference";
import { schema } from "../../components/config/schema";
import { renderProjectFile, replaceReferenceTable } from "../../offline/docs";
import { ROOT } from "../../offline/stackConfig";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const projectText = readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const tableKeys = [...readme.matchAll(/^\| `(regstack:[^`]+)` \|/gm)].map((m) => m[1]);

/** The lines of a README section, from its heading to the next heading of the same or higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const level = heading.split(" ")[0];
  const rest = readme.slice(start + heading.length);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

describe("README config reference", () => {
  it("is the table generated from the config sections (run `npm run docs` after changing a key)", () => {
    expect(replaceReferenceTable(readme)).toBe(readme);
  });

  it("documents every key the config layer reads, and no other, each with a type, a default and a meaning", () => {
    expect(tableKeys).toEqual(configKeyPaths());
    for (const k of configReference()) {
      expect(k.type.length).toBeGreaterThan(0);
      expect(k.default.length + k.text.length).toBeGreaterThan(5);
    }
  });

  it("states the defaults the config layer applies", () => {
    const row = (key: string) => readme.split("\n").find((l) => l.startsWith(`| \`${key}\` |`))!;
    expect(row("regstack:ports.registry")).toContain("| `5000` |");
    expect(row("regstack:access.bcryptCost")).toContain("| `10` |");
    expect(row("regstack:resources.edge.memoryMb")).toContain("| `128` |");
    expect(row("regstack:users[].role")).toContain("| `push` |");
    expect(row("regstack:users")).toContain("required");
  });

  it("gives the setup-plus-up command and the test command", () => {
    expect(readme).toContain("npm ci && ");
    expect(readme).toMatch(/pulumi up -s local/);
    expect(readme).toMatch(/```sh\nnpm test\n```/);
  });

  it("links nothing outside the repository", () => {
    expect(readme).not.toMatch(/\]\(\.\.\//);
    for (const [, target] of readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)) expect(existsSync(path.join(ROOT, target))).toBe(true);
  });

  it("keeps the tests table one table", () => {
    const rows = section("## Tests").split("\n").filter((l) => l.startsWith("|"));
    const start = section("## Tests").split("\n").findIndex((l) => l.startsWith("|"));
    const lines = section("## Tests").split("\n").slice(start, start + rows.length);
    expect(lines.every((l) => l.startsWith("|"))).toBe(true);
    expect(rows.some((r) => r.includes("npm run test:e2e"))).toBe(true);
  });
});

describe("README layout and where to change what", () => {
  it("names only paths that exist in the layout", () => {
    const layout = section("## Layout").split("```")[1];
    const paths = [...layout.matchAll(/^([A-Za-z][\w./-]*)/gm)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(10);
    for (const p of paths) expect({ [p]: existsSync(path.join(ROOT, p)) }).toEqual({ [p]: true });
  });

  it("points every capability at files that exist", () => {
    const table = section("### Where to change what");
    const files = [...table.matchAll(/`((?:components|offline|scripts|check|e2e)\/[^`<>]+)`/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect({ [f]: existsSync(path.join(ROOT, f)) }).toEqual({ [f]: true });
    // Every service description is reachable from the table (config sections by the `<capability>` row).
    const services = "components/platform/services";
    for (const f of readdirSync(path.join(ROOT, services))) expect({ [f]: table.includes(`${services}/${f}`) }).toEqual({ [f]: true });
  });
});

describe("Pulumi.yaml", () => {
  const project = parse(projectText);

  it("is generated from the config reference (run `npm run docs`)", () => {
    expect(renderProjectFile(projectText)).toBe(projectText);
  });

  it("declares every top-level key with a description, and no other", () => {
    const declared = Object.keys(project.config).sort();
    expect(declared).toEqual(Object.keys(schema).map((k) => `regstack:${k}`).sort());
    for (const key of declared) expect(project.config[key].description.length).toBeGreaterThan(10);
    expect(project.config["regstack:ports"].description).toContain("registry (5000)");
  });

  it("is the regstack project on the nodejs runtime", () => {
    expect(project.name).toBe("regstack");
    expect(project.runtime.name).toBe("nodejs");
  });
});
