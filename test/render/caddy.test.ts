import { CaddyfileInput, EdgeSite, renderCaddyfile } from "../../components/render/caddy";

const users = [
  { name: "ci", hash: "$2y$10$cihash", role: "push" as const },
  { name: "k3s", hash: "$2y$10$k3shash", role: "pull" as const },
];
const registry: EdgeSite = { service: "registry", names: ["nas.lan", "10.0.0.5"], port: 5000, upstream: "registry:5000", access: "registry" };
const input = (over: Partial<CaddyfileInput> = {}): CaddyfileInput => ({
  tls: { mode: "internal", caName: "regstack", leafLifetimeHours: 72 },
  users,
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
    expect(text).not.toMatch(/request_body|max_size|timeout 30s/);
  });

  it("requires any user to read and a push user to write", () => {
    const lines = site(renderCaddyfile(input()), "https://nas.lan:5000");
    const everyone = lines.indexOf("basicauth {");
    const writers = lines.indexOf("basicauth @write {");
    expect(lines.slice(everyone + 1, everyone + 3)).toEqual(["ci $2y$10$cihash", "k3s $2y$10$k3shash"]);
    expect(lines.slice(writers + 1, writers + 3)).toEqual(["ci $2y$10$cihash", "}"]);
    expect(lines).toContain("@write not method GET HEAD OPTIONS");
  });

  it("with anonymous pull, opens reads but still challenges the /v2/ ping and every write", () => {
    const lines = site(renderCaddyfile(input({ anonymousPull: true })), "https://nas.lan:5000");
    expect(lines).not.toContain("basicauth {");
    expect(lines).toEqual(expect.arrayContaining(["@ping path /v2/", "basicauth @ping {", "basicauth @write {"]));
  });

  it("keeps caches read-only, open unless they hold upstream credentials", () => {
    const open: EdgeSite = { service: "mirror hub", names: ["nas.lan"], port: 5001, upstream: "mirror-hub:5000", access: "mirror-open" };
    const priv: EdgeSite = { ...open, port: 5002, upstream: "mirror-ghcr:5000", access: "mirror-private" };
    const text = renderCaddyfile(input({ sites: [open, priv] }));
    const a = site(text, "https://nas.lan:5001");
    const b = site(text, "https://nas.lan:5002");
    expect(a.find((l) => l.startsWith("respond @write"))).toMatch(/405$/);
    expect(a.some((l) => l.startsWith("basicauth"))).toBe(false);
    expect(b).toContain("basicauth {");
  });

  it("configures TLS per mode: internal CA with its root, provided files, or ACME with redirects", () => {
    const internal = renderCaddyfile(input());
    expect(internal).toMatch(/pki \{\n\t\tca regstack \{[\s\S]*root \{\n\t\t\t\tcert \/etc\/caddy\/live\/root.crt\n\t\t\t\tkey \/etc\/caddy\/live\/root.key/);
    expect(internal).toContain("lifetime 72h");
    expect(internal).toContain("skip_install_trust");
    expect(internal).toContain("auto_https disable_redirects");
    const provided = renderCaddyfile(input({ tls: { mode: "provided" } }));
    expect(provided).toContain("tls /etc/caddy/live/server.crt /etc/caddy/live/server.key");
    expect(provided).not.toContain("pki {");
    const acme = renderCaddyfile(input({ tls: { mode: "acme", email: "ops@example.org" } }));
    expect(acme).toContain("email ops@example.org");
    expect(acme).not.toContain("disable_redirects");
  });

  it("exposes metrics on an internal port for monitoring and the healthcheck", () => {
    expect(renderCaddyfile(input())).toMatch(/http:\/\/:9180 \{\n\tmetrics \/metrics\n\}/);
  });

  it("omits the port for 443 (host routing)", () => {
    const text = renderCaddyfile(input({ sites: [{ ...registry, names: ["registry.home.lan"], port: 443 }] }));
    expect(text).toContain("https://registry.home.lan {");
  });
});
