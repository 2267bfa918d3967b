/**
 * Per host, Prometheus reads another host's services through that host's edge. With the dev stack's
 * rendered files: Debian's caddy runs the FX-8350's edge (its metrics site), Debian's registry stands in
 * for both caches' debug listeners, Debian's node-exporter for that host's node-exporter, and Debian's
 * Prometheus runs the rendered `via-fx8350` scrape config with its rendered CA file and password file.
 * Every target is up with the job and service labels the rules read; the site refuses anyone but the
 * scrape login, writes, and paths it has no route for.
 */
import { readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { monitoringPaths } from "../../components/render/paths";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { freePort, requireTool, runTool, startProcess, waitForHttp } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-scrape-");
const procs: { stop: () => Promise<void> }[] = [];
let rendered: RenderedStack;
let registry: RunningRegistry;
let edge: RunningEdge;
let prometheus = "";
let site = "";

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  basic_auth?: { username: string; password_file: string };
  tls_config?: { ca_file?: string; server_name?: string };
  static_configs: { targets: string[]; labels: Record<string, string> }[];
}

beforeAll(async () => {
  for (const tool of ["docker-registry", "caddy", "curl", "prometheus", "prometheus-node-exporter"]) requireTool(tool);
  rendered = await renderConfig(variant("dev", { registry: { version: "2.8" } }), path.join(work, "rendered"));
  registry = await startRegistry(rendered, work);
  procs.push(registry);
  const nodePort = await freePort();
  procs.push(startProcess("prometheus-node-exporter", [`--web.listen-address=127.0.0.1:${nodePort}`, "--collector.disable-defaults", "--collector.filesystem"]));
  await waitForHttp(`http://127.0.0.1:${nodePort}/metrics`);
  edge = await startEdge(rendered, work, registry.port, {
    service: "edge-fx8350",
    upstreams: new Map([
      ["scrape-mirror-dockerhub:5001", `127.0.0.1:${registry.debugPort}`],
      ["scrape-mirror-ghcr:5001", `127.0.0.1:${registry.debugPort}`],
      ["node-exporter-fx8350:9100", `127.0.0.1:${nodePort}`],
    ]),
  });
  procs.push(edge);
  site = `127.0.0.1:${edge.ports.get(5090)}`;

  // The rendered Prometheus config, its other-host job only, pointed at this edge by its name.
  const config = parse(readFileSync(rendered.file("prometheus", monitoringPaths.prometheus.configFile), "utf8")) as { global: Record<string, string>; scrape_configs: ScrapeConfig[] };
  const via = config.scrape_configs.find((c) => c.job_name === "via-fx8350")!;
  expect(via.basic_auth!.password_file).toBe(monitoringPaths.prometheus.scrapePasswordFile);
  expect(via.tls_config!.ca_file).toBe(monitoringPaths.prometheus.caFile);
  via.basic_auth!.password_file = rendered.file("prometheus", monitoringPaths.prometheus.scrapePasswordFile);
  via.tls_config!.ca_file = rendered.file("prometheus", monitoringPaths.prometheus.caFile);
  for (const s of via.static_configs) {
    expect(s.targets).toEqual(["fx8350.lan:5090"]);
    s.targets = [`fx8350.lan:${edge.ports.get(5090)}`];
  }
  const promPort = await freePort();
  const promConfig = path.join(work, "prometheus.yml");
  writeFileSync(promConfig, stringify({ global: { ...config.global, scrape_interval: "1s", scrape_timeout: "1s" }, scrape_configs: [via] }));
  // Prometheus reaches the edge by the host's name, as on the LAN: in a mount namespace of its own,
  // its /etc/hosts says fx8350.lan is this machine (the machine's own file is not touched).
  const hosts = path.join(work, "hosts");
  writeFileSync(hosts, "127.0.0.1 localhost fx8350.lan\n");
  const promArgs = [`--config.file=${promConfig}`, `--storage.tsdb.path=${path.join(work, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`];
  procs.push(startProcess("unshare", ["--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec prometheus "$@"', hosts, ...promArgs]));
  prometheus = `http://127.0.0.1:${promPort}`;
  await waitForHttp(`${prometheus}/-/ready`, 200, 30000);
}, 120000);

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  rmSync(work, { recursive: true, force: true });
});

/** curl to the metrics site by its name, with the rendered CA: the status code. */
function status(urlPath: string, extra: string[] = []): string {
  const out = runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", edge.caFile!, "--resolve", `fx8350.lan:${site.split(":")[1]}:127.0.0.1`, ...extra, `https://fx8350.lan:${site.split(":")[1]}${urlPath}`]);
  return out.stdout;
}

describe("Prometheus reads another host's services through that host's edge", () => {
  it("has the edge, both caches and node-exporter of that host up, labelled as the rules read them", async () => {
    const deadline = Date.now() + 40000;
    let health: Record<string, string> = {};
    while (Date.now() < deadline) {
      const body = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] } };
      health = Object.fromEntries(body.data.activeTargets.map((t) => [`${t.labels.job} ${t.labels.service}`, t.health === "up" ? "up" : `${t.health}: ${t.lastError}`]));
      if (Object.keys(health).length === 4 && Object.values(health).every((h) => h === "up")) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(health).toEqual({ "edge edge-fx8350": "up", "cache mirror-dockerhub": "up", "cache mirror-ghcr": "up", "node node-exporter-fx8350": "up" });
    // The series carry the job label the rules select on, and the cache's upstream.
    const query = async (q: string) => ((await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string> }[] } }).data.result;
    expect((await query('up{job="cache"} == 1')).map((r) => r.metric.upstream).sort()).toEqual(["https://ghcr.io", "https://registry-1.docker.io"]);
    // Each route leads to its own program's metrics: the registry's, Caddy's (counted from its second
    // request on), node-exporter's.
    const services = async (q: string, want: string[]) => {
      let got: string[] = [];
      for (const until = Date.now() + 10000; Date.now() < until; await new Promise((r) => setTimeout(r, 1000))) {
        got = (await query(`count by (service) (${q})`)).map((r) => r.metric.service).sort();
        if (got.length >= want.length) break;
      }
      expect({ [q]: got }).toEqual({ [q]: want });
    };
    await services('{job="cache", __name__=~"registry_.+"}', ["mirror-dockerhub", "mirror-ghcr"]);
    await services('{job="edge", __name__=~"caddy_http_.+"}', ["edge-fx8350"]);
    await services('node_filesystem_avail_bytes{job="node"}', ["node-exporter-fx8350"]);
  }, 60000);

  it("refuses everyone but the scrape login: no login, a registry user, a wrong password", () => {
    expect(status("/metrics/mirror-ghcr")).toBe("401");
    expect(status("/metrics/mirror-ghcr", ["-u", `ci:${rendered.users.ci}`])).toBe("401");
    expect(status("/metrics/mirror-ghcr", ["-u", "prometheus:wrong"])).toBe("401");
    const password = readFileSync(rendered.file("prometheus", monitoringPaths.prometheus.scrapePasswordFile), "utf8");
    expect(status("/metrics/mirror-ghcr", ["-u", `prometheus:${password}`])).toBe("200");
  });

  it("serves only its routes, and only reads", () => {
    const password = readFileSync(rendered.file("prometheus", monitoringPaths.prometheus.scrapePasswordFile), "utf8");
    const login = ["-u", `prometheus:${password}`];
    expect(status("/metrics/registry", login)).toBe("404");
    expect(status("/v2/", login)).toBe("404");
    expect(status("/metrics/mirror-ghcr", [...login, "-X", "POST"])).toBe("405");
  });
});
