/**
 * Real-tool checks of monitoring, from the files each stack renders:
 * - promtool checks every stack's prometheus.yml and rules, runs the rule tests rendered from the same
 *   thresholds (each alert fires on its synthetic series and not on the series beside them), and a test
 *   built for other thresholds fails against them; amtool checks alertmanager.yml; every dashboard
 *   query parses as PromQL;
 * - a real run on loopback: Debian's registry 2.8 (rendered config, with Redis), the rendered edge,
 *   redis_exporter, node-exporter with the storage-usage job's textfile, Alertmanager and Prometheus
 *   from the rendered configs: every target is up, and every metric name the rules and the dashboard
 *   read for registry 2.8 exists in what those programs really export.
 */
import { execFileSync } from "child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { registryLineMetrics } from "../../components/render/monitoring/metricNames";
import { dashboardPanels, DATASOURCE_UID } from "../../components/render/monitoring/grafana";
import { alertRules, RulesInput } from "../../components/render/monitoring/rules";
import { renderRuleTests } from "../../components/render/monitoring/ruleTests";
import { monitoringPaths } from "../../components/render/paths";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { buildOciImage } from "../../rig/ociImage";
import { MEMORY_FLOORS_MB } from "../../components/config/memoryFloors";
import { ResourceRole } from "../../components/config/types";
import { freePort, requireTool, rssMibOf, runTool, startProcess, waitForHttp } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { skopeoAsync } from "../../rig/skopeo";
import { StackConfig } from "../../offline/stackConfig";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-monitoring-");
afterAll(() => rmSync(work, { recursive: true, force: true }));

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

const withSecretMonitoring = (config: StackConfig): StackConfig => ({ ...config, secretKeys: [...config.secretKeys, "regstack:monitoring"] });

/** Every shipped stack with monitoring, and variants for receivers, a cluster, a Swarm and other thresholds. */
const CASES: readonly [string, () => StackConfig][] = [
  ["nas", () => variant("nas", {})],
  ["dev", () => variant("dev", {})],
  ["dev as a Swarm", () => variant("dev", { docker: { mode: "swarm", hosts: [{ name: "fx9590", url: "ssh://ops@fx9590.lan" }, { name: "fx8350", url: "ssh://ops@fx8350.lan" }] } })],
  [
    "k8s with receivers",
    () =>
      withSecretMonitoring(
        variant("k8s", {
          monitoring: {
            enabled: true,
            receivers: [
              { name: "ops", kind: "webhook", url: "https://hooks.lan/alerts", token: "s3cret-token" },
              { name: "phone", kind: "ntfy", url: "https://ntfy.sh/regstack-alerts", token: "tk_abcdef" },
              { name: "mail", kind: "email", to: "ops@team.lan", from: "regstack@team.lan", smarthost: "mail.lan:587", username: "regstack", password: "mail-password" },
            ],
          },
        }),
      ),
  ],
  [
    "local with its own thresholds, TLS provided by a generated CA",
    () =>
      variant("local", {
        bindAddress: "0.0.0.0",
        domain: "registry.team.lan",
        tls: { mode: "provided" },
        monitoring: { enabled: true, grafana: false, thresholds: { downMinutes: 1, errorPercent: 1, manifestP95Ms: 250, storageWarningPercent: 60, storageCriticalPercent: 61, certificateDays: 30, backupAgeHours: 2 } },
      }),
  ],
];

const stacks = new Map<string, { rendered: RenderedStack; rules: RulesInput }>();

beforeAll(async () => {
  for (const tool of ["promtool", "amtool"]) requireTool(tool);
  for (const [name, config] of CASES) {
    const rendered = await renderConfig(config(), path.join(work, name.replace(/\W+/g, "-")));
    stacks.set(name, { rendered, rules: await resolved(rendered.evaluation.platform!.alertRules!) });
  }
}, 120000);

const promFile = (r: RenderedStack, p: string) => r.file("prometheus", p);

