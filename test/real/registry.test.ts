/**
 * Real-tool check of the local stack as shipped in shape: Debian's docker-registry 2.8 runs the
 * rendered, secret-free config.yml (its http secret comes from env), and Debian's caddy runs the
 * rendered plain-HTTP edge in front of it. Every request goes through the edge: users, roles, the
 * registry's JSON refusals, and a users file that changes without a restart.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { createServer } from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { edgeLiveDir, RunningEdge, startEdge } from "../../rig/edgeProcess";
import { blobDigest, buildOciImage, OciImage } from "../../rig/ociImage";
import { requireTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { Skopeo } from "../../rig/skopeo";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-real-");
const users = [
  { name: "admin", role: "push" },
  { name: "reader", role: "pull" },
];
let rendered: RenderedStack;
let registry: RunningRegistry;
let edge: RunningEdge;
let skopeo: Skopeo;
let image: OciImage;
let port = 0;

beforeAll(async () => {
  for (const tool of ["docker-registry", "caddy", "skopeo", "tar", "gzip"]) requireTool(tool);
  rendered = await renderConfig(variant("local", { registry: { version: "2.8" }, users }), path.join(work, "rendered"));
  registry = await startRegistry(rendered, work);
  edge = await startEdge(rendered, work, registry.port);
  port = edge.ports.get(5000)!;
  skopeo = new Skopeo(work, undefined);
  image = buildOciImage(path.join(work, "image"), [
    { size: 3 << 20, gzip: true },
    { size: 1 << 20, gzip: true },
    { size: 256 << 10, gzip: true },
  ]);
});

afterAll(async () => {
  await edge?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const ref = (name: string) => `docker://127.0.0.1:${port}/${name}`;
const creds = (user: string) => `${user}:${rendered.users[user]}`;
const basic = (user: string, password = rendered.users[user]) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

describe("the local stack's plain-HTTP edge in front of Debian's registry 2.8, both from rendered files", () => {
  it("renders a config.yml with no auth and no secret, and an edge on loopback plain HTTP", () => {
    const config = readFileSync(rendered.file("registry", "/etc/docker/registry/config.yml"), "utf8");
    expect(config).not.toMatch(/secret:|password|htpasswd/);
    expect(readFileSync(path.join(edgeLiveDir(rendered), "Caddyfile"), "utf8")).toContain("http://:5000 {");
  });

  it("answers an anonymous /v2/ with the registry's 401: JSON body, API version header, Basic challenge", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="regstack"');
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe("UNAUTHORIZED");
    expect((await fetch(`http://127.0.0.1:${port}/v2/`, { headers: basic("admin") })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/v2/`, { headers: basic("admin", "wrong-password-123") })).status).toBe(401);
  });

  it("pushes and pulls a multi-layer image with skopeo, digests equal", () => {
    const push = skopeo.push(image.dir, image.tag, ref("regstack/sample:v1"), creds("admin"));
    expect(push.stderr).toBe("");
    const info = JSON.parse(skopeo.inspect(ref("regstack/sample:v1"), creds("admin")).stdout);
    expect(info.Digest).toBe(image.manifestDigest);
    expect(info.Layers).toEqual(image.layerDigests);
    const pulled = path.join(work, "pulled");
    expect(skopeo.pull(ref("regstack/sample:v1"), pulled, creds("reader")).status).toBe(0);
    const index = JSON.parse(readFileSync(path.join(pulled, "index.json"), "utf8"));
    expect(index.manifests[0].digest).toBe(image.manifestDigest);
    for (const layer of image.layerDigests) expect(blobDigest(pulled, layer)).toBe(layer);
    expect(existsSync(path.join(registry.dataDir, "docker/registry/v2/repositories/regstack/sample"))).toBe(true);
  });

  it("answers a storage failure with the registry's code and a plain message: the path on disk stays in the registry's log", async () => {
    // A tag whose link is a directory: the filesystem driver fails reading it, and says where.
    const link = path.join(registry.dataDir, "docker/registry/v2/repositories/regstack/sample/_manifests/tags/v1/current/link");
    const saved = readFileSync(link);
    rmSync(link);
    mkdirSync(link);
    try {
      const direct = await fetch(`http://127.0.0.1:${registry.port}/v2/regstack/sample/manifests/v1`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
      expect(direct.status).toBe(500);
      expect(await direct.text()).toContain(registry.dataDir);
      const viaEdge = await fetch(`http://127.0.0.1:${port}/v2/regstack/sample/manifests/v1`, { headers: { ...basic("admin"), Accept: "application/vnd.oci.image.manifest.v1+json" } });
      expect(viaEdge.status).toBe(500);
      expect(viaEdge.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
      expect(viaEdge.headers.get("content-type")).toBe("application/json");
      expect(await viaEdge.json()).toEqual({ errors: [{ code: "UNKNOWN", message: "the registry could not serve this request; its log says why" }] });
    } finally {
      rmSync(link, { recursive: true });
      writeFileSync(link, saved);
    }
    expect(skopeo.inspect(ref("regstack/sample:v1"), creds("admin")).status).toBe(0);
  });

  it("refuses an anonymous push and a wrong password", () => {
    expect(skopeo.push(image.dir, image.tag, ref("regstack/anon:v1")).stderr).toMatch(/unauthorized|authentication required|401/i);
    expect(skopeo.push(image.dir, image.tag, ref("regstack/wrong:v1"), "admin:wrong-password-123").stderr).toMatch(/unauthorized|authentication required|401/i);
    expect(existsSync(path.join(registry.dataDir, "docker/registry/v2/repositories/regstack/wrong"))).toBe(false);
  });

  it("refuses a pull user's write with 403 DENIED in the registry's format, and the client says denied", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v2/regstack/denied/blobs/uploads/`, { method: "POST", headers: basic("reader") });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe("DENIED");
    const push = skopeo.push(image.dir, image.tag, ref("regstack/denied:v1"), creds("reader"));
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/denied/i);
    expect(push.stderr).not.toMatch(/authentication required/i);
  });

  it("refuses a write to a cache with a JSON UNSUPPORTED", async () => {
    const cache = edge.ports.get(5001)!;
    const res = await fetch(`http://127.0.0.1:${cache}/v2/library/x/blobs/uploads/`, { method: "POST", headers: basic("admin") });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe("UNSUPPORTED");
  });

  it("takes a new user from rewritten names and users files, without a restart", async () => {
    const more = await renderConfig(variant("local", { registry: { version: "2.8" }, users: [...users, { name: "late", role: "push" }] }), path.join(work, "rendered-more"));
    // Until the names file names it, the edge refuses the new user before any bcrypt.
    expect((await fetch(`http://127.0.0.1:${port}/v2/`, { headers: basic("late", more.users.late) })).status).toBe(401);
    // As the secret files' installer does: the names and users files, then one touch of the Caddyfile.
    await edge.replaceFiles({
      names: readFileSync(more.file("edge", "/etc/caddy/live/names"), "utf8"),
      users: readFileSync(more.file("edge", "/etc/caddy/live/users"), "utf8"),
    });
    let status = 0;
    for (let i = 0; i < 30 && status !== 200; i++) {
      status = (await fetch(`http://127.0.0.1:${port}/v2/`, { headers: basic("late", more.users.late) })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 300));
    }
    expect({ status, log: status === 200 ? "" : edge.output().slice(-3000) }).toEqual({ status: 200, log: "" });
    expect(edge.running()).toBe(true);
  });
});

describe("what passes the edge", () => {
  it("never hands a user's password to the service behind it", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "Content-Type": "application/json", "Docker-Distribution-Api-Version": "registry/2.0" });
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const echoPort = (server.address() as AddressInfo).port;
    mkdirSync(path.join(work, "probe"), { recursive: true });
    const probeEdge = await startEdge(rendered, path.join(work, "probe"), echoPort);
    try {
      const probe = probeEdge.ports.get(5000)!;
      expect((await fetch(`http://127.0.0.1:${probe}/v2/`, { headers: basic("admin") })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${probe}/v2/x/manifests/v1`, { headers: basic("reader") })).status).toBe(200);
      expect(seen.length).toBe(2);
      expect(seen).toEqual([undefined, undefined]);
    } finally {
      await probeEdge.stop();
      server.close();
    }
  });
});
