/**
 * The engine part of `npm run bench`: the nas stack with TLS on, applied in the private Docker engine
 * with stand-in images (the end-to-end environment), measured side by side:
 * - push and pull MB/s, direct to the registry container versus through the edge;
 * - manifest HEAD p50/p95 with auth through the edge (and direct);
 * - a cache pull, cold versus warm, with upstream blob downloads counted;
 * - each container's memory under a 4-client push/pull load.
 */
import { spawn } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { images } from "../components/images";
import { E2eSession, openSession } from "../e2e/session";
import { cacheNetworks, startUpstream } from "../e2e/upstream";
import { nasTlsVariant, upstreamAliases } from "../e2e/variants";
import { testCredentials } from "../offline/files";
import { evaluateConfig } from "../offline/run";
import { median, percentile, request, target } from "../rig/httpClient";
import { buildOciImage } from "../rig/ociImage";
import { freePort, runTool } from "../rig/process";
import { round } from "./table";
import { onInterrupt } from "../rig/interrupt";

function skopeo(args: string[], authFile: string): Promise<{ status: number; seconds: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn("env", [`REGISTRY_AUTH_FILE=${authFile}`, "skopeo", "--insecure-policy", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ status: code ?? -1, seconds: Number(process.hrtime.bigint() - started) / 1e9, stderr }));
  });
}

/** Memory of each running container, in MiB, from the engine's cgroup accounting. */
function memory(session: E2eSession): Map<string, number> {
  const out = session.engine.must(["stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}"]);
  const units: Record<string, number> = { B: 1 / (1 << 20), KiB: 1 / 1024, MiB: 1, GiB: 1024 };
  return new Map(
    out.split("\n").filter(Boolean).map((line) => {
      const [name, usage] = line.split(" ");
      const m = /^([\d.]+)([A-Za-z]+)$/.exec(usage)!;
      return [name, Number(m[1]) * (units[m[2]] ?? 1)];
    }),
  );
}

