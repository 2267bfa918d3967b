import { evaluateConfig } from "../../offline/run";
import { readStackConfig } from "../../offline/stackConfig";
import { byName, diff, plainInputs } from "../support/resources";
import { keyValue, withKey } from "../support/config";

/** What rewrites the user list on every stack: the installer of the edge's secret files (its users and names files). */
const writer = "regstack-edge-secret-writer";

describe.each(["local", "nas"])("config edits on the %s stack", (stack) => {
  const base = readStackConfig(stack);

  it("adding a user changes only its password, its salt and the edge's users file: nothing restarts", async () => {
    const users = keyValue<object[]>(base, "users");
    const before = await evaluateConfig(base);
    const after = await evaluateConfig(withKey(base, "users", [...users, { name: "newbie", role: "push" }]));
    const d = diff(before, after);
    expect(d.added).toEqual(["regstack-users-newbie-password", "regstack-users-newbie-salt"]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([writer]);
    expect(plainInputs(byName(after, "regstack-registry-container"))).toEqual(plainInputs(byName(before, "regstack-registry-container")));
    expect(plainInputs(byName(after, "regstack-edge-container"))).toEqual(plainInputs(byName(before, "regstack-edge-container")));
    // The Caddyfile does not change for a push user: only the users file and the names file beside it do.
    const edgeFiles = (e: typeof before) => new Map(e.files.filter((f) => f.service === "edge").map((f) => [f.path, f.content]));
    const [was, is] = [edgeFiles(before), edgeFiles(after)];
    expect([...is.keys()].filter((p) => is.get(p) !== was.get(p)).sort()).toEqual(["/etc/caddy/live/logins", "/etc/caddy/live/names", "/etc/caddy/live/users"]);
    expect(is.get("/etc/caddy/live/names")).toContain(" newbie");
    expect(is.get("/etc/caddy/live/logins")).toContain('"failed login as newbie"');
    expect(after.outputs.loginCommands).toHaveProperty("newbie");
  });

  it("removing a user likewise touches only credentials", async () => {
    const users = keyValue<{ name: string }[]>(base, "users");
    const before = await evaluateConfig(withKey(base, "users", [...users, { name: "leaver", role: "push" }]));
    const after = await evaluateConfig(base);
    const d = diff(before, after);
    expect(d.removed).toEqual(["regstack-users-leaver-password", "regstack-users-leaver-salt"]);
    expect(d.added).toEqual([]);
    expect(d.changed).toEqual([writer]);
  });

  it("adding a mirror adds exactly that mirror's resources", async () => {
    const before = await evaluateConfig(base);
    const mirrors = (base.values["regstack:mirrors"] ? keyValue<object[]>(base, "mirrors") : [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001 }]);
    const after = await evaluateConfig(withKey(base, "mirrors", [...mirrors, { name: "gcr", upstream: "https://gcr.io", port: 5009 }]));
    const d = diff(before, after);
    const monitoring = base.values["regstack:monitoring"] !== undefined;
    const host = stack === "nas" ? "pr4100" : "local";
    expect(d.added).toEqual(
      [
        // The cache's own network, which only the edge joins besides it; with monitoring, the
        // network of its debug listener, which only Prometheus joins besides it.
        `regstack-${host}-network-mirror-gcr`,
        ...(monitoring ? [`regstack-${host}-network-scrape-mirror-gcr`] : []),
        "regstack-mirror-gcr",
        "regstack-mirror-gcr-container",
        ...(stack === "nas" ? [] : ["regstack-mirror-gcr-data"]),
        "regstack-mirror-gcr-http-secret",
        "regstack-mirror-gcr-prepare",
      ].sort(),
    );
    expect(d.removed).toEqual([]);
    // The new cache's site joins the Caddyfile and its port joins the edge's published ports; with
    // monitoring, Prometheus scrapes it and node-exporter reports its disk (both restart, data kept).
    expect(d.changed).toEqual(["regstack-edge-container", "regstack-edge-writer", ...(monitoring ? ["regstack-node-exporter-container", "regstack-prometheus-container"] : [])]);
    expect((after.outputs.mirrors as Record<string, { url: string }>).gcr.url).toMatch(/:5009$/);
  });
});

describe("a cache that cannot start", () => {
  it("holds up nothing else: the edge and the registry depend on no cache", async () => {
    const e = await evaluateConfig(readStackConfig("nas"));
    const caches = e.resources.filter((r) => /^regstack-mirror-.*-container$/.test(r.name)).map((r) => r.urn);
    expect(caches.length).toBe(3);
    for (const name of ["regstack-edge-container", "regstack-registry-container", "regstack-ui-container"]) {
      expect(byName(e, name).dependsOn.filter((d) => caches.includes(d))).toEqual([]);
    }
  });
});
