/**
 * Real-tool check of backup, re-backup, the restore drill and the restore command, run by the
 * scheduler from the files the local stack rendered, with Debian's restic and registry 2.8 and busybox
 * as the job image's shell: a backup taken while pushes go on restores to a registry that serves every
 * tag it holds, whole.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { jobsRig, JobsRig, TEST_RESTIC_PASSWORD } from "../../rig/jobs";
import { buildMultiArchImage, buildOciImage, OciImage } from "../../rig/ociImage";
import { skopeoAsync } from "../../rig/skopeo";
import { requireTool, runTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { scratchDir } from "../support/scratch";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { tagsOnDisk } = require("../../runtime/verify") as { tagsOnDisk: (dir: string) => { repo: string; tag: string; digest: string }[] };

const work = scratchDir("regstack-backup-");
let rendered: RenderedStack;
let registry: RunningRegistry;
let jobs: JobsRig;
const images: OciImage[] = [];

async function pushAsync(image: OciImage, target: string): Promise<number> {
  return (await skopeoAsync(["copy", "--quiet", "--dest-tls-verify=false", `oci:${image.dir}:${image.tag}`, target])).status;
}

const ref = (port: number, name: string) => `docker://127.0.0.1:${port}/${name}`;
const reposDir = (data: string) => path.join(data, "docker/registry/v2/repositories");

/** Every tag under a storage root pulls whole from a registry serving it, with the digest its link names. */
async function expectAllPullable(port: number, data: string): Promise<number> {
  const tags = tagsOnDisk(reposDir(data));
  for (const t of tags) {
    const out = path.join(work, "pulled", `${t.repo.replace(/\//g, "_")}-${t.tag}`);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(path.dirname(out), { recursive: true });
    const pulled = await skopeoAsync(["copy", "--quiet", "--src-tls-verify=false", "--all", `docker://127.0.0.1:${port}/${t.repo}:${t.tag}`, `oci:${out}:x`]);
    expect({ tag: `${t.repo}:${t.tag}`, status: pulled.status, stderr: pulled.stderr }).toEqual({ tag: `${t.repo}:${t.tag}`, status: 0, stderr: "" });
    const index = JSON.parse(readFileSync(path.join(out, "index.json"), "utf8"));
    expect(index.manifests[0].digest).toBe(t.digest);
  }
  return tags.length;
}