export async function benchEngine(sizeMb: number, requests: number): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(tmpdir(), "regstack-bench-engine-"));
  const session = await openSession();
  // Interrupted, the bench still stops its engine (containers, bridges, state) and removes its files.
  const forget = onInterrupt(async () => {
    await session.engine.stop();
    runTool("rm", ["-rf", work]);
  });
  try {
    const config = nasTlsVariant(session.engine.root);
    const evaluation = await evaluateConfig(config);
    const upstream = startUpstream(session.engine, "regstack-nas-upstream", cacheNetworks(evaluation), session.images.get(images.registry28)!, await freePort(), upstreamAliases(config));
    const report = await session.applier.apply(evaluation);
    const users = testCredentials(evaluation);
    const user = (JSON.parse(config.values["regstack:users"]) as { name: string; role?: string }[]).find((u) => (u.role ?? "push") === "push")!.name;
    const creds = `${user}:${users[user]}`;
    const edge = `localhost:${report.ports.get(5000)}`;
    const mirror = `localhost:${report.ports.get(5001)}`;
    // The registry's address on its own network (it is on Redis's too).
    const registryIp = session.engine.must(["inspect", "--format", '{{(index .NetworkSettings.Networks "regstack-nas-registry").IPAddress}}', "regstack-nas-registry"]);
    const direct = `${registryIp}:5000`;
    const certDir = path.join(work, "certs");
    runTool("mkdir", ["-p", certDir]);
    writeFileSync(path.join(certDir, "ca.crt"), evaluation.outputs.caCertPem as string);
    const authFile = path.join(work, "auth.json");
    writeFileSync(authFile, "{}");
    const image = buildOciImage(path.join(work, "image"), [
      { size: sizeMb << 20, gzip: true },
      { size: 1 << 20, gzip: true },
    ]);
    const imageMiB = sizeMb + 1;
    const viaDirect = (dir: "src" | "dest") => [`--${dir}-tls-verify=false`];
    const viaEdge = (dir: "src" | "dest") => [`--${dir}-cert-dir`, certDir, `--${dir}-creds`, creds];

    // Push and pull, interleaved, two rounds each.
    const rates: Record<string, number[]> = { "push direct": [], "push edge": [], "pull direct": [], "pull edge": [] };
    for (let round = 0; round < 2; round++) {
      for (const [label, host, flags] of [
        ["direct", direct, viaDirect],
        ["edge", edge, viaEdge],
      ] as const) {
        const pushed = await skopeo(["copy", "--quiet", ...flags("dest"), `oci:${image.dir}:${image.tag}`, `docker://${host}/bench/${label}${round}:v1`], authFile);
        if (pushed.status !== 0) throw new Error(`push ${label}: ${pushed.stderr}`);
        rates[`push ${label}`].push(imageMiB / pushed.seconds);
        const dest = path.join(work, `pull-${label}-${round}`);
        const pulled = await skopeo(["copy", "--quiet", ...flags("src"), `docker://${host}/bench/${label}${round}:v1`, `oci:${dest}:v1`], authFile);
        if (pulled.status !== 0) throw new Error(`pull ${label}: ${pulled.stderr}`);
        rates[`pull ${label}`].push(imageMiB / pulled.seconds);
        runTool("rm", ["-rf", dest]);
      }
    }

    // Manifest HEAD latency with auth through the edge, and direct.
    const accept = { Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" };
    const ca = readFileSync(path.join(certDir, "ca.crt"), "utf8");
    const targets = [target("direct", `http://${direct}`), target("edge with auth", `https://${edge}`, { ca, auth: creds })];
    for (const t of targets) for (let i = 0; i < 20; i++) await request(t, "HEAD", "/v2/bench/edge0/manifests/v1", accept);
    const ms = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let i = 0; i < requests; i++) {
      for (const t of targets) {
        const r = await request(t, "HEAD", "/v2/bench/edge0/manifests/v1", accept);
        if (r.status !== 200) throw new Error(`HEAD ${t.name}: ${r.status}`);
        ms.get(t.name)!.push(r.ms);
      }
    }

    // A cache pull, cold then warm.
    const seed = await skopeo(["copy", "--quiet", "--dest-tls-verify=false", `oci:${image.dir}:${image.tag}`, `docker://127.0.0.1:${upstream.port}/library/big:1`], authFile);
    if (seed.status !== 0) throw new Error(`seeding the upstream: ${seed.stderr}`);
    const cache: { run: string; seconds: number; MiBps: number; upstreamBlobDownloads: number }[] = [];
    for (const run of ["cold", "warm"]) {
      const before = upstream.blobDownloads();
      const dest = path.join(work, `cache-${run}`);
      const r = await skopeo(["copy", "--quiet", "--src-cert-dir", certDir, `docker://${mirror}/library/big:1`, `oci:${dest}:v1`], authFile);
      if (r.status !== 0) throw new Error(`cache pull ${run}: ${r.stderr}`);
      cache.push({ run, seconds: round(r.seconds), MiBps: round(imageMiB / r.seconds), upstreamBlobDownloads: upstream.blobDownloads() - before });
      runTool("rm", ["-rf", dest]);
    }

    // Four clients at once (two pushes, two pulls) through the edge; memory sampled every 500 ms, per
    // container and summed over the platform's containers at each sample.
    const peak = new Map<string, number>();
    let peakTotal = 0;
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        const sample = memory(session);
        for (const [name, value] of sample) peak.set(name, Math.max(peak.get(name) ?? 0, value));
        peakTotal = Math.max(peakTotal, [...sample].filter(([name]) => name.startsWith("regstack-nas-") && !name.endsWith("-upstream")).reduce((sum, [, v]) => sum + v, 0));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const load = await Promise.all([
      skopeo(["copy", "--quiet", ...viaEdge("dest"), `oci:${image.dir}:${image.tag}`, `docker://${edge}/load/a:v1`], authFile),
      skopeo(["copy", "--quiet", ...viaEdge("dest"), `oci:${image.dir}:${image.tag}`, `docker://${edge}/load/b:v1`], authFile),
      skopeo(["copy", "--quiet", ...viaEdge("src"), `docker://${edge}/bench/edge0:v1`, `oci:${path.join(work, "load-c")}:v1`], authFile),
      skopeo(["copy", "--quiet", ...viaEdge("src"), `docker://${edge}/bench/edge1:v1`, `oci:${path.join(work, "load-d")}:v1`], authFile),
    ]);
    loading = false;
    await sampler;
    for (const r of load) if (r.status !== 0) throw new Error(`load client failed: ${r.stderr}`);

    const transfer = Object.entries(rates).map(([what, values]) => ({ what, imageMiB, medianMiBps: round(median(values)) }));
    const head = targets.map((t) => ({ target: t.name, requests, p50Ms: round(median(ms.get(t.name)!)), p95Ms: round(percentile(ms.get(t.name)!, 95)) }));
    const rss = [...peak.entries()].sort().map(([container, MiB]) => ({ container, peakMiB: round(MiB) }));
    // The whole platform at its busiest sample (the stand-in upstream is not part of it).
    rss.push({ container: "platform total (sum at the busiest sample)", peakMiB: round(peakTotal) });
    console.log("\nin the private Docker engine (nas stack, TLS on, stand-in images)");
    console.table(transfer);
    console.table(head);
    console.table(cache);
    console.log("peak memory per container under 4 clients (2 pushes, 2 pulls) through the edge");
    console.table(rss);
    return { stack: "nas (TLS on, private engine)", transfer, manifestHead: head, cache, memoryUnderLoad: rss, skipped: report.skipped };
  } finally {
    forget();
    await session.engine.stop();
    runTool("rm", ["-rf", work]);
  }
}
