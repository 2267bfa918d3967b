import { CaddyfileInput, EdgeSite, renderCaddyfile, renderEdgeUsers, renderLoginErrors } from "../../components/render/caddy";

const registry: EdgeSite = { service: "registry", names: ["nas.lan", "10.0.0.5"], port: 5000, upstream: "registry:5000", access: "registry" };
const input = (over: Partial<CaddyfileInput> = {}): CaddyfileInput => ({
  tls: { mode: "internal", caName: "regstack nas CA", leafLifetimeHours: 72 },
  pullUsers: ["k3s"],
  anonymousPull: false,
  sites: [registry],
  ...over,
});

/** The lines of one site block, by its first address. */
function site(text: string, address: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(address));
  const end = lines.findIndex((l, i) => i > start && l === "}");
  return lines.slice(start, end + 1).map((l) => l.trim());
}

describe("Caddyfile", () => {
  it("serves every name and IP of a site, streaming to its upstream without buffering", () => {
    const text = renderCaddyfile(input());
    const lines = site(text, "https://nas.lan:5000");
    expect(lines[0]).toBe("https://nas.lan:5000, https://10.0.0.5:5000 {");
    expect(lines).toEqual(expect.arrayContaining(["reverse_proxy registry:5000 {", "flush_interval -1"]));
    // Passwords stop at the edge.
    expect(lines).toContain("header_up -Authorization");
    expect(text).not.toMatch(/request_body|max_size|timeout 30s/);
  });

  it("holds no user or hash: it imports the users file", () => {
    const text = renderCaddyfile(input());
    expect(text).not.toMatch(/\$2[aby]\$/);
    expect(site(text, "https://nas.lan:5000")).toEqual(expect.arrayContaining(["basicauth bcrypt regstack {", "import /etc/caddy/live/users"]));
  });

  it("authenticates every request, then refuses a pull user's write with the registry's 403 DENIED", () => {
    const lines = site(renderCaddyfile(input()), "https://nas.lan:5000");
    expect(lines).toEqual(expect.arrayContaining(["@write not method GET HEAD OPTIONS", "@denied {", "vars {http.auth.user.id} k3s"]));
    const auth = lines.indexOf("basicauth bcrypt regstack {");
    const deny = lines.findIndex((l) => l.startsWith("respond @denied"));
    const proxy = lines.indexOf("reverse_proxy registry:5000 {");
    expect(auth).toBeGreaterThan(lines.indexOf("route {"));
    expect(auth).toBeLessThan(deny);
    expect(deny).toBeLessThan(proxy);
    const body = /respond @denied `(.*)` 403$/.exec(lines[deny])![1];
    expect(JSON.parse(body).errors[0].code).toBe("DENIED");
    expect(lines).toContain('header @denied Content-Type "application/json; charset=utf-8"');
    expect(lines).toContain("header @denied Docker-Distribution-Api-Version registry/2.0");
  });

  it("has no deny rule when every user may push", () => {
    expect(renderCaddyfile(input({ pullUsers: [] }))).not.toContain("@denied");
  });

  it("answers its own 401 in the registry's JSON format with the API version header", () => {
    const lines = site(renderCaddyfile(input()), "https://nas.lan:5000");
    const handler = lines.indexOf("handle_errors {");
    expect(handler).toBeGreaterThan(0);
    const rest = lines.slice(handler);
    expect(rest).toContain("@unauthorized expression {err.status_code} == 401");
    expect(rest).toContain("header @unauthorized Docker-Distribution-Api-Version registry/2.0");
    expect(JSON.parse(/`(.*)`/.exec(rest.find((l) => l.startsWith("respond @unauthorized"))!)![1]).errors[0].code).toBe("UNAUTHORIZED");
  });

  it("logs a failed login with the user name it tried: the logins file, imported into a login site's error handling, raises one error per user and one for unknown names", () => {
    const lines = site(renderCaddyfile(input()), "https://nas.lan:5000");
    const rest = lines.slice(lines.indexOf("handle_errors {"));
    // The API version header first, then the login errors (an error raised here ends the handling), then the JSON 401.
    const order = ["header @unauthorized Docker-Distribution-Api-Version registry/2.0", "import /etc/caddy/live/logins", 'header @unauthorized Content-Type "application/json; charset=utf-8"'].map((l) => rest.indexOf(l));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    const logins = renderLoginErrors(["reader", "ci", "ci"]);
    expect(logins.split("\n").filter((l) => l.startsWith("error "))).toEqual([
      'error @login-0 "failed login as ci" 401',
      'error @login-1 "failed login as reader" 401',
      'error @login-unknown "failed login as an unknown user" 401',
    ]);
    expect(logins).toContain("header_regexp Authorization `^(?i:basic) Y2k6`");
    // A cache open to everyone checks no login, and imports none.
    const open = renderCaddyfile(input({ sites: [{ service: "mirror-dockerhub", names: ["nas.lan"], port: 5001, upstream: "mirror-dockerhub:5000", access: "mirror-open" }] }));
    expect(open).not.toContain("import /etc/caddy/live/logins");
  });

  it("with anonymous pull, opens reads but still challenges the /v2/ ping and every write", () => {
    const lines = site(renderCaddyfile(input({ anonymousPull: true })), "https://nas.lan:5000");
    expect(lines).not.toContain("basicauth bcrypt regstack {");
    expect(lines).toEqual(expect.arrayContaining(["@ping path /v2/", "basicauth @ping bcrypt regstack {", "basicauth @write bcrypt regstack {"]));
  });

  it("keeps caches read-only with a JSON UNSUPPORTED, open unless they hold upstream credentials", () => {
    const open: EdgeSite = { service: "mirror hub", names: ["nas.lan"], port: 5001, upstream: "mirror-hub:5000", access: "mirror-open" };
    const priv: EdgeSite = { ...open, port: 5002, upstream: "mirror-ghcr:5000", access: "mirror-private" };
    const text = renderCaddyfile(input({ sites: [open, priv] }));
    const a = site(text, "https://nas.lan:5001");
    const b = site(text, "https://nas.lan:5002");
    const refusal = a.find((l) => l.startsWith("respond @write"))!;
    expect(refusal).toMatch(/ 405$/);
    expect(JSON.parse(/`(.*)`/.exec(refusal)![1]).errors[0].code).toBe("UNSUPPORTED");
    expect(a.some((l) => l.startsWith("basicauth"))).toBe(false);
    expect(b).toContain("basicauth bcrypt regstack {");
  });

  it("configures TLS per mode: an intermediate for internal, provided files, ACME, or plain HTTP on loopback", () => {
    const internal = renderCaddyfile(input());
    expect(internal).toContain('name "regstack nas CA"');
    expect(internal).toMatch(/intermediate \{\n\t+cert \/etc\/caddy\/live\/intermediate.crt\n\t+key \/etc\/caddy\/live\/intermediate.key/);
    expect(internal).toContain("cert /etc/caddy/live/root.crt");
    expect(internal).not.toContain("root.key");
    expect(internal).toContain("lifetime 72h");
    expect(internal).toContain("skip_install_trust");
    expect(internal).toContain("auto_https disable_redirects");
    const provided = renderCaddyfile(input({ tls: { mode: "provided" } }));
    expect(provided).toContain("tls /etc/caddy/live/server.crt /etc/caddy/live/server.key");
    expect(provided).not.toContain("pki {");
    const acme = renderCaddyfile(input({ tls: { mode: "acme", email: "ops@example.org" } }));
    expect(acme).toContain("email ops@example.org");
    expect(acme).not.toContain("disable_redirects");
    expect(site(internal, "https://nas.lan:5000")).toContain('header Strict-Transport-Security "max-age=31536000"');
    const off = renderCaddyfile(input({ tls: { mode: "off" } }));
    expect(off).not.toContain("Strict-Transport-Security");
    expect(off).toContain("auto_https off");
    expect(off).toContain("http://:5000 {");
    expect(off).not.toContain("https://");
  });

  it("exposes metrics on an internal port for monitoring and the healthcheck", () => {
    expect(renderCaddyfile(input())).toMatch(/http:\/\/:9180 \{\n\tmetrics \/metrics\n\}/);
  });

  it("omits the port for 443 (host routing)", () => {
    const text = renderCaddyfile(input({ sites: [{ ...registry, names: ["registry.home.lan"], port: 443 }] }));
    expect(text).toContain("https://registry.home.lan {");
  });

  it("answers any other host name on a TLS port with 421 in the registry's format, with no TLS options of its own", () => {
    const ui: EdgeSite = { service: "ui", names: ["nas.lan"], port: 5080, upstream: "ui:80", access: "ui" };
    const text = renderCaddyfile(input({ sites: [registry, ui] }));
    for (const port of [5000, 5080]) {
      const block = site(text, `https://:${port} {`);
      expect(block).toContain("respond `{\"errors\":[{\"code\":\"UNSUPPORTED\",\"message\":\"this edge serves no site of that host name\",\"detail\":null}]}` 421");
      expect(block.some((l) => l.startsWith("tls"))).toBe(false);
    }
    // Host routing shares 443: one catch-all; a plain-HTTP edge answers any name and has none.
    const hosts = renderCaddyfile(input({ sites: [{ ...registry, names: ["registry.home.lan"], port: 443 }, { ...ui, names: ["ui.registry.home.lan"], port: 443 }] }));
    expect(hosts.match(/^https:\/\/ \{$/gm)).toHaveLength(1);
    expect(renderCaddyfile(input({ tls: { mode: "off" } }))).not.toContain("421");
  });
});

describe("edge users file", () => {
  it("holds one `name hash` line per user, sorted by name", () => {
    expect(renderEdgeUsers([{ name: "zed", hash: "$2y$10$z" }, { name: "ann", hash: "$2y$10$a" }])).toBe("ann $2y$10$a\nzed $2y$10$z\n");
  });
});
