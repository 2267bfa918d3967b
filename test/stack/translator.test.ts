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
const files = [...readdirSync(dir).filter((f) => f.endsWith(".ts")), ...readdirSync(path.join(dir, "swarm")).map((f) => `swarm/${f}`)];
const clusterDir = path.join(ROOT, "components", "kubernetes");
/** conventions.ts is the one file that knows which service a cluster's users call docker-registry. */
const clusterFiles = readdirSync(clusterDir).filter((f) => f.endsWith(".ts") && f !== "conventions.ts");

/** Lines that carry code: trimmed, without blank lines and lone brackets. */
function codeLines(file: string): string[] {
  return code(file)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^[()[\]{};,]+$/.test(l));
}

/** Runs of `length` consecutive code lines that appear in both sets of files. */
function sharedRuns(a: string[], b: string[], length: number): string[] {
  const windows = (files: string[]) => new Map(files.flatMap((f) => {
    const lines = codeLines(f);
    return lines.slice(0, Math.max(0, lines.length - length + 1)).map((_, i) => [lines.slice(i, i + length).join("\n"), f] as const);
  }));
  const left = windows(a);
  return [...windows(b).keys()].filter((w) => left.has(w));
}

describe("the targets only translate", () => {
  it.each([...files.map((f) => path.join(dir, f)), ...clusterFiles.map((f) => path.join(clusterDir, f))].map((f) => path.relative(ROOT, f)))("%s names no service role and reads no service description module", (file) => {
    const text = code(path.join(ROOT, file));
    const literals = [...text.matchAll(/(["'`])((?:(?!\1).)*)\1/g)].map((m) => m[2]);
    const roles = literals.filter((l) => /\b(registry|redis|mirror|caddy|ui|edge|Caddyfile|htpasswd)\b/i.test(l) && !l.startsWith("@pulumi/"));
    expect(roles).toEqual([]);
    expect(text).not.toMatch(/platform\/services\//);
    expect(text).not.toMatch(/render\/(caddy|registry|redis|ui)"/);
  });

  it("the platform layer imports no target", () => {
    const platform = path.join(ROOT, "components", "platform");
    const all = [...readdirSync(platform).filter((f) => f.endsWith(".ts")).map((f) => path.join(platform, f)), ...readdirSync(path.join(platform, "services")).map((f) => path.join(platform, "services", f))];
    for (const f of all) expect({ [f]: /from "\.\.?\/(\.\.\/)?(docker|kubernetes)\//.test(code(f)) }).toEqual({ [f]: false });
  });

  it("the Docker and Kubernetes translators share no run of 10 or more lines", () => {
    const docker = files.map((f) => path.join(dir, f));
    const cluster = readdirSync(clusterDir).filter((f) => f.endsWith(".ts")).map((f) => path.join(clusterDir, f));
    expect(sharedRuns(docker, cluster, 10)).toEqual([]);
    // The check itself finds a copied run.
    expect(sharedRuns(docker, docker.slice(0, 1), 10).length).toBeGreaterThan(0);
  });

  it("the config layer knows no resource type", () => {
    const config = path.join(ROOT, "components", "config");
    const all = [...readdirSync(config).filter((f) => f.endsWith(".ts")).map((f) => path.join(config, f)), ...readdirSync(path.join(config, "sections")).map((f) => path.join(config, "sections", f))];
    for (const f of all) expect({ [f]: /from "@pulumi\/(docker|kubernetes|random|tls|command)"/.test(code(f)) }).toEqual({ [f]: false });
  });
});
