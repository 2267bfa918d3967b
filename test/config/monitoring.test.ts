/** regstack:monitoring: defaults, receivers, thresholds and the ports Grafana takes, each refused by its key. */
import { parseSpec } from "../../components/config/parse";
import { minimal, problemsOf, rawConfig } from "../support/config";

const on = (monitoring: Record<string, unknown>, more: Record<string, unknown> = {}) => ({ ...minimal, monitoring: { enabled: true, ...monitoring }, ...more });
const paths = (values: Record<string, unknown>, secret: string[] = []) => problemsOf(values, secret).map((p) => p.path);

describe("regstack:monitoring", () => {
  it("is off unless enabled; on, it keeps 15 days, scrapes every 30 s, runs Grafana and the documented thresholds", () => {
    expect(parseSpec(rawConfig(minimal)).monitoring).toBeUndefined();
    const spec = parseSpec(rawConfig(on({})));
    expect(spec.monitoring).toEqual({
      retention: "15d",
      scrapeInterval: "30s",
      usageSchedule: "*/30 * * * *",
      grafana: true,
      receivers: [],
      thresholds: {
        downMinutes: 2,
        errorPercent: 5,
        errorMinutes: 10,
        manifestP95Ms: 100,
        latencyMinutes: 15,
        storageWarningPercent: 75,
        storageCriticalPercent: 80,
        fullWithinDays: 4,
        backupAgeHours: 26,
        drillAgeDays: 8,
        certificateDays: 14,
        redisMemoryPercent: 90,
        pendingEvents: 100,
      },
    });
  });

  it("reports every receiver problem at once, each at its full key", () => {
    const problems = problemsOf(
      on({
        receivers: [
          { name: "mail", kind: "email", to: "ops@team.lan", url: "https://x.lan/" },
          { name: "hook", kind: "webhook", to: "ops@team.lan" },
          { name: "hook", kind: "ntfy", url: "https://ntfy.sh/topic" },
          { name: "smtp", kind: "email", to: "a@b.lan", from: "c@d.lan", smarthost: "mail.lan:99999", username: "u" },
          { name: "bad name", kind: "pager", url: "ftp://x" },
        ],
      }),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        "regstack:monitoring.receivers[0].from",
        "regstack:monitoring.receivers[0].smarthost",
        "regstack:monitoring.receivers[0].url",
        "regstack:monitoring.receivers[1].to",
        "regstack:monitoring.receivers[1].url",
        "regstack:monitoring.receivers[2].name",
        "regstack:monitoring.receivers[3].smarthost",
        "regstack:monitoring.receivers[3].password",
        "regstack:monitoring.receivers[4].name",
        "regstack:monitoring.receivers[4].kind",
        "regstack:monitoring.receivers[4].url",
      ].sort(),
    );
    expect(problems.find((p) => p.path === "regstack:monitoring.receivers[2].name")!.message).toContain('"hook" is already used by entry [1]');
  });

  it("refuses a token or password in plaintext, without repeating it, and takes it as a secret", () => {
    const receivers = [
      { name: "ops", kind: "webhook", url: "https://hooks.lan/a", token: "tok-123456" },
      { name: "mail", kind: "email", to: "a@b.lan", from: "c@d.lan", smarthost: "mail.lan:587", username: "u", password: "pw-abcdef" },
    ];
    const problems = problemsOf(on({ receivers }));
    expect(problems.map((p) => p.path)).toEqual(["regstack:monitoring.receivers[0].token", "regstack:monitoring.receivers[1].password"]);
    for (const p of problems) {
      expect(p.message).toContain("pulumi config set --secret --path");
      expect(p.message).not.toMatch(/tok-123456|pw-abcdef/);
    }
    expect(paths(on({ receivers }), ["monitoring"])).toEqual([]);
    // A token that is no token is refused without being shown either.
    const bad = problemsOf(on({ receivers: [{ name: "ops", kind: "ntfy", url: "https://ntfy.sh/t", token: "has space" }] }), ["monitoring"]);
    expect(bad.map((p) => p.path)).toEqual(["regstack:monitoring.receivers[0].token"]);
    expect(bad[0].message).not.toContain("has space");
  });

  it("refuses thresholds out of range and a warning share at or above the critical one", () => {
    expect(paths(on({ thresholds: { storageWarningPercent: 80, storageCriticalPercent: 80 } }))).toEqual(["regstack:monitoring.thresholds.storageWarningPercent"]);
    expect(paths(on({ thresholds: { errorPercent: 100, downMinutes: 0, certificateDays: ".inf" } })).sort()).toEqual(
      ["regstack:monitoring.thresholds.certificateDays", "regstack:monitoring.thresholds.downMinutes", "regstack:monitoring.thresholds.errorPercent"].sort(),
    );
    expect(paths(on({ retention: "15 days", scrapeInterval: "0s", usageSchedule: "every hour" })).sort()).toEqual(
      ["regstack:monitoring.retention", "regstack:monitoring.scrapeInterval", "regstack:monitoring.usageSchedule"].sort(),
    );
  });

  it("gives Grafana a port of its own at the edge, and a name of its own with host routing", () => {
    expect(paths(on({}, { ports: { registry: 5000, ui: 5080, grafana: 5080 } }))).toEqual(["regstack:ports.grafana"]);
    expect(paths(on({}, { ports: { grafana: 9180 } }))).toEqual(["regstack:ports.grafana"]);
    // Without Grafana its port is free for others.
    expect(paths(on({ grafana: false }, { ports: { registry: 5000, ui: 5080, grafana: 5080 } }))).toEqual([]);
    const host = { domain: "registry.team.lan", bindAddress: "0.0.0.0", edge: { routing: "host" }, mirrors: [{ name: "grafana", upstream: "https://ghcr.io", port: 5002 }] };
    expect(paths(on({}, host))).toEqual(["regstack:mirrors[0].name"]);
    expect(paths(on({}, { target: "kubernetes", mirrors: [], kubernetes: { nodePorts: { grafana: 3000 } } }))).toEqual(["regstack:kubernetes.nodePorts.grafana"]);
  });

  it("refuses a receiver whose event endpoint takes a regstack:notifications name", () => {
    const values = on({ receivers: [{ name: "ops", kind: "webhook", url: "https://hooks.lan/a", events: true }] }, { notifications: [{ name: "receiver-ops", url: "https://x.lan/" }] });
    expect(paths(values)).toEqual(["regstack:monitoring.receivers[0].name"]);
  });
});

