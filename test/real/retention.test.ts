/**
 * Real-tool check of tag retention, run by the scheduler from the files a stack rendered, against
 * Debian's registry 2.8 on a crafted registry: several repositories, shared digests, a multi-arch
 * index with a tagged child, signature and attestation tags, protected releases. The dry run lists
 * exactly the tags the real run then deletes; undo puts them back before GC.
 */
import { mkdirSync, readFileSync, rmSync, utimesSync } from "fs";
import * as path from "path";
import { jobsRig, JobsRig } from "../../rig/jobs";
import { buildMultiArchImage, buildOciImage, MultiArchImage, OciImage } from "../../rig/ociImage";
import { skopeoAsync } from "../../rig/skopeo";
import { requireTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, variant } from "../../rig/rendered";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-retention-");
let registry: RunningRegistry;
let jobs: JobsRig;
let dryJobs: JobsRig;
const img: Record<string, OciImage> = {};
let multi: MultiArchImage;
const NOW = Math.floor(Date.now() / 1000);

const skopeo = async (args: string[]) => (await skopeoAsync(args)).status;
const push = (layout: string, tag: string, ref: string, all = false) =>
  skopeo(["copy", "--quiet", "--dest-tls-verify=false", ...(all ? ["--all"] : []), `oci:${layout}:${tag}`, `docker://127.0.0.1:${registry.port}/${ref}`]);
const base = () => `http://127.0.0.1:${registry.port}`;
async function tags(repo: string): Promise<string[]> {
  const r = await fetch(`${base()}/v2/${repo}/tags/list`);
  if (r.status === 404) return [];
  return (((await r.json()) as { tags: string[] | null }).tags ?? []).sort();
}
/** Makes a tag look pushed `days` ago (retention reads the tag link's time). */
function age(repo: string, tag: string, days: number): void {
  const t = NOW - days * 86400;
  utimesSync(path.join(registry.dataDir, "docker/registry/v2/repositories", repo, "_manifests/tags", tag, "current/link"), t, t);
}
const hex = (digest: string) => digest.slice(7);

