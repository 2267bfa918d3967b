/**
 * The operations part of `npm run bench`, side by side in one run, with Debian's restic, registry 2.8
 * and busybox running the rendered jobs (as the real-tool tests do):
 * - a first backup, an unchanged re-backup, and a tar.gz of the same storage: time and bytes;
 * - garbage collection after deleting half the images: seconds per GiB of blobs;
 * - the retention plan for 10,000 tags in 100 repositories: the pure engine, and the whole dry-run
 *   job reading them from a storage tree.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { jobsRig } from "../rig/jobs";
import { buildOciImage, OciImage } from "../rig/ociImage";
import { runTool } from "../rig/process";
import { skopeoAsync } from "../rig/skopeo";
import { startRegistry } from "../rig/registryProcess";
import { renderConfig, variant } from "../rig/rendered";
import { mib, round } from "./table";
import { onInterrupt } from "../rig/interrupt";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const retention = require("../runtime/retention") as typeof import("../runtime/retention");

const skopeo = async (args: string[]) => (await skopeoAsync(args)).status;

async function timed<T>(body: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const value = await body();
  return { value, seconds: round(Number(process.hrtime.bigint() - started) / 1e9) };
}

const kib = (dir: string) => Number(runTool("du", ["-sk", dir]).stdout.split("\t")[0]);

/** 10,000 tags in 100 repositories, a third sharing digests, every tenth a release. */
function syntheticRepositories(): Parameters<typeof retention.planRetention>[0] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: 100 }, (_, r) => ({
    name: `team${r % 10}/app${r}`,
    tags: Array.from({ length: 100 }, (_, t) => ({
      tag: t % 10 === 0 ? `v1.${t}.0` : `build-${t}`,
      digest: `sha256:${(r * 1000 + (t % 3 === 0 ? t - 1 : t)).toString(16).padStart(64, "0")}`,
      pushedAt: now - t * 3600,
    })),
    children: {},
  }));
}

/** The same repositories as a storage tree (tag links only), for the job to read. */
function writeStorage(root: string, repos: ReturnType<typeof syntheticRepositories>): void {
  for (const repo of repos) {
    for (const t of repo.tags) {
      const dir = path.join(root, "docker/registry/v2/repositories", repo.name, "_manifests/tags", t.tag, "current");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "link"), t.digest);
    }
  }
}