describe.each(CASES.map(([name]) => name))("monitoring files of %s", (name) => {
  it("pass promtool check config and check rules", () => {
    const { rendered } = stacks.get(name)!;
    const config = runTool("promtool", ["check", "config", promFile(rendered, monitoringPaths.prometheus.configFile)]);
    expect({ status: config.status, out: config.stdout + config.stderr }).toEqual({ status: 0, out: expect.stringContaining("SUCCESS") });
    const rules = runTool("promtool", ["check", "rules", promFile(rendered, monitoringPaths.prometheus.rulesFile)]);
    expect({ status: rules.status, out: rules.stdout + rules.stderr }).toEqual({ status: 0, out: expect.stringMatching(/SUCCESS: \d+ rules found/) });
  });

  it("pass their rule tests: every alert fires on its series, and not beside them or before its time", () => {
    const { rendered, rules } = stacks.get(name)!;
    const dir = path.join(work, `tests-${name.replace(/\W+/g, "-")}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(promFile(rendered, monitoringPaths.prometheus.rulesFile), path.join(dir, "regstack.yml"));
    const tests = renderRuleTests(rules, "regstack.yml");
    for (const [file, text] of Object.entries(tests)) writeFileSync(path.join(dir, file), text);
    const testFiles = Object.keys(tests).filter((f) => f !== "certificate-rules.yml");
    const run = execFileSync("promtool", ["test", "rules", ...testFiles], { cwd: dir, encoding: "utf8" });
    expect(run).not.toContain("FAILED");
    // Every alert of the rules file is tested.
    const tested = new Set(Object.values(tests).flatMap((t) => [...t.matchAll(/alertname: (\w+)/g)].map((m) => m[1])));
    expect(alertRules(rules).map((r) => r.alert).filter((a) => !tested.has(a))).toEqual([]);
  });

  it("fail the rule tests of other thresholds (the tests can fail)", () => {
    const { rendered, rules } = stacks.get(name)!;
    const dir = path.join(work, `shifted-${name.replace(/\W+/g, "-")}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(promFile(rendered, monitoringPaths.prometheus.rulesFile), path.join(dir, "regstack.yml"));
    const t = rules.thresholds;
    const shifted: RulesInput = { ...rules, thresholds: { ...t, errorPercent: t.errorPercent + 3, downMinutes: t.downMinutes + 3, storageWarningPercent: t.storageWarningPercent - 3 } };
    writeFileSync(path.join(dir, "minutes.yml"), renderRuleTests(shifted, "regstack.yml")["minutes.yml"]);
    const run = runTool("sh", ["-c", `cd "${dir}" && promtool test rules minutes.yml`]);
    expect(run.status).not.toBe(0);
    for (const alert of ["RegstackEdgeDown", "RegstackHighErrorRatio", "RegstackStorageFilling"]) expect(run.stdout + run.stderr).toContain(`alertname: ${alert}`);
  });

  it("pass amtool check-config, with every credential in a file of its own", () => {
    const { rendered } = stacks.get(name)!;
    const file = rendered.file("alertmanager", monitoringPaths.alertmanager.configFile);
    const check = runTool("amtool", ["check-config", file]);
    expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: expect.stringContaining("SUCCESS") });
    const text = readFileSync(file, "utf8");
    for (const secret of ["s3cret-token", "tk_abcdef", "mail-password"]) expect(text).not.toContain(secret);
  });

  it("have a dashboard whose JSON parses and whose every panel query parses as PromQL", () => {
    const { rendered } = stacks.get(name)!;
    if (!rendered.evaluation.platform!.spec.monitoring!.grafana) return;
    const dashboard = JSON.parse(readFileSync(rendered.file("grafana", monitoringPaths.grafana.dashboard), "utf8")) as { panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[] };
    expect(dashboard.panels.map((p) => p.title)).toEqual(dashboardPanels().map((p) => p.title));
    const datasource = parse(readFileSync(rendered.file("grafana", monitoringPaths.grafana.datasource), "utf8")) as { datasources: { uid: string; url: string }[] };
    expect(datasource.datasources[0].uid).toBe(DATASOURCE_UID);
    // Each query as a recording rule: promtool parses it (Grafana's $__rate_interval becomes 5m).
    const records = dashboard.panels.flatMap((p, i) => {
      expect(p.datasource.uid).toBe(DATASOURCE_UID);
      return p.targets.map((t, j) => ({ record: `regstack:panel_${i}_${j}`, expr: t.expr.split("$__rate_interval").join("5m") }));
    });
    const file = path.join(work, `panels-${name.replace(/\W+/g, "-")}.yml`);
    writeFileSync(file, stringify({ groups: [{ name: "panels", rules: records }] }));
    const check = runTool("promtool", ["check", "rules", file]);
    expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: expect.stringContaining(`SUCCESS: ${records.length} rules found`) });
  });
});

