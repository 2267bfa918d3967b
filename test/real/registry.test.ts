/**
 * Real-tool check: Debian's docker-registry (2.8) runs from the rendered config and htpasswd of the
 * local stack; skopeo logs in, pushes and pulls a multi-layer image; bad logins are refused.
 */
import { spawnSync } from "child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT, stackFile } from "../../offline/stackConfig";
import { blobDigest, buildOciImage, OciImage } from "../../rig/ociImage";
import { freePort, requireTool, runTool, startProcess, waitForHttp } from "../../rig/process";

const work = mkdtempSync(path.join(tmpdir(), "regstack-real-"));
let registry: ReturnType<typeof startProcess>;
let port = 0;
let users: Record<string, string> = {};
let image: OciImage;

/** Renders the local stack with registry 2.8 through `npm run render`'s script. */
function renderLocal28(): string {
  const config = parse(readFileSync(stackFile("local"), "utf8"));
  config.config["regstack:registry"] = { version: "2.8" };
  const file = path.join(work, "Pulumi.local-28.yaml");
  writeFileSync(file, stringify(config));
  const out = path.join(work, "rendered");
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", "scripts/render.ts", "--stack", "local", "--config-file", file, "--out", out], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`render failed: ${result.stderr}`);
  return out;
}

beforeAll(async () => {
  for (const tool of ["docker-registry", "skopeo", "htpasswd", "tar", "gzip"]) requireTool(tool);
  const rendered = renderLocal28();
  users = JSON.parse(readFileSync(path.join(rendered, "credentials.json"), "utf8")).users;

  // Container paths mapped into the temp dir; listeners moved to free loopback ports.
  const configPath = path.join(rendered, "regstack-registry-container/etc/docker/registry/config.yml");
  const config = parse(readFileSync(configPath, "utf8"));
  const data = path.join(work, "data");
  const auth = path.join(work, "auth");
  mkdirSync(data);
  mkdirSync(auth);
  copyFileSync(path.join(rendered, "regstack-users-writer/staging/htpasswd"), path.join(auth, "htpasswd"));
  port = await freePort();
  const debugPort = await freePort();
  config.storage.filesystem.rootdirectory = data;
  config.auth.htpasswd.path = path.join(auth, "htpasswd");
  config.http.addr = `127.0.0.1:${port}`;
  config.http.debug.addr = `127.0.0.1:${debugPort}`;
  const runConfig = path.join(work, "config.yml");
  writeFileSync(runConfig, stringify(config));

  registry = startProcess("docker-registry", ["serve", runConfig]);
  await waitForHttp(`http://127.0.0.1:${debugPort}/debug/health`).catch((err) => {
    throw new Error(`${err}\n${registry.output()}`);
  });
  image = buildOciImage(path.join(work, "image"), [
    { size: 3 << 20, gzip: true },
    { size: 1 << 20, gzip: true },
    { size: 256 << 10, gzip: true },
  ]);
});

afterAll(async () => {
  await registry?.stop();
});

const ref = (name: string) => `docker://127.0.0.1:${port}/${name}`;
const plain = "--dest-tls-verify=false";

describe("Debian's docker-registry 2.8 from the rendered local stack", () => {
  it("accepts the rendered bcrypt hashes (htpasswd -v)", () => {
    const [name, password] = Object.entries(users)[0];
    const file = path.join(work, "auth", "htpasswd");
    expect(runTool("htpasswd", ["-vb", file, name, password]).status).toBe(0);
    expect(runTool("htpasswd", ["-vb", file, name, "not-the-password"]).status).not.toBe(0);
  });

  it("asks for credentials at /v2/ and accepts the generated user", async () => {
    const [name, password] = Object.entries(users)[0];
    expect((await fetch(`http://127.0.0.1:${port}/v2/`)).status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${port}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}` } });
    expect(res.status).toBe(200);
  });

  it("pushes and pulls a multi-layer image with skopeo, digests equal", () => {
    const [name, password] = Object.entries(users)[0];
    const push = runTool("skopeo", ["copy", "--quiet", plain, "--dest-creds", `${name}:${password}`, `oci:${image.dir}:${image.tag}`, ref("regstack/sample:v1")]);
    expect(push.stderr).toBe("");
    expect(push.status).toBe(0);

    const inspect = runTool("skopeo", ["inspect", "--tls-verify=false", "--creds", `${name}:${password}`, ref("regstack/sample:v1")]);
    expect(inspect.status).toBe(0);
    const info = JSON.parse(inspect.stdout);
    expect(info.Digest).toBe(image.manifestDigest);
    expect(info.Layers).toEqual(image.layerDigests);

    const pulled = path.join(work, "pulled");
    const pull = runTool("skopeo", ["copy", "--quiet", "--src-tls-verify=false", "--src-creds", `${name}:${password}`, ref("regstack/sample:v1"), `oci:${pulled}:v1`]);
    expect(pull.status).toBe(0);
    const index = JSON.parse(readFileSync(path.join(pulled, "index.json"), "utf8"));
    expect(index.manifests[0].digest).toBe(image.manifestDigest);
    for (const layer of image.layerDigests) expect(blobDigest(pulled, layer)).toBe(layer);
    expect(existsSync(path.join(work, "data/docker/registry/v2/repositories/regstack/sample"))).toBe(true);
  });

  it("refuses an anonymous push", () => {
    const push = runTool("skopeo", ["copy", "--quiet", plain, `oci:${image.dir}:${image.tag}`, ref("regstack/anon:v1")]);
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/unauthorized|authentication required|401/i);
  });

  it("refuses a wrong password", () => {
    const [name] = Object.keys(users);
    const push = runTool("skopeo", ["copy", "--quiet", plain, "--dest-creds", `${name}:wrong-password-123`, `oci:${image.dir}:${image.tag}`, ref("regstack/wrong:v1")]);
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/unauthorized|authentication required|401/i);
    expect(existsSync(path.join(work, "data/docker/registry/v2/repositories/regstack/wrong"))).toBe(false);
  });

  it("picks up a changed htpasswd without a restart", async () => {
    const file = path.join(work, "auth", "htpasswd");
    expect(runTool("htpasswd", ["-bB", "-C", "5", file, "late-user", "late-user-password"]).status).toBe(0);
    const auth = `Basic ${Buffer.from("late-user:late-user-password").toString("base64")}`;
    const res = await fetch(`http://127.0.0.1:${port}/v2/`, { headers: { Authorization: auth } });
    expect(res.status).toBe(200);
    expect(registry.child.exitCode).toBeNull();
  });
});