beforeAll(async () => {
  for (const tool of ["docker-registry", "skopeo", "busybox"]) requireTool(tool);
  const rules = [
    { repositories: "team/*", keepLast: 1, keepDays: 0 },
    { repositories: "base/*", keepLast: 1, keepDays: 0 },
  ];
  const rendered = await renderConfig(variant("local", { registry: { version: "2.8" }, retention: { enabled: true, dryRun: false, rules } }), path.join(work, "rendered"));
  const dry = await renderConfig(variant("local", { registry: { version: "2.8" }, retention: { enabled: true, rules } }), path.join(work, "rendered-dry"));
  registry = await startRegistry(rendered, work);
  jobs = jobsRig(rendered, path.join(work, "jobs"), { dataDir: registry.dataDir, registryUrl: base() });
  dryJobs = jobsRig(dry, path.join(work, "dry-jobs"), { dataDir: registry.dataDir, registryUrl: base() });
  for (const name of ["b1", "b2", "b3", "rel", "sig1", "att3", "old", "keep"]) img[name] = buildOciImage(path.join(work, name), [{ size: 32 << 10, gzip: true }]);
  multi = buildMultiArchImage(path.join(work, "multi"), ["linux/amd64", "linux/arm64"]);
  const pushes: [OciImage, string, number][] = [
    [img.b1, "team/app:build-1", 30],
    [img.b2, "team/app:build-2", 20],
    [img.b3, "team/app:build-3", 10],
    [img.b3, "team/app:build-3-alias", 90], // old, but shares build-3's digest
    [img.rel, "team/app:v1.0.0", 400], // a protected release
    [img.sig1, `team/app:sha256-${hex(img.b1.manifestDigest)}.sig`, 30],
    [img.att3, `team/app:sha256-${hex(img.b3.manifestDigest)}.att`, 10],
    [img.old, "base/multi:old", 50],
    [img.keep, "untouched/repo:ancient", 999], // no rule governs it
  ];
  for (const [image, ref, days] of pushes) {
    expect(await push(image.dir, image.tag, ref)).toBe(0);
    const [repo, tag] = ref.split(":");
    age(repo, tag, days);
  }
  expect(await push(multi.dir, multi.tag, "base/multi:multi-new", true)).toBe(0);
  age("base/multi", "multi-new", 5);
  // Tag one platform manifest of the index on its own (older than the index, so by age alone it would go).
  const child = readFileSync(path.join(multi.dir, "blobs/sha256", hex(multi.manifestDigests[0])));
  const put = await fetch(`${base()}/v2/base/multi/manifests/child`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" }, body: child });
  expect(put.status).toBe(201);
  age("base/multi", "child", 80);
}, 120000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const expectedDeletes = () => ["base/multi:old", "team/app:build-1", "team/app:build-2", `team/app:sha256-${hex(img.b1.manifestDigest)}.sig`].sort();

describe("tag retention from the rendered job", () => {
  it("a dry run writes a plan listing exactly the tags to delete, and deletes nothing", async () => {
    const before = { app: await tags("team/app"), multi: await tags("base/multi") };
    const run = await dryJobs.run("retention");
    expect(run.status).toBe(0);
    expect(run.output).toContain("dry run: nothing deleted");
    const planFile = /plan (\S+\.json):/.exec(run.output)![1];
    const plan = JSON.parse(readFileSync(planFile, "utf8")) as { repository: string; tag: string; action: string; reason: string }[];
    expect(plan.filter((e) => e.action === "delete").map((e) => `${e.repository}:${e.tag}`).sort()).toEqual(expectedDeletes());
    expect(plan.find((e) => e.tag === "child")!.reason).toMatch(/^a child of index/);
    expect(plan.find((e) => e.tag === "build-3-alias")!.reason).toBe("shares its digest with kept tag build-3");
    expect({ app: await tags("team/app"), multi: await tags("base/multi") }).toEqual(before);
  }, 60000);

  it("deletes exactly those tags through the registry, keeps everything else pullable, and undo puts them back", async () => {
    const run = await jobs.run("retention");
    expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.stringContaining("deleted 4 tags") });
    expect(await tags("team/app")).toEqual(["build-3", "build-3-alias", `sha256-${hex(img.b3.manifestDigest)}.att`, "v1.0.0"].sort());
    expect(await tags("base/multi")).toEqual(["child", "multi-new"]);
    expect(await tags("untouched/repo")).toEqual(["ancient"]);
    mkdirSync(path.join(work, "pulled"), { recursive: true });
    for (const ref of ["team/app:build-3", "team/app:v1.0.0", "base/multi:multi-new", "base/multi:child", "untouched/repo:ancient"]) {
      expect({ ref, status: await skopeo(["copy", "--quiet", "--src-tls-verify=false", "--all", `docker://127.0.0.1:${registry.port}/${ref}`, `oci:${path.join(work, "pulled", ref.replace(/[/:]/g, "_"))}:x`]) }).toEqual({ ref, status: 0 });
    }
    expect(jobs.metrics("retention").retention_deleted_tags).toBe(4);

    const deletedFile = /undo (\S+\.json)/.exec(run.output)![1];
    const undo = await jobs.run("retention", ["undo", deletedFile]);
    expect({ status: undo.status, output: undo.output }).toEqual({ status: 0, output: expect.stringContaining("put back team/app:build-1") });
    expect(await tags("team/app")).toEqual(expect.arrayContaining(["build-1", "build-2", `sha256-${hex(img.b1.manifestDigest)}.sig`]));
    const head = await fetch(`${base()}/v2/team/app/manifests/build-1`, { method: "HEAD", headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(head.headers.get("docker-content-digest")).toBe(img.b1.manifestDigest);
  }, 120000);
});
