import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { ROOT } from "../../offline/stackConfig";

/** A source file without its comments: what it does, not what it says. */
function code(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1");
}

const dir = path.join(ROOT, "components", "docker");
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

describe("the Docker target only translates", () => {
  it.each(files)("%s names no service role and reads no service description module", (file) => {
    const text = code(path.join(dir, file));
    const literals = [...text.matchAll(/(["'`])((?:(?!\1).)*)\1/g)].map((m) => m[2]);
    const roles = literals.filter((l) => /\b(registry|redis|mirror|caddy|ui|edge|Caddyfile|htpasswd)\b/i.test(l) && !l.startsWith("@pulumi/"));
    expect(roles).toEqual([]);
    expect(text).not.toMatch(/platform\/services\//);
    expect(text).not.toMatch(/render\/(caddy|registry|redis|ui)"/);
  });

  it("the platform layer imports no target", () => {
    const platform = path.join(ROOT, "components", "platform");
    const all = [...readdirSync(platform).filter((f) => f.endsWith(".ts")).map((f) => path.join(platform, f)), ...readdirSync(path.join(platform, "services")).map((f) => path.join(platform, "services", f))];
    for (const f of all) expect({ [f]: /from "\.\.?\/(\.\.\/)?docker\//.test(code(f)) }).toEqual({ [f]: false });
  });

  it("the config layer knows no resource type", () => {
    const config = path.join(ROOT, "components", "config");
    const all = [...readdirSync(config).filter((f) => f.endsWith(".ts")).map((f) => path.join(config, f)), ...readdirSync(path.join(config, "sections")).map((f) => path.join(config, "sections", f))];
    for (const f of all) expect({ [f]: /from "@pulumi\/(docker|kubernetes|random|tls|command)"/.test(code(f)) }).toEqual({ [f]: false });
  });
});
