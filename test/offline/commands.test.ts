import { execFileSync, spawnSync } from "child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { testCredentials } from "../../offline/files";
import { isKubernetesObject } from "../../offline/manifests";
import { writeRendered } from "../../offline/render";
import { evaluateStack } from "../../offline/run";
import { placeholderSecret, ROOT } from "../../offline/stackConfig";
import { TS_RUN } from "../support/scripts";
import { scratchDir } from "../support/scratch";


/** Temporary directories this file makes, removed after it. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = scratchDir(prefix);
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function run(script: string, args: string[]) {
  return spawnSync(process.execPath, [...TS_RUN, path.join(ROOT, "scripts", script), ...args], { cwd: ROOT, encoding: "utf8" });
}

type Validated = { file: string; kind: string; name: string; ok: boolean; errors: string[] };
/** Runs the manifest validator (kubernetes-models, in its own process: it is ESM-only). */
function validate(targets: string[]): { status: number | null; results: Validated[] } {
  const result = spawnSync(process.execPath, [path.join(ROOT, "check", "validateManifests.mjs"), ...targets], { cwd: ROOT, encoding: "utf8" });
  const lines = result.stdout.split("\n").filter((l) => l.trim() !== "");
  return { status: result.status, results: lines.map((l) => JSON.parse(l) as Validated) };
}

