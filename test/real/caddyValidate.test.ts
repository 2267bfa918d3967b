/** Every stack's rendered Caddyfile passes `caddy validate`; generated chains pass `openssl verify`. */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { shippedStacks, readStackConfig, StackConfig } from "../../offline/stackConfig";
import { edgeLiveFiles, localCaddyfile } from "../../rig/edgeProcess";
import { requireTool, runTool } from "../../rig/process";
import { renderConfig, variant } from "../../rig/rendered";
import { rawConfig } from "../support/config";
import { hostileFreeText } from "../support/hostile";
import { selfSigned } from "../support/pem";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-caddy-");

/** Validates every edge Caddyfile of a rendered config, its live directory mapped to the rendered one. */
async function validateEdges(name: string, config: StackConfig): Promise<string[]> {
  const rendered = await renderConfig(config, path.join(work, name));
  const edges = readdirSync(rendered.dir).filter((d) => /^edge(-.+)?$/.test(d));
  return edges.map((edge) => {
    // The edge's live directory as the installers fill it: the plain files and the secret ones together.
    const live = path.join(work, `${name}-${edge}-live`);
    mkdirSync(live, { recursive: true });
    for (const [f, source] of edgeLiveFiles(rendered, edge)) copyFileSync(source, path.join(live, f));
    const file = path.join(work, `${name}-${edge}.Caddyfile`);
    writeFileSync(file, localCaddyfile(readFileSync(path.join(live, "Caddyfile"), "utf8"), live, new Map(), 9180, new Map()));
    const result = runTool("caddy", ["validate", "--config", file, "--adapter", "caddyfile"]);
    expect({ edge, stderr: result.status === 0 ? "" : result.stderr }).toEqual({ edge, stderr: "" });
    return edge;
  });
}

beforeAll(() => {
  for (const tool of ["caddy", "openssl"]) requireTool(tool);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("caddy validate", () => {
  it("covers every shipped stack, the plain-HTTP local edge included", () => {
    expect(shippedStacks()).toEqual(expect.arrayContaining(["dev", "local", "nas"]));
  });

  it.each(shippedStacks())("accepts every edge of the %s stack", async (stack) => {
    const edges = await validateEdges(stack, readStackConfig(stack));
    expect(edges.length).toBeGreaterThan(0);
    if (stack === "dev") expect(edges.sort()).toEqual(["edge", "edge-fx8350"]);
  });

  it("accepts internal (intermediate CA), provided (generated), provided (PEMs), acme and host routing", async () => {
    const pems = await selfSigned("pr4100.lan");
    const cases: Record<string, Record<string, unknown>> = {
      internal: { tls: { mode: "internal" }, users: [{ name: "ci" }, { name: "k3s", role: "pull" }] },
      provided: { tls: { mode: "provided", ips: ["192.168.10.20"] } },
      pems: { tls: { mode: "provided", certificate: pems } },
      acme: { domain: "registry.example.org", tls: { mode: "acme", email: "ops@example.org" } },
      hosts: { edge: { routing: "host" }, access: { anonymousPull: true } },
    };
    for (const [name, overrides] of Object.entries(cases)) {
      const config = variant("nas", overrides);
      if (name === "pems") config.secretKeys.push("regstack:tls");
      expect(await validateEdges(name, config)).toEqual(["edge"]);
    }
  });
});

describe("caddy validate, hostile free text", () => {
  it("accepts the edges of the full docker config with hostile text in every free-text value", async () => {
    const { config } = hostileFreeText();
    expect((await validateEdges("hostile", rawConfig(config, Object.keys(config)))).sort()).toEqual(["edge", "edge-fx"]);
  });
});

describe("openssl verify", () => {
  it("accepts the generated chain for every configured name and IP", async () => {
    const rendered = await renderConfig(variant("nas", { tls: { mode: "provided", names: ["registry.home.lan"], ips: ["192.168.10.20"] } }), path.join(work, "chain"));
    const chain = readFileSync(rendered.file("edge", "/etc/caddy/live/server.crt"), "utf8");
    const [leaf] = chain.split(/(?<=-----END CERTIFICATE-----\n)/);
    const leafFile = path.join(work, "leaf.pem");
    const caFile = path.join(work, "ca.pem");
    writeFileSync(leafFile, leaf);
    writeFileSync(caFile, rendered.evaluation.outputs.caCertPem as string);
    for (const name of ["pr4100.lan", "registry.home.lan"]) {
      const result = runTool("openssl", ["verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_hostname", name, leafFile]);
      expect(result.stdout.trim()).toBe(`${leafFile}: OK`);
    }
    expect(runTool("openssl", ["verify", "-CAfile", caFile, "-verify_ip", "192.168.10.20", leafFile]).stdout.trim()).toBe(`${leafFile}: OK`);
    const wrong = runTool("openssl", ["verify", "-CAfile", caFile, "-verify_hostname", "evil.example.org", leafFile]);
    expect(wrong.status).not.toBe(0);
  });

  it("accepts the internal mode's intermediate as a CA issued by the root", async () => {
    const rendered = await renderConfig(variant("nas", {}), path.join(work, "intermediate"));
    const caFile = path.join(work, "root.pem");
    writeFileSync(caFile, rendered.evaluation.outputs.caCertPem as string);
    const intermediate = rendered.file("edge", "/etc/caddy/live/intermediate.crt");
    expect(runTool("openssl", ["verify", "-CAfile", caFile, intermediate]).stdout.trim()).toBe(`${intermediate}: OK`);
    expect(runTool("openssl", ["x509", "-in", intermediate, "-noout", "-ext", "basicConstraints"]).stdout).toContain("CA:TRUE");
  });
});