describe("regstack:ports.metrics: another host's edge serves Prometheus that host's metrics (per host)", () => {
  const twoHosts = (more: Record<string, unknown> = {}) =>
    on(
      {},
      {
        domain: "fx9590.lan",
        bindAddress: "0.0.0.0",
        docker: { hosts: [{ name: "fx9590", url: "ssh://ops@fx9590.lan" }, { name: "fx8350", url: "ssh://ops@fx8350.lan" }] },
        mirrors: [{ name: "ghcr", upstream: "https://ghcr.io", port: 5002, host: "fx8350" }],
        ...more,
      },
    );

  it("takes 5090 by default, and is free of checks where no host is scraped through its edge", () => {
    expect(problemsOf(twoHosts())).toEqual([]);
    const spec = parseSpec(rawConfig(twoHosts()));
    expect(spec.target.kind === "docker" && spec.target.metricsPort).toBe(5090);
    // One host, or the cache on the first host: the port is never listened on, so it may be anything.
    expect(problemsOf(on({}, { ports: { metrics: 5000 } }))).toEqual([]);
  });

  it("refuses a port another service of that host's edge already takes, and the edge's internal metrics listener", () => {
    expect(problemsOf(twoHosts({ ports: { metrics: 5002 } }))).toEqual([{ path: "regstack:ports.metrics", message: expect.stringContaining('port 5002 on host "fx8350" is already used by regstack:mirrors[0].port') }]);
    expect(paths(twoHosts({ ports: { metrics: 9180 } }))).toEqual(["regstack:ports.metrics"]);
  });

  it("refuses a loopback bind, which hides the other host's edge from Prometheus", () => {
    const problems = problemsOf(twoHosts({ bindAddress: "127.0.0.1" }));
    expect(problems.map((p) => p.path)).toContain("regstack:bindAddress");
    expect(problems.find((p) => p.path === "regstack:bindAddress")!.message).toContain('scrapes the services of "fx8350" through that host\'s edge');
  });
});