describe("npm run render", () => {
  it("writes every file by service and path, with files.json (secret or not), credentials.json, and a cluster stack's manifests", async () => {
    const out = tempDir("regstack-render-");
    const result = run("render.ts", ["--stack", "k8s", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    const evaluation = await evaluateStack("k8s");
    const expected = evaluation.files;
    type Entry = { service: string; path: string; file: string; mode: string; secret: boolean };
    const listing = JSON.parse(readFileSync(path.join(out, "files.json"), "utf8")) as Entry[];
    const secrets = JSON.parse(readFileSync(path.join(out, "secrets.json"), "utf8")) as Entry[];
    // The rendered configuration holds no secret: files.json marks none secret, the secret files are apart.
    expect(listing.filter((l) => l.secret)).toEqual([]);
    expect(secrets.every((l) => l.secret && l.file.startsWith("secrets/"))).toBe(true);
    expect([...listing, ...secrets].map((l) => `${l.service}:${l.path}`).sort()).toEqual(expected.map((f) => `${f.service}:${f.path}`).sort());
    for (const f of expected) {
      const written = path.join(out, f.secret ? "secrets" : "", f.service, f.path);
      // Keys and certificates are generated anew by each process; the in-process test below checks them.
      if (!/\.(crt|key)$/.test(f.path)) expect(readFileSync(written, "utf8")).toBe(f.content);
      expect((statSync(written).mode & 0o777).toString(8).padStart(4, "0")).toBe(f.secret ? "0600" : f.mode);
    }
    expect(listing.map((l) => l.file)).toEqual(expect.arrayContaining(["edge/etc/caddy/live/Caddyfile", "registry/etc/distribution/config.yml", "redis/usr/local/etc/redis/redis.conf"]));
    expect(secrets.map((l) => l.file).sort()).toEqual(["secrets/edge/etc/caddy/live/intermediate.key", "secrets/edge/etc/caddy/live/logins", "secrets/edge/etc/caddy/live/names", "secrets/edge/etc/caddy/live/users", "secrets/redis/usr/local/etc/redis/auth.conf"]);
    const credentials = JSON.parse(readFileSync(path.join(out, "credentials.json"), "utf8"));
    expect(credentials).toEqual({ users: testCredentials(evaluation) });
    expect(Object.keys(credentials.users).sort()).toEqual(["ci", "cluster"]);

    // One manifest per Kubernetes object; Secrets apart, 0600; nothing secret among the others.
    const objects = evaluation.resources.filter(isKubernetesObject);
    const plain = readdirSync(path.join(out, "manifests"));
    const secret = readdirSync(path.join(out, "secrets", "manifests"));
    expect(plain.length + secret.length).toBe(objects.length);
    expect(plain).toEqual(expect.arrayContaining(["storage-deployment-docker-registry.yaml", "storage-service-docker-registry-nodeport.yaml", "storage-persistentvolumeclaim-registry-storage.yaml", "kube-public-configmap-local-registry-hosting.yaml"]));
    expect(secret.every((f) => f.startsWith("storage-secret-"))).toBe(true);
    for (const f of secret) expect((statSync(path.join(out, "secrets", "manifests", f)).mode & 0o777).toString(8)).toBe("600");
    for (const f of plain) expect(readFileSync(path.join(out, "manifests", f), "utf8")).not.toMatch(/PRIVATE KEY|\$2[aby]\$/);

    // Every manifest validates against the API's schemas (kubernetes-models, the real validator).
    const validated = validate([path.join(out, "manifests"), path.join(out, "secrets", "manifests")]);
    expect(validated.results.filter((r) => !r.ok)).toEqual([]);
    expect(validated.results.length).toBe(objects.length);
    expect(validated.status).toBe(0);
  });

  it("the manifest validator refuses what the API server would (it is not a formality)", () => {
    const dir = tempDir("regstack-manifests-");
    writeFileSync(
      path.join(dir, "deployment.yaml"),
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i, ports: [{containerPort: '5000'}]}]}\n",
    );
    writeFileSync(path.join(dir, "cronjob.yaml"), "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: y}\nspec: {schedule: '* * * * *', jobTemplate: {spec: {template: {spec: {}}}}}\n");
    writeFileSync(path.join(dir, "unknown.yaml"), "apiVersion: v1\nkind: Pony\nmetadata: {name: z}\n");
    const validated = validate([dir]);
    expect(validated.status).toBe(1);
    expect(validated.results.map((r) => [r.kind, r.ok])).toEqual([
      ["CronJob", false],
      ["Deployment", false],
      ["Pony", false],
    ]);
    expect(validated.results[0].errors.join()).toContain("containers");
    expect(validated.results[1].errors.join()).toContain("containerPort must be integer");
  });

  it("writes exactly what the evaluation described, keys and certificates included, and the client scripts", async () => {
    const evaluation = await evaluateStack("dev");
    const out = tempDir("regstack-render-in-");
    const listing = writeRendered(evaluation, out);
    const files = evaluation.files;
    expect(listing.length).toBe(files.length + 2 * evaluation.clientScripts.length);
    for (const f of files) expect(readFileSync(path.join(out, f.secret ? "secrets" : "", f.service, f.path), "utf8")).toBe(f.content);
    expect(files.some((f) => f.content.includes("-----BEGIN PRIVATE KEY-----"))).toBe(true);
    // Two edges on dev: the registry's node has "edge", the caches' node its own.
    // With monitoring: Prometheus, Alertmanager and Grafana carry files too (the exporters none).
    expect([...new Set(files.map((f) => f.service))].sort()).toEqual(["alertmanager", "edge", "edge-fx8350", "grafana", "guard", "guard-fx8350", "mirror-dockerhub", "mirror-ghcr", "prometheus", "redis", "registry", "scheduler"]);
    for (const c of ["fx8350", "fx9590", "playground-kind"]) {
      expect(readFileSync(path.join(out, "clients", c, "apply.sh"), "utf8")).toMatch(/^#!\/bin\/sh\n/);
      expect(readFileSync(path.join(out, "clients", c, "remove.sh"), "utf8")).toMatch(/^#!\/bin\/sh\n[\s\S]*echo unchanged/);
    }
  });

  it("renders a stack file kept anywhere, with secure values as placeholders", () => {
    const dir = tempDir("regstack-cfg-");
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
    expect(readFileSync(path.join(out, "registry", "etc/docker/registry/config.yml"), "utf8")).toContain("rootdirectory: /var/lib/registry");
  });
});

describe("npm run plan", () => {
  it("--json prints stack, resources with options and outputs, secrets masked", async () => {
    const stdout = execFileSync(process.execPath, [...TS_RUN, "scripts/plan.ts", "--stack", "local", "--json"], { cwd: ROOT, encoding: "utf8" });
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

  it("--policy runs the pack: a shipped stack passes; a stack whose data destroy would delete fails with the violation named", () => {
    const passing = run("plan.ts", ["--stack", "nas", "--policy"]);
    expect(passing.status).toBe(0);
    expect(passing.stdout).toContain("policy pack (policies/): no violations");
    const dir = tempDir("regstack-policy-");
    const file = path.join(dir, "Pulumi.throwaway.yaml");
    writeFileSync(file, "config:\n  regstack:users:\n    - name: ci\n  regstack:data:\n    protect: false\n    deleteOnDestroy: true\n");
    const failing = run("plan.ts", ["--stack", "throwaway", "--config-file", file, "--policy"]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/MANDATORY data-retained \(regstack-registry-data\): regstack-registry-data: holds registry data or backups but is neither protected nor retained on delete\./);
    expect(failing.stderr).toMatch(/^stack throwaway: \d+ mandatory policy violations?\n$/);
  });

  it("exits non-zero on invalid config and lists every problem on stderr", () => {
    const dir = tempDir("regstack-bad-");
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

describe("command line, as a newcomer uses it", () => {
  it("takes -s and --stack=<name> like Pulumi's flags", () => {
    for (const args of [["-s", "local"], ["--stack=local"]]) {
      const result = run("plan.ts", args);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^stack local: \d+ resources/);
    }
  });

  it("prints usage and exits 0 for --help", () => {
    for (const script of ["plan.ts", "render.ts"]) {
      const result = run(script, ["--help"]);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^usage: npm run (plan|render) -- -s\|--stack <name>/);
      expect(result.stderr).toBe("");
    }
  });

  it("refuses an unknown stack in one line naming the stack files there are, without a stack trace", () => {
    const result = run("plan.ts", ["--stack", "prod"]);
    expect(result.status).toBe(2);
    const [first] = result.stderr.split("\n");
    expect(first).toBe('no stack "prod": there is no Pulumi.prod.yaml (stack files here: Pulumi.dev.yaml, Pulumi.k8s.yaml, Pulumi.local.yaml, Pulumi.nas.yaml; or give --config-file <path>)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("delivers plan --json whole through a pipe, larger than the 64 KiB a pipe holds (dev, the largest plan)", () => {
    const result = run("plan.ts", ["--stack", "dev", "--json"]);
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(65536);
    expect(JSON.parse(result.stdout).stack).toBe("dev");
  });

  it("prints outputs as text and keeps every line short", () => {
    const result = run("plan.ts", ["--stack", "dev"]);
    const lines = result.stdout.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(600);
    expect(result.stdout).not.toContain("\\n");
    expect(lines).toContain("  k3sRegistriesYaml: [secret]");
    expect(result.stdout).toMatch(/\n  daemonJson:\n      \{\n/);
  });

  it("render reports how many files it wrote", () => {
    const out = tempDir("regstack-render-count-");
    const result = run("render.ts", ["-s", "local", "--out", out]);
    const listing = JSON.parse(readFileSync(path.join(out, "files.json"), "utf8")) as unknown[];
    const secrets = JSON.parse(readFileSync(path.join(out, "secrets.json"), "utf8")) as unknown[];
    // The edge's users file and the names and logins files beside it.
    expect(secrets.length).toBe(3);
    expect(result.stdout.trim()).toBe(`rendered ${listing.length} files and 3 secret files (under secrets/) for stack local into ${out}`);
  });
});
