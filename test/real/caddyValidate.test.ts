/** Every stack's rendered Caddyfile passes `caddy validate`; generated chains pass `openssl verify`. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { shippedStacks, readStackConfig, StackConfig } from "../../offline/stackConfig";
import { localCaddyfile } from "../../rig/edgeProcess";
import { requireTool, runTool } from "../../rig/process";
import { renderConfig, variant } from "../../rig/rendered";
import { selfSigned } from "../support/pem";

const work = mkdtempSync(path.join(tmpdir(), "regstack-caddy-"));

/** Validates every edge Caddyfile of a rendered config, with its live directory mapped to the staged files. */
async function validateEdges(name: string, config: StackConfig): Promise<string[]> {
  const rendered = await renderConfig(config, path.join(work, name));
  const edges = readdirSync(rendered.dir).filter((d) => d.endsWith("-edge-writer"));
  return edges.map((edge) => {
    const staging = path.join(rendered.dir, edge, "staging");
    const file = path.join(staging, "Caddyfile.local");
    writeFileSync(file, localCaddyfile(readFileSync(path.join(staging, "Caddyfile"), "utf8"), staging, new Map(), 9180, new Map()));
    const result = runTool("caddy", ["validate", "--config", file, "--adapter", "caddyfile"]);
    expect({ edge, stderr: result.status === 0 ? "" : result.stderr }).toEqual({ edge, stderr: "" });
    return edge;
  });
}

beforeAll(() => {
  for (const tool of ["caddy", "openssl"]) requireTool(tool);
});

describe("caddy validate", () => {
  const withEdge = shippedStacks().filter((s) => readStackConfig(s).values["regstack:bindAddress"] !== undefined);

  it("covers the dev and nas stacks", () => {
    expect(withEdge).toEqual(expect.arrayContaining(["dev", "nas"]));
  });

  it.each(withEdge)("accepts every edge of the %s stack", async (stack) => {
    const edges = await validateEdges(stack, readStackConfig(stack));
    expect(edges.length).toBeGreaterThan(0);
    if (stack === "dev") expect(edges.sort()).toEqual(["regstack-fx8350-edge-writer", "regstack-fx9590-edge-writer"]);
  });

  it("accepts provided (generated), provided (PEMs), acme and host routing", async () => {
    const pems = await selfSigned("pr4100.lan");
    const cases: Record<string, Record<string, unknown>> = {
      provided: { tls: { mode: "provided", ips: ["192.168.10.20"] } },
      pems: { tls: { mode: "provided", certificate: pems } },
      acme: { domain: "registry.example.org", tls: { mode: "acme", email: "ops@example.org" } },
      hosts: { edge: { routing: "host" }, access: { anonymousPull: true } },
    };
    for (const [name, overrides] of Object.entries(cases)) {
      const config = variant("nas", overrides);
      if (name === "pems") config.secretKeys.push("regstack:tls");
      expect(await validateEdges(name, config)).toEqual(["regstack-pr4100-edge-writer"]);
    }
  });
});

describe("openssl verify", () => {
  it("accepts the generated chain for every configured name and IP", async () => {
    const rendered = await renderConfig(variant("nas", { tls: { mode: "provided", names: ["registry.home.lan"], ips: ["192.168.10.20"] } }), path.join(work, "chain"));
    const chain = readFileSync(rendered.file("regstack-pr4100-edge-writer", "/staging/server.crt"), "utf8");
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
});
