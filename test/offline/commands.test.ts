import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { carriedFiles, testCredentials } from "../../offline/files";
import { writeRendered } from "../../offline/render";
import { evaluateStack } from "../../offline/run";
import { placeholderSecret, ROOT } from "../../offline/stackConfig";

const TS_NODE = path.join(ROOT, "node_modules", ".bin", "ts-node");
function run(script: string, args: string[]) {
  return spawnSync(TS_NODE, ["--transpile-only", path.join(ROOT, "scripts", script), ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("npm run render", () => {
  it("writes byte-identical copies of every file the resources carry, with files.json and credentials.json", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "regstack-render-"));
    const result = run("render.ts", ["--stack", "nas", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    const evaluation = await evaluateStack("nas");
    const expected = carriedFiles(evaluation);
    const listing = JSON.parse(readFileSync(path.join(out, "files.json"), "utf8")) as { resource: string; path: string; file: string; mode: string }[];
    expect(listing.map((l) => `${l.resource}:${l.path}`).sort()).toEqual(expected.map((f) => `${f.resource}:${f.path}`).sort());
    for (const f of expected) {
      const written = path.join(out, f.resource, f.path);
      // Keys and certificates are generated anew by each process; the in-process test below checks them.
      if (!/\.(crt|key)$/.test(f.path)) expect(readFileSync(written, "utf8")).toBe(f.content);
      expect((statSync(written).mode & 0o777).toString(8).padStart(4, "0")).toBe(f.mode);
    }
    expect(listing.map((l) => l.path)).toEqual(expect.arrayContaining(["/staging/Caddyfile", "/staging/root.key", "/etc/distribution/config.yml", "/usr/local/etc/redis/redis.conf"]));
    const credentials = JSON.parse(readFileSync(path.join(out, "credentials.json"), "utf8"));
    expect(credentials).toEqual({ users: testCredentials(evaluation) });
    expect(Object.keys(credentials.users).sort()).toEqual(["alice", "ci", "cluster"]);
  });

  it("writes exactly what the evaluation captured, keys and certificates included", async () => {
    const evaluation = await evaluateStack("nas");
    const out = mkdtempSync(path.join(tmpdir(), "regstack-render-in-"));
    const listing = writeRendered(evaluation, out);
    const files = carriedFiles(evaluation);
    expect(listing.length).toBe(files.length);
    for (const f of files) expect(readFileSync(path.join(out, f.resource, f.path), "utf8")).toBe(f.content);
    expect(files.some((f) => f.content.includes("-----BEGIN PRIVATE KEY-----"))).toBe(true);
  });

  it("renders a stack file kept anywhere, with secure values as placeholders", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "regstack-cfg-"));
    const file = path.join(dir, "site.yaml");
    writeFileSync(
      file,
      [
        "config:",
        "  regstack:users:",
        "    - name: ci",
        "    - name: alice",
        "      password:",
        "        secure: v1:AAAABBBBCCCC",
        "  regstack:registry:",
        '    version: "2.8"',
        "",
      ].join("\n"),
    );
    const out = path.join(dir, "out");
    const result = run("render.ts", ["--stack", "site", "--config-file", file, "--out", out]);
    expect(result.status).toBe(0);
    const credentials = JSON.parse(readFileSync(path.join(out, "credentials.json"), "utf8"));
    expect(credentials.users.alice).toBe(placeholderSecret("site", "regstack:users[1].password"));
    expect(readFileSync(path.join(out, "regstack-registry-container", "etc/docker/registry/config.yml"), "utf8")).toContain("rootdirectory: /var/lib/registry");
  });
});

describe("npm run plan", () => {
  it("--json prints stack, resources with options and outputs, secrets masked", async () => {
    const stdout = execFileSync(TS_NODE, ["--transpile-only", "scripts/plan.ts", "--stack", "local", "--json"], { cwd: ROOT, encoding: "utf8" });
    const plan = JSON.parse(stdout);
    expect(plan.stack).toBe("local");
    const registry = plan.resources.find((r: { name: string }) => r.name === "regstack-registry-container");
    expect(Object.keys(registry).sort()).toEqual(["inputs", "name", "parent", "protect", "retainOnDelete", "type"]);
    expect(registry.parent).toBe("regstack-registry");
    expect(plan.resources.find((r: { name: string }) => r.name === "regstack-registry-data").retainOnDelete).toBe(true);
    expect(plan.outputs.credentials).toBe("[secret]");
    const passwords = Object.values(testCredentials(await evaluateStack("local")));
    expect(passwords.length).toBe(1);
    for (const p of passwords) expect(stdout).not.toContain(p);
  });

  it("prints the tree with options, and no secret value", async () => {
    const result = run("plan.ts", ["--stack", "dev"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/regstack:docker:Platform\s+regstack/);
    expect(result.stdout).toMatch(/docker:index\/volume:Volume\s+regstack-registry-data\s+\[protect,retainOnDelete\]/);
    const passwords = Object.values(testCredentials(await evaluateStack("dev")));
    for (const p of passwords) expect(result.stdout).not.toContain(p);
  });

  it("exits non-zero on invalid config and lists every problem on stderr", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "regstack-bad-"));
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "config:\n  regstack:users:\n    - name: ci\n      role: owner\n  regstack:ports:\n    registry: 99999\n  regstack:mirorrs: []\n");
    const result = run("plan.ts", ["--stack", "bad", "--config-file", file]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("invalid regstack stack config: 3 problems");
    expect(result.stderr).toContain("regstack:users[0].role");
    expect(result.stderr).toContain("regstack:ports.registry");
    expect(result.stderr).toMatch(/regstack:mirorrs: unknown key; did you mean "mirrors"/);
  });
});
