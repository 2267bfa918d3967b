/**
 * Real-tool check of garbage collection as the scheduler runs it from the local stack's rendered
 * files: Debian's caddy runs the rendered edge (its freeze matcher on the shared maintenance
 * directory) in front of Debian's registry 2.8, and the gc job runs `registry garbage-collect` with
 * busybox as its shell. Writes stop at the edge for the window, reads go on, nothing tagged is lost.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "fs";
import * as path from "path";
import { FREEZE_RETRY_AFTER_SECONDS } from "../../components/render/caddy";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { jobsRig, JobsRig } from "../../rig/jobs";
import { buildMultiArchImage, buildOciImage, MultiArchImage, OciImage } from "../../rig/ociImage";
import { skopeoAsync } from "../../rig/skopeo";
import { requireTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-gc-");
let rendered: RenderedStack;
let registry: RunningRegistry;
let edge: RunningEdge;
let jobs: JobsRig;
let keep: OciImage;
let drop: OciImage;
let multi: MultiArchImage;
let base = "";

const creds = () => `admin:${rendered.users.admin}`;
const auth = () => ({ Authorization: `Basic ${Buffer.from(creds()).toString("base64")}` });
const push = (layout: string, tag: string, name: string, all = false) =>
  skopeoAsync(["copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", creds(), ...(all ? ["--all"] : []), `oci:${layout}:${tag}`, `docker://${base}/${name}`]);
const pull = (name: string) => {
  const out = path.join(work, "pulled", name.replace(/[/:]/g, "_"));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.dirname(out), { recursive: true });
  return skopeoAsync(["copy", "--quiet", "--src-tls-verify=false", "--src-creds", creds(), "--all", `docker://${base}/${name}`, `oci:${out}:x`]);
};
const blobFile = (digest: string) => path.join(registry.dataDir, "docker/registry/v2/blobs/sha256", digest.slice(7, 9), digest.slice(7), "data");

beforeAll(async () => {
  for (const tool of ["docker-registry", "caddy", "skopeo", "busybox"]) requireTool(tool);
  rendered = await renderConfig(variant("local", { registry: { version: "2.8" } }), path.join(work, "rendered"));
  registry = await startRegistry(rendered, work);
  jobs = jobsRig(rendered, path.join(work, "jobs"), { dataDir: registry.dataDir, jobEnv: { GC_DRAIN_QUIET: "3" } });
  edge = await startEdge(rendered, work, registry.port, { maintenanceDir: jobs.maintenanceDir });
  base = `127.0.0.1:${edge.ports.get(5000)}`;
  keep = buildOciImage(path.join(work, "keep"), [{ size: 512 << 10, gzip: true }]);
  drop = buildOciImage(path.join(work, "drop"), [{ size: 2 << 20, gzip: true }, { size: 1 << 20, gzip: true }]);
  multi = buildMultiArchImage(path.join(work, "multi"), ["linux/amd64", "linux/arm64"]);
  expect((await push(keep.dir, keep.tag, "team/keep:1")).status).toBe(0);
  expect((await push(drop.dir, drop.tag, "team/drop:1")).status).toBe(0);
  expect((await push(multi.dir, multi.tag, "base/multi:1", true)).status).toBe(0);
}, 120000);

afterAll(async () => {
  await edge?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("garbage collection behind the edge's write freeze, from the rendered jobs", () => {
  it("frees the blobs of a deleted image, keeps every tagged one whole, refuses writes only during its window", async () => {
    const deleted = await fetch(`http://${base}/v2/team/drop/manifests/${drop.manifestDigest}`, { method: "DELETE", headers: auth() });
    expect(deleted.status).toBe(202);
    for (const d of drop.layerDigests) expect(existsSync(blobFile(d))).toBe(true);

    const gc = jobs.run("gc");
    const deadline = Date.now() + 20000;
    while (!existsSync(jobs.freezeFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(jobs.freezeFile)).toBe(true);

    // During the window: a push is refused in the registry's format with Retry-After; reads go on.
    const refused = await fetch(`http://${base}/v2/team/new/blobs/uploads/`, { method: "POST", headers: auth() });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe(String(FREEZE_RETRY_AFTER_SECONDS));
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0].code).toBe("UNAVAILABLE");
    const read = await fetch(`http://${base}/v2/team/keep/manifests/1`, { headers: { ...auth(), Accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(read.status).toBe(200);
    // A stranger still gets 401, not a hint about maintenance.
    expect((await fetch(`http://${base}/v2/team/new/blobs/uploads/`, { method: "POST" })).status).toBe(401);

    const result = await gc;
    expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.stringContaining("garbage collection:") });
    expect(existsSync(jobs.freezeFile)).toBe(false);

    // The deleted image's blobs are gone; the kept ones and the multi-arch image pull whole.
    for (const d of drop.layerDigests) expect(existsSync(blobFile(d))).toBe(false);
    for (const d of keep.layerDigests) expect(existsSync(blobFile(d))).toBe(true);
    expect(await pull("team/keep:1")).toEqual({ status: 0, stderr: "" });
    expect(await pull("base/multi:1")).toEqual({ status: 0, stderr: "" });
    const index = JSON.parse(readFileSync(path.join(work, "pulled", "base_multi_1", "index.json"), "utf8"));
    expect(index.manifests[0].digest).toBe(multi.indexDigest);
    const metrics = jobs.metrics("gc");
    expect(metrics.gc_bytes_freed).toBeGreaterThanOrEqual(3 << 20);
    expect(metrics.gc_blobs_deleted).toBeGreaterThanOrEqual(2);
    expect(metrics.last_exit_code).toBe(0);

    // After the window the same push goes through.
    expect((await fetch(`http://${base}/v2/team/new/blobs/uploads/`, { method: "POST", headers: auth() })).status).toBe(202);
    expect((await push(drop.dir, drop.tag, "team/drop:2")).status).toBe(0);
  }, 180000);

  it("waits for uploads in progress to drain, and gives up changing nothing when they keep writing", async () => {
    const start = await fetch(`http://${base}/v2/team/slow/blobs/uploads/`, { method: "POST", headers: auth() });
    expect(start.status).toBe(202);
    let location = start.headers.get("location")!;
    const patch = async () => {
      const r = await fetch(new URL(location, `http://${base}`), { method: "PATCH", headers: { ...auth(), "Content-Type": "application/octet-stream" }, body: Buffer.alloc(64 << 10, 7) });
      location = r.headers.get("location") ?? location;
      return r.status;
    };
    const busy = jobsRig(rendered, path.join(work, "busy-jobs"), { dataDir: registry.dataDir, jobEnv: { GC_DRAIN_QUIET: "2", GC_DRAIN_TIMEOUT: "6" } });
    await edge.stop();
    edge = await startEdge(rendered, path.join(work, "busy-edge"), registry.port, { maintenanceDir: busy.maintenanceDir });
    base = `127.0.0.1:${edge.ports.get(5000)}`;
    // The upload session started before the window keeps writing (straight to the registry, as a
    // client that began its layer before the freeze does) until the drain gives up.
    const gc = busy.run("gc");
    let writing = true;
    void gc.then(() => (writing = false));
    while (writing) {
      const r = await fetch(new URL(location, `http://127.0.0.1:${registry.port}`), { method: "PATCH", headers: { "Content-Type": "application/octet-stream" }, body: Buffer.alloc(64 << 10, 7) });
      location = r.headers.get("location") ?? location;
      await new Promise((r2) => setTimeout(r2, 500));
    }
    const result = await gc;
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("uploads in progress; waiting");
    expect(result.output).toMatch(/uploads still in progress after 6 s .*nothing was changed/);
    expect(existsSync(busy.freezeFile)).toBe(false);
    expect(await pull("team/keep:1")).toEqual({ status: 0, stderr: "" });
    expect(await patch()).toBe(202);
  }, 60000);

  it("lifts the freeze when garbage-collect fails, and reports the failure", async () => {
    const broken = jobsRig(rendered, path.join(work, "broken-jobs"), {
      dataDir: registry.dataDir,
      jobEnv: { GC_DRAIN_QUIET: "1", REGSTACK_REGISTRY_CONFIG: path.join(work, "no-such-config.yml") },
    });
    const result = await broken.run("gc");
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("garbage-collect failed");
    expect(existsSync(broken.freezeFile)).toBe(false);
    expect(broken.metrics("gc").last_exit_code).not.toBe(0);
  }, 60000);
});
