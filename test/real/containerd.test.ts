/**
 * A real containerd pulls through the edge exactly as a kind or k3s node does: Debian's containerd and
 * ctr read the hosts.toml files the k8s stack renders (its `containerdHosts` output) and its CA, in
 * front of Debian's registry started from the rendered config, with the edge on the rendered NodePorts.
 * The one change to the rendered files: the CA's path points into the test's directory instead of
 * /etc/containerd/certs.d, which this machine's own containerd may use.
 */
import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { clientPaths } from "../../components/render/paths";
import { RunningContainerd, startContainerd } from "../../rig/containerd";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { buildOciImage, OciImage } from "../../rig/ociImage";
import { requireTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { skopeoAsync } from "../../rig/skopeo";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-containerd-");
const settings = (anonymousPull: boolean) =>
  variant("k8s", {
    registry: { version: "2.8" },
    users: [
      { name: "ci", role: "push" },
      { name: "reader", role: "pull" },
    ],
    access: { bcryptCost: 10, anonymousPull },
    ui: { enabled: false },
  });

let containerd: RunningContainerd;
let registry: RunningRegistry | undefined;
let edge: RunningEdge | undefined;
let image: OciImage;

/** The rendered hosts.toml files written as a node has them, with the CA beside them; returns the hosts dir. */
function hostsDir(rendered: RenderedStack, name: string, withCa = true): string {
  const dir = path.join(work, name);
  const caFile = path.join(dir, "regstack-ca.crt");
  mkdirSync(dir, { recursive: true });
  writeFileSync(caFile, rendered.evaluation.outputs.caCertPem as string);
  for (const [host, toml] of Object.entries(rendered.evaluation.outputs.containerdHosts as Record<string, string>)) {
    mkdirSync(path.join(dir, host), { recursive: true });
    const text = withCa ? toml.split(clientPaths.containerdCa).join(caFile) : toml.replace(/^\s*ca = .*\n/gm, "");
    writeFileSync(path.join(dir, host, "hosts.toml"), text);
  }
  return dir;
}

async function up(anonymousPull: boolean): Promise<RenderedStack> {
  await edge?.stop();
  const rendered = await renderConfig(settings(anonymousPull), path.join(work, `rendered-${anonymousPull}`));
  registry ??= await startRegistry(rendered, work);
  edge = await startEdge(rendered, work, registry.port, { samePorts: true });
  return rendered;
}

async function push(rendered: RenderedStack, repo: string): Promise<void> {
  const certs = path.join(work, "skopeo-certs");
  mkdirSync(certs, { recursive: true });
  writeFileSync(path.join(certs, "ca.crt"), rendered.evaluation.outputs.caCertPem as string);
  const result = await skopeoAsync(["copy", "--quiet", "--dest-cert-dir", certs, "--dest-creds", `ci:${rendered.users.ci}`, `oci:${image.dir}:${image.tag}`, `docker://localhost:30500/${repo}`]);
  if (result.status !== 0) throw new Error(result.stderr);
}

const pull = (hosts: string, ref: string, user?: string) =>
  containerd.ctr(["images", "pull", "--hosts-dir", hosts, "--snapshotter", "native", ...(user ? ["--user", user] : []), ref]);

beforeAll(async () => {
  for (const tool of ["containerd", "ctr", "docker-registry", "caddy", "skopeo"]) requireTool(tool);
  image = buildOciImage(path.join(work, "image"), [{ size: 1 << 20, gzip: true }]);
  containerd = await startContainerd(work);
});

afterAll(async () => {
  await edge?.stop();
  await registry?.stop();
  await containerd?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("containerd pulls through the edge with the rendered hosts.toml and CA", () => {
  it("with anonymous pull: the registry and a cache pull without a login, verified by the rendered CA", async () => {
    const rendered = await up(true);
    await push(rendered, "team/app:1");
    await push(rendered, "library/alpine:3");
    const hosts = hostsDir(rendered, "hosts-anonymous");
    const own = await pull(hosts, "localhost:30500/team/app:1");
    expect(own.stderr).toBe("");
    expect(own.status).toBe(0);
    // docker.io goes to the cache's NodePort first (the hosts.toml mirror); there is no internet here.
    const cached = await pull(hosts, "docker.io/library/alpine:3");
    expect(cached.status).toBe(0);
    const listed = await containerd.ctr(["images", "ls", "-q"]);
    expect(listed.stdout.split("\n")).toEqual(expect.arrayContaining(["localhost:30500/team/app:1", "docker.io/library/alpine:3"]));
    const digests = await containerd.ctr(["images", "ls"]);
    expect(digests.stdout).toContain(image.manifestDigest);
    await containerd.ctr(["images", "rm", "localhost:30500/team/app:1", "docker.io/library/alpine:3"]);
  });

  it("trusts the edge only through the rendered CA: without it the pull fails verification", async () => {
    const rendered = await up(true);
    const refused = await pull(hostsDir(rendered, "hosts-no-ca", false), "localhost:30500/team/app:1");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/x509|certificate/);
  });

  it("without anonymous pull: refused without a login, pulled with a pull user's", async () => {
    const rendered = await up(false);
    const hosts = hostsDir(rendered, "hosts-private");
    const refused = await pull(hosts, "localhost:30500/team/app:1");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/401|unauthorized|authorization/i);
    const allowed = await pull(hosts, "localhost:30500/team/app:1", `reader:${rendered.users.reader}`);
    expect(allowed.stderr).toBe("");
    expect(allowed.status).toBe(0);
  });
});
