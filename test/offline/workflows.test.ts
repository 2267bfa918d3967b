/**
 * The GitHub workflows validate against GitHub's workflow schema (action-validator), and hold what the
 * checks promise: tests, the offline preview and policy report updated in place, `pulumi preview`
 * with the pack where a backend is configured, and a manual, protected `pulumi up`.
 */
import { spawnSync } from "child_process";
import { readdirSync, readFileSync, writeFileSync, rmSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../../offline/stackConfig";
import { scratchDir } from "../support/scratch";

const dir = path.join(ROOT, ".github", "workflows");
const validator = path.join(ROOT, "node_modules", ".bin", "action-validator");
const workflows = readdirSync(dir).filter((f) => f.endsWith(".yml"));
const validate = (file: string) => spawnSync(validator, [file], { encoding: "utf8" });

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { if?: string; environment?: string; steps: Step[]; permissions?: Record<string, string> }> };
const load = (f: string) => parse(readFileSync(path.join(dir, f), "utf8")) as Workflow;

describe("the GitHub workflows", () => {
  it.each(workflows)("%s validates against GitHub's workflow schema", (file) => {
    const result = validate(path.join(dir, file));
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("the validator refuses a malformed workflow (it is not a formality)", () => {
    const work = scratchDir("regstack-workflow-");
    try {
      const bad = path.join(work, "bad.yml");
      writeFileSync(bad, "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n        wiht: {}\n");
      expect(validate(bad).status).not.toBe(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("pull requests run the tests, post the offline report in place, and run pulumi preview with the pack where a backend is set", () => {
    const pr = load("pull-request.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    const runs = (job: string) => pr.jobs[job].steps.map((s) => s.run ?? s.uses);
    expect(runs("test")).toEqual(expect.arrayContaining(["npm ci", "npm test"]));
    expect(runs("offline-preview").join("\n")).toContain("npm run -s pr-report -- --against");
    const post = pr.jobs["offline-preview"].steps.find((s) => s.uses?.startsWith("actions/github-script"))!;
    expect(String(post.with?.script)).toContain("updateComment");
    expect(String(post.with?.script)).toContain("<!-- regstack-pr-report -->");
    expect(pr.jobs["offline-preview"].permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const preview = pr.jobs["pulumi-preview"];
    expect(preview.if).toBe("vars.PULUMI_BACKEND_URL != ''");
    const action = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions"))!;
    expect(action.with).toMatchObject({ command: "preview", policyPacks: "policies" });
  });

  it("pulumi up runs by hand only, in a protected environment per stack, with the pack", () => {
    const up = load("pulumi-up.yml");
    expect(Object.keys(up.on)).toEqual(["workflow_dispatch"]);
    expect(up.jobs.up.environment).toBe("${{ inputs.stack }}");
    const action = up.jobs.up.steps.find((s) => s.uses?.startsWith("pulumi/actions"))!;
    expect(action.with).toMatchObject({ command: "up", policyPacks: "policies" });
  });
});