beforeAll(async () => {
  for (const tool of ["docker-registry", "restic", "skopeo", "busybox"]) requireTool(tool);
  rendered = await renderConfig(variant("local", { registry: { version: "2.8" } }), path.join(work, "rendered"));
  registry = await startRegistry(rendered, work);
  jobs = jobsRig(rendered, path.join(work, "jobs"), { dataDir: registry.dataDir, registryUrl: `http://127.0.0.1:${registry.port}` });
  for (let i = 0; i < 12; i++) images.push(buildOciImage(path.join(work, `image-${i}`), [{ size: (256 + i * 64) << 10, gzip: true }, { size: 32 << 10, gzip: true }]));
  const multi = buildMultiArchImage(path.join(work, "multi"), ["linux/amd64", "linux/arm64"]);
  for (let i = 0; i < 4; i++) expect(await pushAsync(images[i], ref(registry.port, `team/app${i}:1.0.${i}`))).toBe(0);
  expect((await skopeoAsync(["copy", "--quiet", "--dest-tls-verify=false", "--all", `oci:${multi.dir}:${multi.tag}`, ref(registry.port, "base/multi:2024")])).status).toBe(0);
}, 120000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("backup and restore with restic, from the rendered jobs", () => {
  let firstSnapshotTags = 0;

  it("backs up while pushes go on; the snapshot restores to a registry that serves every tag it holds", async () => {
    const backup = jobs.run("backup");
    // Keep pushing while the backup runs.
    let pushed = 4;
    let done = false;
    void backup.then(() => (done = true));
    while (!done && pushed < images.length) {
      expect(await pushAsync(images[pushed], ref(registry.port, `team/app${pushed}:1.0.${pushed}`))).toBe(0);
      pushed++;
    }
    const result = await backup;
    // Pushes did land while the backup ran.
    expect(pushed).toBeGreaterThan(5);
    // The snapshot is tagged with the stack and the registry version, under the stack's name.
    const listed = runTool("env", [`RESTIC_REPOSITORY=${jobs.repoDir}`, `RESTIC_PASSWORD=${TEST_RESTIC_PASSWORD}`, "restic", "snapshots", "--json"]);
    const [snapshot] = JSON.parse(listed.stdout) as { hostname: string; tags: string[] }[];
    expect(snapshot).toEqual(expect.objectContaining({ hostname: "local", tags: ["stack=local", "registry=2.8"] }));
    expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.stringContaining("backup done") });

    const restored = path.join(work, "restored");
    const restoreRig = jobsRig(rendered, path.join(work, "restore-rig"), { repoDir: jobs.repoDir, dataDir: restored });
    const restore = await restoreRig.run("restore", ["latest"]);
    expect({ status: restore.status, output: restore.output }).toEqual({ status: 0, output: expect.stringContaining("restored into") });
    const second = await startRegistry(rendered, path.join(work, "restored-registry"), restored);
    try {
      firstSnapshotTags = await expectAllPullable(second.port, restored);
      // At least what was pushed before the backup started, and the multi-arch image whole.
      expect(firstSnapshotTags).toBeGreaterThanOrEqual(5);
      expect(existsSync(path.join(reposDir(restored), "base/multi/_manifests/tags/2024"))).toBe(true);
      // Upload sessions in progress are not part of a backup.
      expect(runTool("find", [reposDir(restored), "-name", "_uploads", "-mindepth", "2"]).stdout.trim()).toBe("");
    } finally {
      await second.stop();
    }
  }, 300000);

  it("an unchanged second backup adds close to nothing", async () => {
    for (let i = 0; i < images.length; i++) expect(await pushAsync(images[i], ref(registry.port, `team/app${i}:1.0.${i}`))).toBe(0);
    expect((await jobs.run("backup")).status).toBe(0);
    const again = await jobs.run("backup");
    expect(again.status).toBe(0);
    const added = jobs.metrics("backup").backup_bytes_added;
    const blobsKib = Number(runTool("du", ["-sk", path.join(registry.dataDir, "docker/registry/v2/blobs")]).stdout.split("\t")[0]);
    process.stdout.write(`re-backup added ${added} bytes; the blobs hold ${blobsKib} KiB\n`);
    // The stage keeps unchanged link files as they were: nothing but a few tree blobs is new.
    expect(added).toBeLessThan(8192);
    expect(jobs.metrics("backup").last_exit_code).toBe(0);
    expect(jobs.metrics("backup").last_success_timestamp_seconds).toBeGreaterThan(Date.now() / 1000 - 300);
  }, 300000);

  it("the drill passes on a good snapshot and records its success", async () => {
    const drill = await jobs.run("drill");
    expect({ status: drill.status, output: drill.output }).toEqual({ status: 0, output: expect.stringContaining("drill passed") });
    expect(drill.output).toMatch(/verified \d+ tags in \d+ repositories/);
    expect(jobs.metrics("drill").drill_last_success_timestamp_seconds).toBeGreaterThan(0);
    // Its scratch space is gone afterwards.
    expect(existsSync(path.join(jobs.stateDir, "drill"))).toBe(false);
  }, 300000);

  it("the drill fails loudly, naming what is missing, on a snapshot with a deleted and a corrupted blob", async () => {
    const broken = path.join(work, "broken-data");
    cpSync(registry.dataDir, broken, { recursive: true });
    const blobsOf = (image: OciImage) => image.layerDigests.map((d) => path.join(broken, "docker/registry/v2/blobs/sha256", d.slice(7, 9), d.slice(7), "data"));
    const [deleted] = blobsOf(images[0]);
    const [corrupted] = blobsOf(images[1]);
    rmSync(deleted);
    writeFileSync(corrupted, "not the layer");
    const brokenRig = jobsRig(rendered, path.join(work, "broken-rig"), { dataDir: broken });
    expect((await brokenRig.run("backup")).status).toBe(0);
    const drill = await brokenRig.run("drill");
    expect(drill.status).not.toBe(0);
    expect(drill.output).toContain("DRILL FAILED");
    expect(drill.output).toContain(`team/app0:1.0.0: blob ${images[0].layerDigests[0]} answered 404`);
    expect(drill.output).toContain(`team/app1:1.0.1: blob ${images[1].layerDigests[0]} is corrupt`);
    expect(brokenRig.metrics("drill").last_exit_code).not.toBe(0);
  }, 300000);

  it("restore refuses to replace data without --force, keeps what it replaces, and leaves every tag pullable", async () => {
    const refused = await jobs.run("restore", ["latest"]);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain("refuses to replace it without --force");

    // An emptied data location: restore needs no --force.
    await registry.stop();
    rmSync(path.join(registry.dataDir, "docker"), { recursive: true, force: true });
    registry = await startRegistry(rendered, work, registry.dataDir);
    const rig = jobsRig(rendered, path.join(work, "restore-empty"), { repoDir: jobs.repoDir, dataDir: registry.dataDir, registryUrl: `http://127.0.0.1:${registry.port}` });
    const restored = await rig.run("restore", ["latest"]);
    expect({ status: restored.status, output: restored.output }).toEqual({ status: 0, output: expect.stringMatching(/verified \d+ tags/) });
    expect(await expectAllPullable(registry.port, registry.dataDir)).toBe(images.length + 1);
    // Writes are open again.
    expect(existsSync(rig.freezeFile)).toBe(false);

    const forced = await rig.run("restore", ["latest", "--force"]);
    expect(forced.status).toBe(0);
    const aside = readdirSync(registry.dataDir).filter((d) => d.startsWith("docker.pre-restore-"));
    expect(aside.length).toBe(1);
  }, 300000);
});
