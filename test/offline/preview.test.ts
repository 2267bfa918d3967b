/**
 * The offline preview of a config edit: what is created, updated, replaced (and by which inputs) or
 * deleted, and which lines of which rendered file change, with generated values stable between the
 * two evaluations and secret files never shown.
 */
import { execFileSync, spawnSync } from "child_process";
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";
import { lineDiff } from "../../offline/lineDiff";
import { runPolicies } from "../../offline/policy";
import { composeReport, GITHUB_COMMENT_LIMIT, mandatoryCount, REPORT_MARKER } from "../../offline/prReport";
import { formatPreview, Preview, previewOf } from "../../offline/preview";
import { snapshotOf, withoutPem } from "../../offline/snapshot";
import { replacingChanges } from "../../offline/replacement";
import { evaluateConfig } from "../../offline/run";
import { readStackConfig, ROOT } from "../../offline/stackConfig";
import { TS_RUN } from "../support/scripts";
import { keyValue, withKey } from "../support/config";
import { scratchDir } from "../support/scratch";

const nas = readStackConfig("nas");

describe("the offline preview", () => {
  it("adding a push user on nas: its password and salt are created, the edge's users, names and logins files change, nothing else is replaced", async () => {
    const before = await evaluateConfig(nas);
    const after = await evaluateConfig(withKey(nas, "users", [...keyValue<object[]>(nas, "users"), { name: "dev", role: "push" }]));
    const p = previewOf(snapshotOf(before), snapshotOf(after));
    expect(p.resources.map((r) => `${r.step} ${r.name}`)).toEqual(["create regstack-users-dev-password", "create regstack-users-dev-salt", "replace regstack-edge-secret-writer"]);
    // The one-shot that writes the users file is what a new user replaces: no service restarts.
    expect(p.resources[2].replacedBy).toEqual(["uploads"]);
    expect(p.files).toEqual([
      { service: "edge", path: "/etc/caddy/live/logins", step: "update", secret: true, lines: [] },
      { service: "edge", path: "/etc/caddy/live/names", step: "update", secret: true, lines: [] },
      { service: "edge", path: "/etc/caddy/live/users", step: "update", secret: true, lines: [] },
    ]);
    const text = formatPreview(p).join("\n");
    expect(text).toContain("Resources: 2 to create, 0 to update, 1 to replace, 0 to delete");
    expect(text).toContain("update edge /etc/caddy/live/users (secret: content not shown)");
    expect(text).not.toMatch(/\$2[aby]\$/);

    // The pull-request comment: a row per stack, the preview in a collapsed block, the marker it is found by.
    const comment = composeReport([{ stack: "nas", preview: p, violations: runPolicies(after) }], "origin/main");
    expect(comment.startsWith(REPORT_MARKER)).toBe(true);
    expect(comment).toContain("| nas | 2 | 0 | 1 | 0 | 3 | passes |");
    expect(comment).toContain("<details><summary>nas</summary>");
    expect(comment).toContain("+- replace docker:index/container:Container  regstack-edge-secret-writer");
  });

  it("keeps the pull-request comment under GitHub's limit however large the previews, saying what was cut", () => {
    const huge: Preview = {
      resources: Array.from({ length: 3000 }, (_, i) => ({ step: "create" as const, type: "docker:index/container:Container", name: `regstack-thing-${i}`, changed: [], replacedBy: [] })),
      files: [{ service: "edge", path: "/etc/caddy/live/Caddyfile", step: "update", secret: false, lines: Array.from({ length: 5000 }, (_, i) => `+ line ${i}`) }],
      unchanged: 0,
    };
    const violation = { policy: "memory-limits", enforcementLevel: "mandatory" as const, resource: "x", message: "x: no memory limit." };
    const comment = composeReport(["dev", "k8s", "local", "nas"].map((stack) => ({ stack, preview: huge, violations: [violation] })), "origin/main");
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toContain("| nas | 3000 | 0 | 0 | 0 | 1 | **1 mandatory**, 0 advisory |");
    expect(comment).toContain("… cut to fit the comment: run npm run preview -- --stack k8s --against origin/main");
    expect(comment.match(/<\/details>/g)?.length).toBe(4);
    expect(mandatoryCount(["a", "b"].map((stack) => ({ stack, violations: [violation] })))).toBe(2);
  });

  it("adding a cache on nas: exactly its resources are created, the edge (a new published port, the cache's network) restarts with its new site, Prometheus and node-exporter with its target and disk", async () => {
    const before = await evaluateConfig(nas);
    const after = await evaluateConfig(withKey(nas, "mirrors", [...keyValue<object[]>(nas, "mirrors"), { name: "gcr", upstream: "https://gcr.io", port: 5009 }]));
    const p = previewOf(snapshotOf(before), snapshotOf(after));
    // The cache's own network too, which only the edge joins besides it, and the network of its debug
    // listener, which only Prometheus joins besides it.
    expect(p.resources.filter((r) => r.step === "create").map((r) => r.name)).toEqual([
      "regstack-mirror-gcr-container",
      "regstack-mirror-gcr-http-secret",
      "regstack-mirror-gcr-prepare",
      "regstack-pr4100-network-mirror-gcr",
      "regstack-pr4100-network-scrape-mirror-gcr",
    ]);
    // nas runs monitoring: Prometheus joins the cache's scrape network and scrapes it; node-exporter mounts its disk.
    expect(p.resources.filter((r) => r.step !== "create").map((r) => `${r.step} ${r.name} ${r.replacedBy.join(",")}`)).toEqual([
      "replace regstack-edge-container networksAdvanced,ports",
      "replace regstack-edge-writer uploads",
      "replace regstack-node-exporter-container volumes",
      "replace regstack-prometheus-container networksAdvanced,uploads",
    ]);
    const caddyfile = p.files.find((f) => f.path === "/etc/caddy/live/Caddyfile")!;
    expect(caddyfile.lines.filter((l) => l.startsWith("+ ")).join("\n")).toContain(":5009");
    expect(caddyfile.lines.some((l) => l.startsWith("- "))).toBe(false);
    expect(p.files.map((f) => `${f.step} ${f.service} ${f.path}`)).toEqual(expect.arrayContaining(["create mirror-gcr /etc/distribution/config.yml"]));
  });

  it("a registry setting on k8s updates ConfigMaps and Deployments in place (a rolling restart), replacing nothing", async () => {
    const k8s = readStackConfig("k8s");
    const before = await evaluateConfig(k8s);
    const after = await evaluateConfig(withKey(k8s, "registry", { logLevel: "debug" }));
    const p = previewOf(snapshotOf(before), snapshotOf(after));
    // The log level is the caches' too; the jobs carry the registry's config for garbage collection.
    expect(p.resources.map((r) => `${r.step} ${r.name}`)).toEqual([
      "update regstack-jobs-backup",
      "update regstack-jobs-backup-check",
      "update regstack-jobs-config",
      "update regstack-jobs-drill",
      "update regstack-jobs-gc",
      "update regstack-jobs-housekeeping",
      "update regstack-jobs-restore",
      "update regstack-mirror-dockerhub-config",
      "update regstack-mirror-dockerhub-deployment",
      "update regstack-mirror-ghcr-config",
      "update regstack-mirror-ghcr-deployment",
      "update regstack-registry-config",
      "update regstack-registry-deployment",
    ]);
    expect(p.files.find((f) => f.service === "registry")!.lines).toEqual(expect.arrayContaining(["-   level: info", "+   level: debug"]));
  });

  it("knows which changes replace: Docker containers on most inputs, Kubernetes objects on immutable fields only", () => {
    expect(replacingChanges("docker:index/container:Container", ["memory", "restart"])).toEqual([]);
    expect(replacingChanges("docker:index/container:Container", ["envs", "memory"])).toEqual(["envs"]);
    expect(replacingChanges("kubernetes:apps/v1:Deployment", ["spec.template.metadata.annotations.x"])).toEqual([]);
    expect(replacingChanges("kubernetes:apps/v1:Deployment", ["spec.selector.matchLabels.a"])).toEqual(["spec.selector"]);
    expect(replacingChanges("kubernetes:core/v1:PersistentVolumeClaim", ["spec.resources.requests.storage"])).toEqual([]);
    expect(replacingChanges("kubernetes:core/v1:PersistentVolumeClaim", ["spec.storageClassName"])).toEqual(["spec.storageClassName"]);
  });

  it("compares generated keys and certificates by kind, also base64-encoded in a script, so another process's keys are no change", () => {
    const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
    const script = (p: string) => `printf '%s' '${Buffer.from(p).toString("base64")}' | base64 -d`;
    expect(withoutPem(script(pem("AAAA".repeat(60))))).toBe(withoutPem(script(pem("BBBB".repeat(60)))));
    // The scripts are themselves sent base64-encoded: the CA sits two encodings deep.
    const twice = (p: string) => `echo ${Buffer.from(script(p)).toString("base64")} | base64 -d | sh`;
    expect(withoutPem(twice(pem("AAAA".repeat(60))))).toBe(withoutPem(twice(pem("BBBB".repeat(60)))));
    expect(withoutPem(twice(pem("AAAA".repeat(60))))).not.toBe(twice(pem("AAAA".repeat(60))));
    expect(withoutPem(pem("AAAA"))).toBe(withoutPem(pem("BBBB")));
    expect(withoutPem("plain text")).toBe("plain text");
  });

  it("diffs lines as a person reads them: removals before additions, kept lines kept", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc").map((l) => `${l.kind}${l.text}`)).toEqual([" a", "-b", "+B", " c"]);
  });

  it("npm run preview against a git ref evaluates that ref's own program: a code change shows, and the same tree changes nothing", () => {
    // A throwaway clone, so the test commits nowhere it did not make.
    const work = scratchDir("regstack-preview-git-");
    try {
      const clone = path.join(work, "repo");
      execFileSync("git", ["clone", "--quiet", "--shared", ROOT, clone]);
      symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");
      // Bring the working tree's offline engine and scripts, so the clone runs this code.
      for (const dir of ["offline", "scripts", "components", "policies", "runtime"]) cpSync(path.join(ROOT, dir), path.join(clone, dir), { recursive: true });
      cpSync(path.join(ROOT, ".gitignore"), path.join(clone, ".gitignore"));
      const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: clone, encoding: "utf8" });
      git("add", "-A");
      git("commit", "--quiet", "--allow-empty", "-m", "base");
      const preview = () => spawnSync(process.execPath, [...TS_RUN, "scripts/preview.ts", "--stack", "local", "--against", "HEAD"], { cwd: clone, encoding: "utf8" });
      const same = preview();
      expect(same.stderr).toBe("");
      expect(same.stdout).toContain("preview of stack local: Pulumi.local.yaml against HEAD (its program and Pulumi.local.yaml)");
      expect(same.stdout).toMatch(/Resources: 0 to create, 0 to update, 0 to replace, 0 to delete, \d+ unchanged/);
      expect(same.stdout).toContain("Rendered files: no change");
      // A code change, no config change: the UI's image version.
      const table = path.join(clone, "components", "images.ts");
      writeFileSync(table, readFileSync(table, "utf8").replace("joxit/docker-registry-ui:2.5.7", "joxit/docker-registry-ui:2.5.8"));
      const changed = preview();
      expect(changed.status).toBe(0);
      expect(changed.stdout).toMatch(/\+- replace docker:index\/container:Container {2}regstack-ui-container {2}\(replaced by a change of image\)/);
      expect(changed.stdout).toMatch(/\+- replace docker:index\/remoteImage:RemoteImage {2}regstack-local-image-ui/);
      // Worktrees it made are gone.
      expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
