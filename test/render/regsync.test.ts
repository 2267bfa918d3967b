/**
 * regsync.yml as rendered from regstack:sync, checked by a parser against the fields regsync reads
 * (cmd/regsync config: version, creds, defaults, sync): no secret in it, logins as env templates,
 * every pattern compiles, every source a repository and every target inside the registry.
 */
import { parse } from "yaml";
import { parseSpec } from "../../components/config/parse";
import { renderRegsyncConfig } from "../../components/render/jobs/regsync";
import { evaluateConfig } from "../../offline/run";
import { readStackConfig } from "../../offline/stackConfig";
import { withKey } from "../support/config";
import { minimal, problemsOf, rawConfig } from "../support/config";
import { jobPaths } from "../../components/render/paths";
import { containsSecret, reveal } from "../../offline/secrets";
import { byName } from "../support/resources";

const syncConfig = {
  enabled: true,
  images: [
    { source: "docker.io/library/alpine", semver: true },
    { source: "ghcr.io/acme/tools", target: "mirror/tools", allow: ["^1\\.[0-9]+$", "^latest$"], deny: ["-rc"] },
    { source: "quay.io/prometheus/node-exporter", platform: "linux/arm64" },
  ],
  credentials: [{ registry: "docker.io", username: "team", password: "dckr_pat_secret_value" }],
};

/** The keys regsync's config parser knows, per level. */
const KNOWN = {
  top: ["version", "creds", "defaults", "sync"],
  creds: ["registry", "hostname", "user", "pass", "tls", "regcert", "pathPrefix", "mirrors", "priority", "api"],
  defaults: ["backup", "interval", "schedule", "ratelimit", "parallel", "mediaTypes", "skipDockerConfig", "hooks"],
  sync: ["source", "target", "type", "tags", "platform", "backup", "interval", "schedule", "ratelimit", "mediaTypes", "hooks"],
};

describe("regsync.yml", () => {
  const spec = parseSpec(rawConfig({ ...minimal, sync: syncConfig }, ["regstack:sync"]));
  const text = renderRegsyncConfig({ registry: "registry:5000", images: spec.sync!.images, logins: ["docker.io"], reservePulls: 10, retryAfter: "15m" });
  const doc = parse(text) as { version: number; creds: Record<string, unknown>[]; defaults: Record<string, unknown>; sync: Record<string, unknown>[] };

  it("parses, and uses only keys regsync reads", () => {
    expect(Object.keys(doc).every((k) => KNOWN.top.includes(k))).toBe(true);
    for (const c of doc.creds) expect(Object.keys(c).filter((k) => !KNOWN.creds.includes(k))).toEqual([]);
    expect(Object.keys(doc.defaults).filter((k) => !KNOWN.defaults.includes(k))).toEqual([]);
    for (const s of doc.sync) expect(Object.keys(s).filter((k) => !KNOWN.sync.includes(k))).toEqual([]);
    expect(doc.version).toBe(1);
  });

  it("copies into the registry over the platform network, one repository at a time, pausing at the pull reserve", () => {
    expect(doc.creds[0]).toEqual({ registry: "registry:5000", tls: "disabled" });
    expect(doc.defaults).toEqual({ parallel: 1, ratelimit: { min: 10, retry: "15m" }, skipDockerConfig: true });
    expect(doc.sync).toEqual([
      { source: "docker.io/library/alpine", target: "registry:5000/library/alpine", type: "repository", tags: { allow: ["^v?[0-9]+\\.[0-9]+\\.[0-9]+$"] } },
      { source: "ghcr.io/acme/tools", target: "registry:5000/mirror/tools", type: "repository", tags: { allow: ["^1\\.[0-9]+$", "^latest$"], deny: ["-rc"] } },
      { source: "quay.io/prometheus/node-exporter", target: "registry:5000/prometheus/node-exporter", type: "repository", platform: "linux/arm64" },
    ]);
  });

  it("holds no secret: logins are templates over the job's secret environment", () => {
    expect(text).not.toContain("dckr_pat_secret_value");
    expect(doc.creds[1]).toEqual({ registry: "docker.io", user: '{{env "SYNC_USER_0"}}', pass: '{{env "SYNC_PASS_0"}}' });
    // Nothing else is a template: a source or target cannot smuggle one in (the config layer refuses braces).
    expect(text.match(/\{\{/g)!.length).toBe(2);
  });

  it("is what the scheduler carries, with the logins as secret env of the sync job", async () => {
    const e = await evaluateConfig(withKey(readStackConfig("local"), "sync", syncConfig, true));
    const file = e.files.find((f) => f.service === "scheduler" && f.path === jobPaths.regsyncConfig)!;
    expect(parse(file.content).sync.length).toBe(3);
    const schedule = JSON.parse(e.files.find((f) => f.service === "scheduler" && f.path === jobPaths.schedule)!.content);
    expect(schedule.jobs.find((j: { name: string }) => j.name === "sync")).toMatchObject({ schedule: "30 3 * * *", group: "storage" });
    const envs = byName(e, "regstack-scheduler-container").inputs.envs;
    expect(containsSecret(envs)).toBe(true);
    expect((reveal(envs) as string[]).filter((v) => v.startsWith("SYNC_"))).toEqual(["SYNC_USER_0=team", "SYNC_PASS_0=dckr_pat_secret_value"]);
    expect(e.resources.some((r) => r.name === "regstack-scheduler-program-regsync")).toBe(true);
  });
});

describe("regstack:sync", () => {
  it("refuses what regsync cannot run or would misread, each with its full key", () => {
    const problems = problemsOf(
      {
        ...minimal,
        sync: {
          enabled: true,
          images: [
            { source: "alpine" },
            { source: "docker.io/library/{{env \"X\"}}" },
            { source: "docker.io/library/nginx", allow: ["^(?!latest).*$"], semver: true },
            { source: "docker.io/x/nginx", target: "library/nginx" },
          ],
          credentials: [{ registry: "docker.io", username: "u", password: "p" }],
        },
      },
      [],
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      "regstack:sync.credentials[0].password",
      "regstack:sync.images[0].source",
      "regstack:sync.images[1].source",
      "regstack:sync.images[2].allow",
      "regstack:sync.images[2].allow[0]",
      // images[2] lands in library/nginx by default: two sources into one repository are refused.
      "regstack:sync.images[3].target",
    ]);
    expect(problems.find((p) => p.path === "regstack:sync.images[2].allow[0]")!.message).toMatch(/RE2/);
    expect(problemsOf({ ...minimal, sync: { enabled: true, images: [{ source: "docker.io/a/x", target: "m/x" }, { source: "ghcr.io/b/x", target: "m/x" }] } }).map((p) => p.path)).toEqual([
      "regstack:sync.images[1].target",
    ]);
    expect(problemsOf({ ...minimal, sync: { enabled: true } }).map((p) => p.path)).toEqual(["regstack:sync.images"]);
  });
});
