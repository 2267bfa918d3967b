/**
 * The stacks' containers, exactly as declared, in a private Docker engine with stand-in images:
 * the local stack (no edge) and a TLS-on variant of the nas stack (Caddy in front, Redis).
 */
import { readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { Applier, ApplyReport } from "../../e2e/applier";
import { E2eSession, openSession } from "../../e2e/session";
import { cacheNetworks, startUpstream, Upstream } from "../../e2e/upstream";
import { images } from "../../components/images";
import { Evaluation } from "../../offline/engine";
import { testCredentials } from "../../offline/files";
import { evaluateConfig } from "../../offline/run";
import { StackConfig } from "../../offline/stackConfig";
import { blobDigest, buildMultiArchImage, buildOciImage, MultiArchImage, OciImage } from "../../rig/ociImage";
import { freePort, runTool } from "../../rig/process";
import { standInTag } from "../../e2e/standins";
import { localVariant, nasTlsVariant, upstreamAliases } from "../../e2e/variants";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-e2e-");
let session: E2eSession;
let image: OciImage;
let multi: MultiArchImage;

beforeAll(async () => {
  session = await openSession();
  image = buildOciImage(path.join(work, "image"), [
    { size: 2 << 20, gzip: true },
    { size: 1 << 20, gzip: true },
    { size: 512 << 10, gzip: true },
  ]);
  multi = buildMultiArchImage(path.join(work, "multi"), ["linux/amd64", "linux/arm64"]);
});

afterAll(async () => {
  await session?.engine.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Scenario {
  readonly stack: string;
  readonly variant: (engineRoot: string) => StackConfig;
  readonly tls: boolean;
}

const scenarios: Scenario[] = [
  { stack: "local", tls: false, variant: localVariant },
  { stack: "nas", tls: true, variant: nasTlsVariant },
];

describe.each(scenarios)("the $stack stack in a real Docker engine", ({ stack, variant, tls }) => {
  let config: StackConfig;
  let evaluation: Evaluation;
  let applier: Applier;
  let report: ApplyReport;
  let upstream: Upstream;
  let users: Record<string, string>;
  let certDir: string;
  const registry = () => `localhost:${report.ports.get(tls ? 5000 : 5000)}`;
  const mirror = () => `localhost:${report.ports.get(5001)}`;
  const tlsArgs = (dir: "src" | "dest" | "") => {
    const flag = dir ? `--${dir}-` : "--";
    return tls ? [`${flag}cert-dir`, certDir] : [`${flag}tls-verify=false`];
  };
  // An empty auth file of its own: a login must not leak into the anonymous checks.
  const authFile = path.join(work, `${stack}-auth.json`);
  const skopeo = (...args: string[]) => runTool("env", [`REGISTRY_AUTH_FILE=${authFile}`, "skopeo", "--insecure-policy", ...args]);
  const push = (layout: string, tag: string, ref: string, creds?: string, all = false) =>
    skopeo("copy", "--quiet", ...(all ? ["--all"] : []), ...tlsArgs("dest"), ...(creds ? ["--dest-creds", creds] : []), `oci:${layout}:${tag}`, `docker://${ref}`);
  const pull = (ref: string, dest: string, creds?: string, all = false) =>
    skopeo("copy", "--quiet", ...(all ? ["--all"] : []), ...tlsArgs("src"), ...(creds ? ["--src-creds", creds] : []), `docker://${ref}`, `oci:${dest}:v1`);
  const pushRaw = (ref: string, creds: string) => push(image.dir, image.tag, ref, creds);
  const inspect = (ref: string, creds?: string, raw = false) => skopeo("inspect", ...(raw ? ["--raw"] : []), ...tlsArgs(""), ...(creds ? ["--creds", creds] : []), `docker://${ref}`);

  beforeAll(async () => {
    writeFileSync(authFile, "{}");
    config = variant(session.engine.root);
    evaluation = await evaluateConfig(config);
    users = testCredentials(evaluation);
    applier = new Applier(session.engine, session.images);
    upstream = startUpstream(session.engine, `regstack-${stack}-upstream`, cacheNetworks(evaluation), session.images.get(images.registry28)!, await freePort(), upstreamAliases(config));
    report = await applier.apply(evaluation);
    if (tls) {
      certDir = path.join(work, `${stack}-certs`);
      runTool("mkdir", ["-p", certDir]);
      writeFileSync(path.join(certDir, "ca.crt"), evaluation.outputs.caCertPem as string);
    }
  });

  const guarded = () => evaluation.platform!.spec.access.failedLogins !== undefined;
  it("runs every container it can stand in, healthy, and lists the rest with a reason", () => {
    for (const c of report.containers.filter((x) => x.action !== "ran")) {
      const status = session.engine.must(["inspect", "--format", "{{.State.Health.Status}}", c.name]);
      expect({ [c.name]: status }).toEqual({ [c.name]: "healthy" });
    }
    const monitoring = config.values["regstack:monitoring"] !== undefined;
    expect([...report.skipped].sort((a, b) => a.resource.localeCompare(b.resource))).toEqual([
      ...(monitoring ? [{ resource: "regstack-grafana-container", image: images.grafana, reason: expect.stringContaining("not packaged by Debian") }] : []),
      { resource: "regstack-ui-container", image: images.ui, reason: expect.stringContaining("not packaged by Debian") },
    ]);
    expect(report.containers.filter((c) => c.action === "ran").map((c) => c.resource).sort()).toEqual(
      [
        // The edge's state handed to its unprivileged user; its files installed as its own.
        "regstack-edge-prepare",
        "regstack-edge-secret-writer",
        "regstack-edge-writer",
        // The access log the edge writes and the blocked addresses its failed-login guard writes, each handed to its writer.
        ...(guarded() ? ["regstack-edge-prepare-edge-log", "regstack-guard-prepare-guard"] : []),
        "regstack-registry-prepare",
        ...Object.keys(evaluation.outputs.mirrors as object).map((m) => `regstack-mirror-${m}-prepare`),
        // The scheduler's working space, backup repository and maintenance flag handed to its user; restic and the registry copied in.
        "regstack-scheduler-prepare-jobs",
        "regstack-scheduler-prepare-backup",
        "regstack-scheduler-prepare-maintenance",
        "regstack-scheduler-program-registry",
        "regstack-scheduler-program-restic",
        // Monitoring's data handed to its users (Grafana's too, though it has no stand-in to run).
        ...(monitoring ? ["regstack-prometheus-prepare", "regstack-alertmanager-prepare", "regstack-grafana-prepare"] : []),
      ].sort(),
    );
    for (const c of report.containers) expect(session.engine.must(["inspect", "--format", "{{.Config.Image}}", c.name])).toMatch(/^regstack-standin\//);
    // The edge, healthy above, runs unprivileged with no capability.
    const edge = report.containers.find((c) => c.resource === "regstack-edge-container")!;
    expect(session.engine.must(["inspect", "--format", "{{.Config.User}} {{json .HostConfig.CapAdd}}", edge.name])).toMatch(/^10600:10600 (null|\[\])$/);
  });

  it("fences the platform network: the edge and the jobs reach the registry's API, only Prometheus its debug port; the UI and a cache reach neither, nor Redis", async () => {
    // (No `-T`: Debian's busybox-static 1.35 wget crashes with it.)
    // The UI's image has no stand-in: a busybox container joins exactly the networks declared for the
    // UI's container, with its aliases, and asks from there.
    const uiNetworks = (evaluation.resources.find((r) => r.name === "regstack-ui-container")!.inputs as { networksAdvanced: { name: string; aliases?: string[] }[] }).networksAdvanced;
    const asUi = `regstack-${stack}-ui-as-declared`;
    const [first, ...rest] = uiNetworks;
    session.engine.must(["run", "-d", "--name", asUi, "--network", first.name, ...(first.aliases ?? []).flatMap((a) => ["--network-alias", a]), standInTag(images.tools), "sleep", "600"]);
    try {
      for (const n of rest) session.engine.must(["network", "connect", ...(n.aliases ?? []).flatMap((a) => ["--alias", a]), n.name, asUi]);
      // All at once: a name the engine's DNS does not know waits for its upstream lookup to time out.
      const get = async (from: string, url: string) => {
        const container = from === "ui" ? asUi : `regstack-${stack}-${from}`;
        const r = await session.engine.dockerAsync(["exec", container, "wget", "-q", "-O", "/dev/null", url]);
        return { from, url, outcome: r.status === 0 ? "reached" : /bad address/.test(r.stderr) ? "no such name" : /refused/i.test(r.stderr) ? "refused" : r.stderr.trim() };
      };
      const api = "http://registry:5000/v2/";
      const debug = "http://registry:5001/debug/health";
      const scrape = "http://scrape-registry:5001/debug/health";
      const monitoring = config.values["regstack:monitoring"] !== undefined;
      const checks = await Promise.all([
        // The edge and the jobs reach the API, bound to the registry's address on its own network; its
        // debug listener is not on that address, and its scrape name is on a network they are not on.
        get("edge", api),
        get("edge", debug),
        get("scheduler", api),
        get("scheduler", debug),
        ...(monitoring ? [get("edge", scrape), get("prometheus", scrape), get("prometheus", api)] : []),
        ...["mirror-dockerhub", "ui"].flatMap((from) => [api, debug, scrape, "http://redis:6379/"].map((url) => get(from, url))),
      ]);
      expect(checks).toEqual([
        { from: "edge", url: api, outcome: "reached" },
        { from: "edge", url: debug, outcome: "refused" },
        { from: "scheduler", url: api, outcome: "reached" },
        { from: "scheduler", url: debug, outcome: "refused" },
        ...(monitoring
          ? [
              { from: "edge", url: scrape, outcome: "no such name" },
              { from: "prometheus", url: scrape, outcome: "reached" },
              { from: "prometheus", url: api, outcome: "no such name" },
            ]
          : []),
        ...["mirror-dockerhub", "ui"].flatMap((from) => [api, debug, scrape, "http://redis:6379/"].map((url) => ({ from, url, outcome: "no such name" }))),
      ]);
    } finally {
      session.engine.must(["rm", "-f", asUi]);
    }
  });

  it("publishes the edge alone, with or without TLS", () => {
    const published = report.containers.filter((c) => session.engine.must(["port", c.name]) !== "").map((c) => c.resource);
    expect(published).toEqual(["regstack-edge-container"]);
  });

  it("logs in with a generated user, pushes and pulls a multi-layer image, digests equal", () => {
    const [name] = Object.keys(users);
    const creds = `${name}:${users[name]}`;
    const loginFile = path.join(work, `${stack}-login.json`);
    const login = runTool("skopeo", ["login", "--authfile", loginFile, ...tlsArgs(""), "--username", name, "--password", users[name], registry()]);
    expect(login.stdout).toContain("Login Succeeded");
    const refused = runTool("skopeo", ["login", "--authfile", loginFile, ...tlsArgs(""), "--username", name, "--password", "wrong-password-1", registry()]);
    expect(refused.status).not.toBe(0);
    expect(push(image.dir, image.tag, `${registry()}/team/app:v1`, creds).stderr).toBe("");
    expect(JSON.parse(inspect(`${registry()}/team/app:v1`, creds).stdout).Digest).toBe(image.manifestDigest);
    const dest = path.join(work, `${stack}-pulled`);
    expect(pull(`${registry()}/team/app:v1`, dest, creds).status).toBe(0);
    for (const layer of image.layerDigests) expect(blobDigest(dest, layer)).toBe(layer);
  });

  it("pushes and pulls a multi-arch image, index and platform manifests intact", () => {
    const [name] = Object.keys(users);
    const creds = `${name}:${users[name]}`;
    expect(push(multi.dir, multi.tag, `${registry()}/team/multi:v1`, creds, true).stderr).toBe("");
    const raw = inspect(`${registry()}/team/multi:v1`, creds, true).stdout;
    const index = JSON.parse(raw);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual(multi.manifestDigests);
    const dest = path.join(work, `${stack}-multi`);
    expect(pull(`${registry()}/team/multi:v1`, dest, creds, true).status).toBe(0);
    const pulledIndex = JSON.parse(readFileSync(path.join(dest, "index.json"), "utf8"));
    expect(pulledIndex.manifests[0].digest).toBe(multi.indexDigest);
  });

  it("refuses an anonymous push and a wrong password", () => {
    const [name] = Object.keys(users);
    expect(push(image.dir, image.tag, `${registry()}/team/anon:v1`).stderr).toMatch(/unauthorized|401/i);
    expect(push(image.dir, image.tag, `${registry()}/team/wrong:v1`, `${name}:wrong-password-1`).stderr).toMatch(/unauthorized|401/i);
  });

  it("passes the edge's access log on through its failed-login guard, which runs as the edge's user", async () => {
    if (!guarded()) return;
    const guard = report.containers.find((c) => c.resource === "regstack-guard-container")!;
    expect(session.engine.must(["inspect", "--format", "{{.Config.User}} {{.State.Health.Status}}", guard.name])).toBe("10600:10600 healthy");
    // The wrong password above: a 401 to a request that carried a login, as the guard counts it.
    // busybox tail polls the log once a second, so the line may take a moment to come through.
    const failedLines = () =>
      session.engine.docker(["logs", guard.name]).stdout.split("\n").filter((l) => l.includes('"logger":"http.log.access') && l.includes('"status":401') && l.includes('"Authorization":['));
    for (const end = Date.now() + 5000; Date.now() < end && failedLines().length === 0; ) await new Promise((r) => setTimeout(r, 250));
    expect(failedLines().length).toBeGreaterThan(0);
  });

  it("lets a pull user pull and refuses its push with the registry's 403 DENIED", async () => {
    const roles = evaluation.outputs.users as Record<string, string>;
    const reader = Object.entries(users).find(([name]) => roles[name] === "pull")!;
    expect(JSON.parse(inspect(`${registry()}/team/app:v1`, `${reader[0]}:${reader[1]}`).stdout).Digest).toBe(image.manifestDigest);
    const push = pushRaw(`${registry()}/team/reader:v1`, `${reader[0]}:${reader[1]}`);
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/denied/i);
    const curl = runTool("curl", ["-s", ...(tls ? ["--cacert", path.join(certDir, "ca.crt")] : []), "-u", `${reader[0]}:${reader[1]}`, "-X", "POST", `${tls ? "https" : "http"}://${registry()}/v2/team/reader/blobs/uploads/`, "-w", "\n%{http_code}"]);
    const [body, code] = curl.stdout.trim().split("\n");
    expect(code).toBe("403");
    expect(JSON.parse(body).errors[0].code).toBe("DENIED");
  });

  it("pulls through the cache from the stand-in upstream: cold fetches every blob, warm fetches none", () => {
    const seeded = runTool("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", `oci:${image.dir}:${image.tag}`, `docker://127.0.0.1:${upstream.port}/library/tool:1`]);
    expect(seeded.stderr).toBe("");
    const before = upstream.blobDownloads();
    const cold = pull(`${mirror()}/library/tool:1`, path.join(work, `${stack}-cold`));
    expect(cold.stderr).toBe("");
    const coldFetches = upstream.blobDownloads() - before;
    expect(coldFetches).toBeGreaterThanOrEqual(image.layerDigests.length);
    const warm = pull(`${mirror()}/library/tool:1`, path.join(work, `${stack}-warm`));
    expect(warm.stderr).toBe("");
    expect(upstream.blobDownloads() - before - coldFetches).toBe(0);
    for (const layer of image.layerDigests) expect(blobDigest(path.join(work, `${stack}-warm`), layer)).toBe(layer);
    console.log(`${stack}: cache pull of ${image.layerDigests.length} layers: ${coldFetches} upstream blob downloads cold, 0 warm`);
  });

  it("adding a user lets the new user push, without recreating the registry container or losing data", async () => {
    const registryBefore = report.containers.find((c) => c.resource === "regstack-registry-container")!;
    const current = JSON.parse(config.values["regstack:users"]) as object[];
    const edited: StackConfig = { ...config, values: { ...config.values, "regstack:users": JSON.stringify([...current, { name: "newcomer", role: "push" }]) } };
    const next = await evaluateConfig(edited);
    const again = await applier.apply(next);
    const registryAfter = again.containers.find((c) => c.resource === "regstack-registry-container")!;
    expect(registryAfter.action).toBe("kept");
    expect(registryAfter.id).toBe(registryBefore.id);
    const rerun = again.containers.filter((c) => c.action !== "kept").map((c) => c.resource);
    expect(rerun).toEqual(["regstack-edge-secret-writer"]);
    expect(again.containers.find((c) => c.resource === "regstack-edge-container")!.action).toBe("kept");
    const password = testCredentials(next).newcomer;
    // Caddy (--watch, its Caddyfile touched by the installer) picks the users file up within moments.
    let status = -1;
    for (let i = 0; i < 20 && status !== 0; i++) {
      status = push(image.dir, image.tag, `${registry()}/newcomer/app:v1`, `newcomer:${password}`).status;
      if (status !== 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(0);
    const [name] = Object.keys(users);
    expect(JSON.parse(inspect(`${registry()}/team/app:v1`, `${name}:${users[name]}`).stdout).Digest).toBe(image.manifestDigest);
  });

  it("runs every scheduled job once in the scheduler container: backup, check, drill, gc, and a restore that keeps what it replaced", () => {
    const scheduler = `regstack-${config.stack}-scheduler`;
    const job = (...args: string[]) => session.engine.docker(["exec", scheduler, "/opt/regstack/jobs/job.sh", ...args]);
    const scheduled = job("list").stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]);
    const retention = config.values["regstack:retention"] !== undefined;
    const monitoring = config.values["regstack:monitoring"] !== undefined;
    expect(scheduled).toEqual(["backup", "backup-check", "drill", "restore", ...(retention ? ["retention"] : []), ...(monitoring ? ["usage"] : []), "gc"]);
    for (const name of ["backup", "backup-check", "drill", ...(retention ? ["retention"] : []), ...(monitoring ? ["usage"] : []), "gc"]) {
      const run = job("run", name);
      expect({ job: name, status: run.status, output: run.status === 0 ? "" : run.stdout + run.stderr }).toEqual({ job: name, status: 0, output: "" });
    }
    const metrics = session.engine.must(["exec", scheduler, "cat", "/var/lib/regstack-ops/metrics/regstack_job_drill.prom"]);
    expect(metrics).toMatch(/regstack_job_drill_last_success_timestamp_seconds\{operation="drill",stack="[a-z]+"\} \d+/);
    const refused = job("run", "restore", "latest");
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain("without --force");
    const restored = job("run", "restore", "latest", "--force");
    expect({ status: restored.status, output: restored.status === 0 ? "" : restored.stdout + restored.stderr }).toEqual({ status: 0, output: "" });
    expect(restored.stdout).toMatch(/verified \d+ tags/);
    const [name] = Object.keys(users);
    expect(JSON.parse(inspect(`${registry()}/team/app:v1`, `${name}:${users[name]}`).stdout).Digest).toBe(image.manifestDigest);
  });

  it("monitoring (where the stack runs it): Prometheus sees every target it has a stand-in for up, from inside the engine", async () => {
    if (config.values["regstack:monitoring"] === undefined) return;
    // The storage-usage job's textfile reaches Prometheus through node-exporter.
    const scheduler = `regstack-${config.stack}-scheduler`;
    expect(session.engine.docker(["exec", scheduler, "/opt/regstack/jobs/job.sh", "run", "usage"]).status).toBe(0);
    const query = (apiPath: string) => JSON.parse(session.engine.must(["exec", `regstack-${config.stack}-prometheus`, "wget", "-q", "-O", "-", `http://127.0.0.1:9090/api/v1/${apiPath}`])).data;
    type Target = { labels: { job: string; service: string }; health: string; lastError: string };
    let health: Record<string, string> = {};
    let storage: unknown[] = [];
    // Scrapes run every 30 s: wait for two rounds at most.
    const deadline = Date.now() + 100000;
    while (Date.now() < deadline) {
      const targets = query("targets").activeTargets as Target[];
      health = Object.fromEntries(targets.map((t) => [t.labels.service, t.health === "up" ? "up" : `${t.health}: ${t.lastError}`]));
      storage = query("query?query=regstack_storage_bytes").result as unknown[];
      if (targets.every((t) => t.health === "up" || t.labels.job === "grafana") && storage.length > 0) break;
      await new Promise((r) => setTimeout(r, 3000));
    }
    const expected = Object.fromEntries(Object.keys(health).map((service) => [service, service === "grafana" ? expect.stringContaining("down") : "up"]));
    expect(health).toEqual(expected);
    expect(Object.keys(health).sort()).toEqual(
      ["alertmanager", "edge", "grafana", "node-exporter", "prometheus", "redis-exporter", "registry", ...Object.keys(evaluation.outputs.mirrors as object).map((m) => `mirror-${m}`)].sort(),
    );
    expect(storage.length).toBe(1);
    // The rules are loaded, and Alertmanager answers Prometheus.
    expect((query("rules").groups as { rules: unknown[] }[])[0].rules.length).toBeGreaterThan(10);
    expect((query("alertmanagers").activeAlertmanagers as unknown[]).length).toBe(1);
  }, 150000);
});
