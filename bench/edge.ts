/**
 * The edge part of `npm run bench`. Side by side in one run, on loopback, with Debian's registry and caddy running the rendered files:
 * - manifest HEAD latency: direct, through the edge without auth (anonymous pull), through the edge with
 *   auth at bcrypt cost 10 (requests interleaved so drift hits every target alike);
 * - pull throughput, direct versus through the edge: a whole-image pull by skopeo (what a client does:
 *   digest checks, writing to disk) and the raw stream of the large blob (the edge's TLS cost alone).
 */
import { mkdirSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { RunningEdge, startEdge } from "../rig/edgeProcess";
import { median, percentile, request, Target, target } from "../rig/httpClient";
import { buildOciImage } from "../rig/ociImage";
import { requireTool, runTool } from "../rig/process";
import { RunningRegistry, startRegistry } from "../rig/registryProcess";
import { renderConfig, variant } from "../rig/rendered";
import { Skopeo } from "../rig/skopeo";

import { round } from "./table";
import { onInterrupt } from "../rig/interrupt";

const bcryptCost = 10;

const settings = (anonymousPull: boolean) => ({
  registry: { version: "2.8" },
  tls: { mode: "internal" },
  users: [{ name: "bench", role: "push" }],
  access: { bcryptCost, anonymousPull },
  mirrors: [],
  ui: { enabled: false },
});

/** Runs the edge benchmark; prints its tables and returns its results. */
export async function benchEdge(requests: number, sizeMb: number): Promise<Record<string, unknown>> {
  for (const tool of ["docker-registry", "caddy", "skopeo", "sha256sum"]) requireTool(tool);
  const work = mkdtempSync(path.join(tmpdir(), "regstack-bench-"));
  const stops: (() => Promise<void>)[] = [];
  // Interrupted, its processes are stopped by rig/process.ts; its files go here.
  const forget = onInterrupt(() => {
    runTool("rm", ["-rf", work]);
  });
  try {
    const authed = await renderConfig(variant("local", settings(false)), path.join(work, "authed"));
    const open = await renderConfig(variant("local", settings(true)), path.join(work, "open"));
    const registry: RunningRegistry = await startRegistry(authed, path.join(work, "registry"));
    stops.push(registry.stop);
    mkdirSync(path.join(work, "edge-auth"), { recursive: true });
    mkdirSync(path.join(work, "edge-open"), { recursive: true });
    const edgeAuth: RunningEdge = await startEdge(authed, path.join(work, "edge-auth"), registry.port);
    stops.push(edgeAuth.stop);
    const edgeOpen: RunningEdge = await startEdge(open, path.join(work, "edge-open"), registry.port);
    stops.push(edgeOpen.stop);

    const password = authed.users.bench;
    const image = buildOciImage(path.join(work, "image"), [
      { size: sizeMb << 20, gzip: false },
      { size: 1 << 20, gzip: true },
    ]);
    const skopeo = new Skopeo(work, edgeAuth.caFile!);
    const push = skopeo.push(image.dir, image.tag, `docker://localhost:${edgeAuth.ports.get(5000)}/bench/app:v1`, `bench:${password}`);
    if (push.status !== 0) throw new Error(`push failed: ${push.stderr}`);
    const stored = JSON.parse(skopeo.inspect(`docker://localhost:${edgeAuth.ports.get(5000)}/bench/app:v1`, `bench:${password}`).stdout);
    const bigLayer = stored.Layers[0] as string;

    const ca = readFileSync(edgeAuth.caFile!, "utf8");
    const targets: Target[] = [
      target("direct (no TLS, no auth)", `http://127.0.0.1:${registry.port}`),
      target("edge, TLS, no auth", `https://localhost:${edgeOpen.ports.get(5000)}`, { ca: readFileSync(edgeOpen.caFile!, "utf8") }),
      target(`edge, TLS, auth (bcrypt cost ${bcryptCost})`, `https://localhost:${edgeAuth.ports.get(5000)}`, { ca, auth: `bench:${password}` }),
    ];

    const accept = { Accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" };
    const manifestPath = "/v2/bench/app/manifests/v1";
    for (const t of targets) for (let i = 0; i < 20; i++) await request(t, "HEAD", manifestPath, accept); // warm connections and caches
    const latencies = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let i = 0; i < requests; i++) {
      for (const t of targets) {
        const r = await request(t, "HEAD", manifestPath, accept);
        if (r.status !== 200) throw new Error(`${t.name}: HEAD answered ${r.status}`);
        latencies.get(t.name)!.push(r.ms);
      }
    }

    const pullTargets = [targets[0], targets[2]];
    const throughput = new Map<string, number[]>(pullTargets.map((t) => [t.name, []]));
    let blobBytes = 0;
    for (let round = 0; round < 3; round++) {
      for (const t of pullTargets) {
        const r = await request(t, "GET", `/v2/bench/app/blobs/${bigLayer}`);
        if (r.status !== 200) throw new Error(`${t.name}: GET blob answered ${r.status}`);
        blobBytes = r.bytes;
        throughput.get(t.name)!.push(r.bytes / (1 << 20) / (r.ms / 1000));
      }
    }

    // Whole-image pulls with skopeo, interleaved: direct over plain HTTP versus HTTPS through the edge.
    const imagePull = new Map<string, number[]>(pullTargets.map((t) => [t.name, []]));
    const imageBytes = (stored.Layers as string[]).length > 0 ? sizeMb + 1 : 0;
    for (let round = 0; round < 3; round++) {
      for (const t of pullTargets) {
        const dest = path.join(work, `pull-${round}-${t === targets[0] ? "direct" : "edge"}`);
        const started = process.hrtime.bigint();
        const r =
          t === targets[0]
            ? runTool("skopeo", ["copy", "--quiet", "--src-tls-verify=false", `docker://127.0.0.1:${registry.port}/bench/app:v1`, `oci:${dest}:v1`])
            : skopeo.pull(`docker://localhost:${edgeAuth.ports.get(5000)}/bench/app:v1`, dest, `bench:${password}`);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (r.status !== 0) throw new Error(`${t.name}: skopeo pull failed: ${r.stderr}`);
        imagePull.get(t.name)!.push(imageBytes / seconds);
        runTool("rm", ["-rf", dest]);
      }
    }

    const head = targets.map((t) => {
      const ms = latencies.get(t.name)!;
      return { target: t.name, requests: ms.length, p50Ms: round(median(ms)), p95Ms: round(percentile(ms, 95)), p99Ms: round(percentile(ms, 99)) };
    });
    const pull = pullTargets.map((t) => ({
      target: t.name,
      imageMiB: imageBytes,
      skopeoPullMiBps: round(median(imagePull.get(t.name)!)),
      blobMiB: round(blobBytes / (1 << 20)),
      rawBlobMiBps: round(median(throughput.get(t.name)!)),
    }));
    const authAddsP95 = round(head[2].p95Ms - head[1].p95Ms);
    const edgeShareOfDirect = round(pull[1].skopeoPullMiBps / pull[0].skopeoPullMiBps);
    const rawShareOfDirect = round(pull[1].rawBlobMiBps / pull[0].rawBlobMiBps);
    const result = {
      when: new Date().toISOString(),
      machine: `${require("os").cpus().length} cores, loopback`,
      versions: { registry: firstLine(runTool("docker-registry", ["--version"]).stdout), caddy: firstLine(runTool("caddy", ["version"]).stdout) },
      manifestHead: head,
      pull,
      goals: {
        authAddsAtMostMsP95: { goal: 2, measured: authAddsP95, met: authAddsP95 <= 2 },
        edgePullShareOfDirect: { goal: 0.9, measured: edgeShareOfDirect, met: edgeShareOfDirect >= 0.9 },
      },
      rawBlobShareOfDirect: rawShareOfDirect,
    };

    console.log(`\nmanifest HEAD, ${requests} requests per target, interleaved`);
    console.table(head);
    console.log(`pulls, median of 3, interleaved: skopeo pull of the whole image, and the raw stream of its ${pull[0].blobMiB} MiB blob`);
    console.table(pull);
    console.log(`auth adds ${authAddsP95} ms at p95 (goal <= 2 ms): ${result.goals.authAddsAtMostMsP95.met ? "met" : "NOT met"}`);
    console.log(`edge pull (skopeo) is ${Math.round(edgeShareOfDirect * 100)} % of direct (goal >= 90 %): ${result.goals.edgePullShareOfDirect.met ? "met" : "NOT met"}`);
    console.log(`raw blob stream through the edge is ${Math.round(rawShareOfDirect * 100)} % of direct plain HTTP (TLS encryption on both ends of loopback)`);
    return result;
  } finally {
    forget();
    for (const stop of stops.reverse()) await stop();
    runTool("rm", ["-rf", work]);
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