export async function benchOperations(sizeMb: number): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(tmpdir(), "regstack-bench-ops-"));
  // Interrupted, its registry is stopped by rig/process.ts; its files go here.
  const forget = onInterrupt(() => rmSync(work, { recursive: true, force: true }));
  let stopRegistry = async () => undefined as void;
  try {
    const rules = [{ repositories: "**", keepLast: 10, keepDays: 0 }];
    const rendered = await renderConfig(variant("local", { registry: { version: "2.8" }, retention: { enabled: true, rules } }), path.join(work, "rendered"));
    const registry = await startRegistry(rendered, work);
    stopRegistry = registry.stop;
    const jobs = jobsRig(rendered, path.join(work, "jobs"), { dataDir: registry.dataDir, registryUrl: `http://127.0.0.1:${registry.port}`, jobEnv: { GC_DRAIN_QUIET: "1" } });
    // Images of 16 MiB (two layers of random, incompressible data), pushed until the size is reached.
    const images: OciImage[] = [];
    for (let i = 0; i < Math.max(2, Math.round(sizeMb / 16)); i++) {
      const image = buildOciImage(path.join(work, `image-${i}`), [{ size: 12 << 20, gzip: false }, { size: 4 << 20, gzip: false }]);
      if ((await skopeo(["copy", "--quiet", "--dest-tls-verify=false", `oci:${image.dir}:${image.tag}`, `docker://127.0.0.1:${registry.port}/bench/app${i}:1`])) !== 0) throw new Error("push failed");
      rmSync(path.dirname(image.dir), { recursive: true, force: true });
      images.push(image);
    }
    const storage = path.join(registry.dataDir, "docker/registry/v2");
    const dataMib = round(kib(storage) / 1024);

    const first = await timed(() => jobs.run("backup"));
    const firstAdded = jobs.metrics("backup").backup_bytes_added;
    const again = await timed(() => jobs.run("backup"));
    const againAdded = jobs.metrics("backup").backup_bytes_added;
    const tarFile = path.join(work, "storage.tar.gz");
    const tar = await timed(async () => runTool("tar", ["-czf", tarFile, "-C", registry.dataDir, "docker"]));
    if (first.value.status !== 0 || again.value.status !== 0 || tar.value.status !== 0) throw new Error(`backup bench failed:\n${first.value.output}${again.value.output}${tar.value.stderr}`);

    for (const image of images.slice(0, Math.floor(images.length / 2))) {
      const i = images.indexOf(image);
      // skopeo compresses the plain layers on push, so the registry's manifest digest is its own.
      const head = await fetch(`http://127.0.0.1:${registry.port}/v2/bench/app${i}/manifests/1`, {
        method: "HEAD",
        headers: { Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" },
      });
      const digest = head.headers.get("docker-content-digest") ?? image.manifestDigest;
      const deleted = await fetch(`http://127.0.0.1:${registry.port}/v2/bench/app${i}/manifests/${digest}`, { method: "DELETE" });
      if (deleted.status !== 202) throw new Error(`deleting bench/app${i} answered ${deleted.status}`);
    }
    const blobsGib = kib(path.join(storage, "blobs")) / (1 << 20);
    const gc = await timed(() => jobs.run("gc"));
    if (gc.value.status !== 0) throw new Error(`gc failed:\n${gc.value.output}`);
    await registry.stop();

    const repos = syntheticRepositories();
    const plan = await timed(async () => retention.planRetention(repos, rules.map((r) => ({ ...r, excludeRepositories: [], tags: ".*", excludeTags: [], protect: ["^v?[0-9]+\\.[0-9]+\\.[0-9]+$"] })), Date.now() / 1000));
    const synthetic = path.join(work, "synthetic");
    writeStorage(synthetic, repos);
    const dryRig = jobsRig(rendered, path.join(work, "dry-jobs"), { dataDir: synthetic });
    const dryRun = await timed(() => dryRig.run("retention"));
    if (dryRun.value.status !== 0) throw new Error(`retention dry run failed:\n${dryRun.value.output}`);

    const result = {
      dataMib,
      backup: {
        first: { seconds: first.seconds, addedMib: mib(firstAdded) },
        unchangedRebackup: { seconds: again.seconds, addedBytes: againAdded },
        tarGz: { seconds: tar.seconds, sizeMib: mib(statSync(tarFile).size) },
      },
      gc: { seconds: gc.seconds, blobsGib: round(blobsGib), secondsPerGib: round(gc.seconds / Math.max(blobsGib, 1e-6)), freedMib: mib(jobs.metrics("gc").gc_bytes_freed) },
      retention: { tags: plan.value.length, deletes: plan.value.filter((e) => e.action === "delete").length, engineSeconds: plan.seconds, dryRunJobSeconds: dryRun.seconds },
    };
    console.log(`\noperations on ${dataMib} MiB of registry data (Debian restic 0.14, registry 2.8, busybox):`);
    console.log("| | seconds | size |");
    console.log("|---|---|---|");
    console.log(`| first backup (restic) | ${first.seconds} | ${mib(firstAdded)} MiB added |`);
    console.log(`| unchanged re-backup | ${again.seconds} | ${againAdded} bytes added |`);
    console.log(`| tar.gz of the same data | ${tar.seconds} | ${result.backup.tarGz.sizeMib} MiB |`);
    console.log(`| GC job after deleting half the images (1 s of it is the upload drain) | ${gc.seconds} | ${result.gc.freedMib} MiB freed; ${result.gc.secondsPerGib} s per GiB of blobs, drain included |`);
    console.log(`| retention plan, ${plan.value.length} tags in 100 repositories (engine) | ${plan.seconds} | ${result.retention.deletes} deletes |`);
    console.log(`| the retention job's dry run on the same tags in a storage tree | ${dryRun.seconds} | |`);
    return result;
  } finally {
    // Also when a step failed: no registry process outlives the bench.
    forget();
    await stopRegistry();
    rmSync(work, { recursive: true, force: true });
  }
}