describe("a real run on loopback from the rendered files", () => {
  const procs: { stop: () => Promise<void> }[] = [];
  let rendered: RenderedStack;
  let registry: RunningRegistry;
  let edge: RunningEdge;
  let prometheus = "";
  /** Each role's processes here, for their resident memory. */
  const pids: Partial<Record<ResourceRole, number[]>> = {};
  const watch = (role: ResourceRole, pid: number | undefined) => (pids[role] = [...(pids[role] ?? []), pid!]);

  beforeAll(async () => {
    for (const tool of ["docker-registry", "caddy", "skopeo", "redis-server", "prometheus", "prometheus-alertmanager", "prometheus-node-exporter", "prometheus-redis-exporter"]) requireTool(tool);
    const dir = path.join(work, "run");
    rendered = await renderConfig(variant("local", { registry: { version: "2.8" }, redis: { enabled: true }, mirrors: [], monitoring: { enabled: true, grafana: false } }), path.join(dir, "rendered"));
    const rules = await resolved(rendered.evaluation.platform!.alertRules!);
    expect(rules.thresholds.downMinutes).toBe(2);

    const redisPort = await freePort();
    const redisPassword = "rig-redis-password";
    const redis = startProcess("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--requirepass", redisPassword, "--save", "", "--appendonly", "no"]);
    procs.push(redis);
    watch("redis", redis.child.pid);
    registry = await startRegistry(rendered, dir, undefined, { address: `127.0.0.1:${redisPort}`, password: redisPassword });
    procs.push(registry);
    edge = await startEdge(rendered, dir, registry.port);
    procs.push(edge);

    const redisExporterPort = await freePort();
    const redisExporter = startProcess("prometheus-redis-exporter", [`--web.listen-address=127.0.0.1:${redisExporterPort}`, `--redis.addr=redis://127.0.0.1:${redisPort}`], { REDIS_PASSWORD: redisPassword });
    procs.push(redisExporter);
    watch("exporter", redisExporter.child.pid);

    // node-exporter with the rendered arguments, its listener and textfile directory mapped here.
    const textfiles = path.join(dir, "textfiles");
    mkdirSync(textfiles, { recursive: true });
    const nodeExporter = rendered.evaluation.platform!.services.find((d) => d.id === "node-exporter")!;
    const nodePort = await freePort();
    const nodeArgs = nodeExporter.command!.map((a) =>
      a.startsWith("--web.listen-address=") ? `--web.listen-address=127.0.0.1:${nodePort}` : a.startsWith("--collector.textfile.directory=") ? `--collector.textfile.directory=${textfiles}` : a,
    );
    const nodeExporterProc = startProcess("prometheus-node-exporter", nodeArgs);
    procs.push(nodeExporterProc);
    watch("exporter", nodeExporterProc.child.pid);

    const alertmanagerPort = await freePort();
    const amData = path.join(dir, "alertmanager");
    mkdirSync(amData, { recursive: true });
    const alertmanager = startProcess("prometheus-alertmanager", [
      `--config.file=${rendered.file("alertmanager", monitoringPaths.alertmanager.configFile)}`,
      `--storage.path=${amData}`,
      `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
      "--cluster.listen-address=",
    ]);
    procs.push(alertmanager);
    watch("alertmanager", alertmanager.child.pid);

    // Traffic the registry's metrics count: a push and a pull through the edge, a manifest HEAD.
    const base = `127.0.0.1:${edge.ports.get(5000)}`;
    const creds = `admin:${rendered.users.admin}`;
    const image = buildOciImage(path.join(dir, "image"), [{ size: 256 << 10, gzip: true }]);
    expect((await skopeoAsync(["copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", creds, `oci:${image.dir}:${image.tag}`, `docker://${base}/team/app:1`])).status).toBe(0);
    expect((await skopeoAsync(["copy", "--quiet", "--src-tls-verify=false", "--src-creds", creds, `docker://${base}/team/app:1`, `oci:${path.join(dir, "pulled")}:x`])).status).toBe(0);
    // The storage-usage job's textfile, as the scheduler runs it.
    execFileSync("node", [path.join(__dirname, "../../runtime/usage.js"), path.join(textfiles, "regstack_storage.prom")], { env: { ...process.env, REGSTACK_REGISTRY_DATA: registry.dataDir, REGSTACK_STACK: "local" } });

    // Prometheus from the rendered config: the same jobs and labels, each target mapped to its loopback port.
    const promPort = await freePort();
    const config = parse(readFileSync(promFile(rendered, monitoringPaths.prometheus.configFile), "utf8")) as {
      global: Record<string, string>;
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const mapped: Record<string, string> = {
      "scrape-registry:5001": `127.0.0.1:${registry.debugPort}`,
      "edge:9180": `127.0.0.1:${edge.metricsPort}`,
      "redis-exporter:9121": `127.0.0.1:${redisExporterPort}`,
      "node-exporter:9100": `127.0.0.1:${nodePort}`,
      "alertmanager:9093": `127.0.0.1:${alertmanagerPort}`,
      "localhost:9090": `127.0.0.1:${promPort}`,
    };
    const unmapped = config.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets)).filter((t) => !(t in mapped));
    expect(unmapped).toEqual([]);
    for (const job of config.scrape_configs) for (const s of job.static_configs) s.targets = s.targets.map((t) => mapped[t]);
    config.alerting.alertmanagers[0].static_configs[0].targets = [mapped["alertmanager:9093"]];
    config.global.scrape_interval = "1s";
    config.global.evaluation_interval = "1s";
    config.global.scrape_timeout = "1s";
    config.rule_files = [promFile(rendered, monitoringPaths.prometheus.rulesFile)];
    const promConfig = path.join(dir, "prometheus.yml");
    writeFileSync(promConfig, stringify(config));
    const tsdb = path.join(dir, "tsdb");
    const prometheusProc = startProcess("prometheus", [`--config.file=${promConfig}`, `--storage.tsdb.path=${tsdb}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    procs.push(prometheusProc);
    watch("prometheus", prometheusProc.child.pid);
    prometheus = `http://127.0.0.1:${promPort}`;
    await waitForHttp(`${prometheus}/-/ready`, 200, 30000);
  }, 180000);

  afterAll(async () => {
    for (const p of procs.reverse()) await p.stop();
  });

  const api = async <T>(query: string): Promise<T> => ((await (await fetch(`${prometheus}/api/v1/${query}`)).json()) as { data: T }).data;

  it("has every target up", async () => {
    const deadline = Date.now() + 60000;
    let health: Record<string, string> = {};
    while (Date.now() < deadline) {
      const targets = await api<{ activeTargets: { labels: { job: string }; health: string }[] }>("targets");
      health = Object.fromEntries(targets.activeTargets.map((t) => [t.labels.job, t.health]));
      if (Object.values(health).length > 0 && Object.values(health).every((h) => h === "up")) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(health).toEqual({ registry: "up", edge: "up", redis: "up", node: "up", alertmanager: "up", prometheus: "up" });
    const groups = await api<{ groups: { rules: unknown[] }[] }>("rules");
    expect(groups.groups[0].rules.length).toBe(alertRules(await resolved(rendered.evaluation.platform!.alertRules!)).length);
  }, 90000);

  it("finds every metric name the rules and the dashboard read for registry 2.8 in what the programs export", async () => {
    const rules = await resolved(rendered.evaluation.platform!.alertRules!);
    const exprs = [...alertRules(rules).map((r) => r.expr), ...dashboardPanels().flatMap((p) => p.queries.map((q) => q.expr))];
    const threeOnly = new Set<string>(Object.entries(registryLineMetrics).filter(([k]) => k.endsWith("3")).map(([, v]) => v));
    // The jobs' own names come from runtime/scheduler.js (test/runtime/scheduler.test.ts reads them).
    const used = [...new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:registry|redis|node|caddy|regstack)_[a-z0-9_]+)/g)].map((m) => m[1])))].filter(
      (n) => !threeOnly.has(n) && !n.startsWith("regstack_job_"),
    );
    expect(used.length).toBeGreaterThan(10);
    let names: string[] = [];
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      names = await api<string[]>("label/__name__/values");
      if (used.every((n) => names.includes(n))) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(used.filter((n) => !names.includes(n))).toEqual([]);

    // The registry's own /metrics: the names both lines share and 2.8's cache counter are there; 3.x's are not.
    const own = await (await fetch(`http://127.0.0.1:${registry.debugPort}/metrics`)).text();
    for (const n of used.filter((x) => x.startsWith("registry_"))) expect({ [n]: own.includes(`${n}`) }).toEqual({ [n]: true });
    expect(own).toContain(`${registryLineMetrics.cache28}{`);
    for (const n of threeOnly) expect({ [n]: own.includes(n) }).toEqual({ [n]: false });
  }, 60000);

  it("keeps every service's anonymous memory, once scraped and after traffic, under the floor its limit may not go below", () => {
    watch("registry", registry.pid);
    watch("edge", edge.pid);
    const measured = Object.fromEntries(Object.entries(pids).map(([role, list]) => [role, Math.max(...list!.map((p) => rssMibOf(p, "anonymous")))]));
    const resident = Object.fromEntries(Object.entries(pids).map(([role, list]) => [role, Math.round(Math.max(...list!.map((p) => rssMibOf(p))))]));
    // For the field notes: what each program holds, anonymous (what a limit must fit) and all resident.
    console.log(`anonymous MiB ${JSON.stringify(Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v)])))}; resident MiB ${JSON.stringify(resident)}`);
    for (const [role, mib] of Object.entries(measured)) {
      expect({ role, underFloor: mib < MEMORY_FLOORS_MB[role as ResourceRole] }).toEqual({ role, underFloor: true });
    }
    expect(Object.keys(measured).sort()).toEqual(["alertmanager", "edge", "exporter", "prometheus", "redis", "registry"]);
  });
});
