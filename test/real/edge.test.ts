/**
 * Real-tool check of the edge: Debian's caddy runs the rendered Caddyfile and certificates in front of
 * Debian's registry, both from rendered files; skopeo talks HTTPS to it with the generated users.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { edgeLiveDir, edgeLiveFiles, RunningEdge, startEdge } from "../../rig/edgeProcess";
import { blobDigest, buildOciImage, OciImage } from "../../rig/ociImage";
import { requireTool, runTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { Skopeo } from "../../rig/skopeo";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-edge-");
const settings = (anonymousPull: boolean) => ({
  registry: { version: "2.8" },
  tls: { mode: "internal" },
  users: [
    { name: "ci", role: "push" },
    { name: "reader", role: "pull" },
  ],
  access: { bcryptCost: 10, anonymousPull },
  mirrors: [],
  ui: { enabled: false },
});

let rendered: RenderedStack;
let registry: RunningRegistry;
let edge: RunningEdge;
let skopeo: Skopeo;
let image: OciImage;
let port = 0;

beforeAll(async () => {
  for (const tool of ["docker-registry", "caddy", "skopeo", "openssl", "sha256sum"]) requireTool(tool);
  rendered = await renderConfig(variant("local", settings(false)), path.join(work, "rendered"));
  registry = await startRegistry(rendered, work);
  edge = await startEdge(rendered, work, registry.port);
  port = edge.ports.get(5000)!;
  skopeo = new Skopeo(work, edge.caFile!);
  image = buildOciImage(path.join(work, "image"), [
    { size: 2 << 20, gzip: true },
    { size: 1 << 20, gzip: true },
  ]);
});

afterAll(async () => {
  await edge?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const ref = (repo: string) => `docker://localhost:${port}/${repo}`;
const creds = (user: string) => `${user}:${rendered.users[user]}`;

describe("the rendered edge in front of the rendered registry", () => {
  it("puts the root certificate and this edge's intermediate on the edge, never the root key", () => {
    const live = edgeLiveFiles(rendered);
    expect([...live.keys()].sort()).toEqual(["Caddyfile", "intermediate.crt", "intermediate.key", "logins", "names", "root.crt", "users"]);
    // The plain files are rendered configuration; the key and the users' hashes are rendered apart, as secrets.
    expect(readdirSync(edgeLiveDir(rendered)).sort()).toEqual(["Caddyfile", "intermediate.crt", "root.crt"]);
    expect(readFileSync(live.get("root.crt")!, "utf8")).toBe(rendered.evaluation.outputs.caCertPem);
    for (const [name, file] of live) if (name !== "intermediate.key") expect(readFileSync(file, "utf8")).not.toContain("PRIVATE KEY");
  });

  it("issues leaves with the intermediate: openssl verifies the running Caddy's leaf against the root", () => {
    const shown = runTool("sh", ["-c", `echo | openssl s_client -connect 127.0.0.1:${port} -servername localhost -showcerts 2>/dev/null`]);
    const certs = shown.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
    expect(certs.length).toBe(2);
    const leaf = path.join(work, "served-leaf.pem");
    const served = path.join(work, "served-intermediate.pem");
    writeFileSync(leaf, certs[0]!);
    writeFileSync(served, certs[1]!);
    // The intermediate Caddy serves is the one regstack issued, not one Caddy made itself.
    const issued = path.join(edgeLiveDir(rendered), "intermediate.crt");
    expect(runTool("openssl", ["x509", "-in", served, "-noout", "-fingerprint"]).stdout).toBe(runTool("openssl", ["x509", "-in", issued, "-noout", "-fingerprint"]).stdout);
    const verify = runTool("openssl", ["verify", "-CAfile", edge.caFile!, "-untrusted", served, "-purpose", "sslserver", "-verify_hostname", "localhost", leaf]);
    expect(verify.stdout.trim()).toBe(`${leaf}: OK`);
    // Without the intermediate the leaf does not chain: the root did not sign it directly.
    expect(runTool("openssl", ["verify", "-CAfile", edge.caFile!, leaf]).status).not.toBe(0);
  });

  it("serves a certificate openssl verifies for the configured name against the exported CA", () => {
    const result = runTool("sh", [
      "-c",
      `echo | openssl s_client -connect 127.0.0.1:${port} -servername localhost -CAfile "$1" -verify_hostname localhost -verify_return_error 2>&1`,
      "sh",
      edge.caFile!,
    ]);
    expect(result.stdout).toContain("Verify return code: 0 (ok)");
    const caPem = readFileSync(edge.caFile!, "utf8");
    expect(rendered.evaluation.outputs.caCertPem).toBe(caPem);
  });

  it("pushes and pulls a multi-layer image over HTTPS with a generated push user, digests equal", () => {
    const push = skopeo.push(image.dir, image.tag, ref("team/app:v1"), creds("ci"));
    expect(push.stderr).toBe("");
    const info = JSON.parse(skopeo.inspect(ref("team/app:v1"), creds("ci")).stdout);
    expect(info.Digest).toBe(image.manifestDigest);
    const pulled = path.join(work, "pulled");
    expect(skopeo.pull(ref("team/app:v1"), pulled, creds("reader")).status).toBe(0);
    for (const layer of image.layerDigests) expect(blobDigest(pulled, layer)).toBe(layer);
  });

  it("refuses an anonymous push and a wrong password", () => {
    expect(skopeo.push(image.dir, image.tag, ref("team/anon:v1")).stderr).toMatch(/unauthorized|401/i);
    expect(skopeo.push(image.dir, image.tag, ref("team/wrong:v1"), "ci:not-the-password").stderr).toMatch(/unauthorized|401/i);
  });

  it("lets a pull-only user pull but not push: the refusal is the registry's 403 DENIED", () => {
    expect(skopeo.inspect(ref("team/app:v1"), creds("reader")).status).toBe(0);
    const push = skopeo.push(image.dir, image.tag, ref("team/reader:v1"), creds("reader"));
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/denied/i);
  });

  it("answers a host name it has no site for with 421 in the registry's format, not an empty 200; an unknown SNI gets no certificate", () => {
    const get = (...args: string[]) => runTool("curl", ["-s", "-w", "\n%{http_code}", "--cacert", edge.caFile!, ...args]);
    // The certificate of localhost (by SNI), another name in the Host header.
    const misdirected = get("-H", "Host: intranet.example", `https://localhost:${port}/v2/`);
    const [body, status] = misdirected.stdout.split("\n");
    expect(status).toBe("421");
    expect(JSON.parse(body).errors[0].code).toBe("UNSUPPORTED");
    // The site's own name still works.
    expect(get("-o", "/dev/null", `https://localhost:${port}/v2/`).stdout.trim()).toBe("401");
    // An unknown SNI fails the handshake (no certificate is made for a name the stack does not have).
    const unknown = runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-k", "--resolve", `intranet.example:${port}:127.0.0.1`, `https://intranet.example:${port}/v2/`]);
    expect(unknown.stdout).toBe("000");
  });

  it("refuses anonymous pulls while anonymousPull is off", () => {
    const anon = skopeo.inspect(ref("team/app:v1"));
    expect(anon.status).not.toBe(0);
    expect(anon.stderr).toMatch(/unauthorized|401/i);
  });

  it("opens anonymous pulls when enabled (reloaded in place), still refusing anonymous pushes", async () => {
    const open = await renderConfig(variant("local", settings(true)), path.join(work, "rendered-open"));
    await edge.reload(readFileSync(path.join(edgeLiveDir(open), "Caddyfile"), "utf8"));
    const anon = skopeo.inspect(ref("team/app:v1"));
    expect(anon.stderr).toBe("");
    expect(JSON.parse(anon.stdout).Digest).toBe(image.manifestDigest);
    expect(skopeo.push(image.dir, image.tag, ref("team/anon2:v1")).stderr).toMatch(/unauthorized|401/i);
    expect(skopeo.push(image.dir, image.tag, ref("team/reader2:v1"), creds("reader")).stderr).toMatch(/denied/i);
    // Passwords are still checked where they are given: `docker login` pings /v2/.
    const ping = runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", edge.caFile!, "-u", "ci:wrong-password", `https://localhost:${port}/v2/`]);
    expect(ping.stdout).toBe("401");
  });

  it("streams a 1 GiB layer through the edge both ways", () => {
    const big = buildOciImage(path.join(work, "big"), [{ size: 1 << 30, gzip: false }]);
    const push = skopeo.push(big.dir, big.tag, ref("team/big:v1"), creds("ci"));
    expect(push.stderr).toBe("");
    // skopeo gzips a plain tar layer on its way to a registry: compare against what the registry holds.
    const stored = JSON.parse(skopeo.inspect(ref("team/big:v1"), creds("ci")).stdout);
    const pulled = path.join(work, "big-pulled");
    expect(skopeo.pull(ref("team/big:v1"), pulled, creds("ci")).status).toBe(0);
    const index = JSON.parse(readFileSync(path.join(pulled, "index.json"), "utf8"));
    expect(index.manifests[0].digest).toBe(stored.Digest);
    const manifest = JSON.parse(readFileSync(path.join(pulled, "blobs/sha256", stored.Digest.slice(7)), "utf8"));
    expect(manifest.layers[0].size).toBeGreaterThan(1 << 30);
    expect(blobDigest(pulled, manifest.layers[0].digest)).toBe(manifest.layers[0].digest);
    runTool("rm", ["-rf", big.dir, pulled]);
  });
});

describe("who may read a cache at a LAN edge", () => {
  const hub = { name: "hub", upstream: "https://registry-1.docker.io", port: 5001 };
  const lan = (mirror: Record<string, unknown>) => ({ ...settings(false), bindAddress: "0.0.0.0", domain: "localhost", mirrors: [mirror] });

  async function cacheAnswers(name: string, mirror: Record<string, unknown>): Promise<{ anonymous: string; user: string }> {
    const stack = await renderConfig(variant("local", lan(mirror)), path.join(work, name));
    const cacheEdge = await startEdge(stack, path.join(work, `${name}-run`), registry.port);
    try {
      const url = `https://localhost:${cacheEdge.ports.get(5001)}/v2/_catalog`;
      const curl = (...auth: string[]) => runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", cacheEdge.caFile!, ...auth, url]).stdout;
      return { anonymous: curl(), user: curl("-u", `reader:${stack.users.reader}`) };
    } finally {
      await cacheEdge.stop();
    }
  }

  it("refuses an anonymous read of a cache beyond loopback, and lets a user read", async () => {
    expect(await cacheAnswers("cache-private", hub)).toEqual({ anonymous: "401", user: "200" });
  });

  it("opens the cache when the stack marks it public", async () => {
    expect(await cacheAnswers("cache-public", { ...hub, public: true })).toEqual({ anonymous: "200", user: "200" });
  });
});

describe("the UI's site at the edge", () => {
  let uiEdge: RunningEdge;
  let uiStack: RenderedStack;
  let url = "";
  beforeAll(async () => {
    uiStack = await renderConfig(variant("local", { ...settings(false), ui: { enabled: true } }), path.join(work, "ui"));
    uiEdge = await startEdge(uiStack, path.join(work, "ui-run"), registry.port);
    url = `https://localhost:${uiEdge.ports.get(5080)}`;
  });
  afterAll(async () => {
    await uiEdge?.stop();
  });
  const curl = (method: string, urlPath: string, user?: string) =>
    runTool("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", uiEdge.caFile!, "-X", method, ...(user ? ["-u", `${user}:${uiStack.users[user]}`] : []), `${url}${urlPath}`]).stdout;

  it("serves the pages' /v2/ from the registry itself, to users only", () => {
    expect(curl("GET", "/v2/_catalog", "ci")).toBe("200");
    expect(curl("GET", "/v2/_catalog", "reader")).toBe("200");
    expect(curl("GET", "/v2/_catalog")).toBe("401");
  });

  it("refuses a pull user's delete through the UI with the registry's 403, as on the registry's site", () => {
    expect(curl("DELETE", "/v2/team/app/manifests/sha256:0000000000000000000000000000000000000000000000000000000000000000", "reader")).toBe("403");
    // A push user's delete reaches the registry (which answers for the unknown digest itself).
    expect(curl("DELETE", "/v2/team/app/manifests/sha256:0000000000000000000000000000000000000000000000000000000000000000", "ci")).not.toBe("403");
  });
});
