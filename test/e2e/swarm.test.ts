/**
 * The dev stack in Swarm mode, end to end: a private engine made a single-node Swarm on loopback, the
 * stack's services, configs and secrets applied through the Engine API exactly as declared (stand-in
 * images, free ports), a push and a pull through the edge service, then config edits that roll the
 * services reading them, with the registry's data intact.
 */
import { rmSync, writeFileSync } from "fs";
import * as path from "path";
import { images } from "../../components/images";
import { Applier, ApplyReport } from "../../e2e/applier";
import { linkExists } from "../../e2e/engine";
import { E2eSession, openSession } from "../../e2e/session";
import { cacheNetworks, startUpstream } from "../../e2e/upstream";
import { devSwarmVariant, upstreamAliases } from "../../e2e/variants";
import { Evaluation } from "../../offline/engine";
import { testCredentials } from "../../offline/files";
import { evaluateConfig } from "../../offline/run";
import { StackConfig } from "../../offline/stackConfig";
import { blobDigest, buildOciImage, OciImage } from "../../rig/ociImage";
import { freePort, runTool } from "../../rig/process";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-e2e-swarm-");
let session: E2eSession;
let image: OciImage;
let config: StackConfig;
let evaluation: Evaluation;
let applier: Applier;
let report: ApplyReport;
let users: Record<string, string>;
let gateway = "";
const certDir = path.join(work, "certs");
const authFile = path.join(work, "auth.json");

const registry = () => `localhost:${report.ports.get(5000)}`;
const skopeo = (...args: string[]) => runTool("env", [`REGISTRY_AUTH_FILE=${authFile}`, "skopeo", "--insecure-policy", ...args]);
const push = (ref: string, creds: string) => skopeo("copy", "--quiet", "--dest-cert-dir", certDir, "--dest-creds", creds, `oci:${image.dir}:${image.tag}`, `docker://${ref}`);
const pull = (ref: string, dest: string, creds: string) => skopeo("copy", "--quiet", "--src-cert-dir", certDir, "--src-creds", creds, `docker://${ref}`, `oci:${dest}:v1`);
const digestOf = (ref: string, creds: string) => JSON.parse(skopeo("inspect", "--cert-dir", certDir, "--creds", creds, `docker://${ref}`).stdout || "{}").Digest as string | undefined;
const serviceTask = (name: string) => session.engine.must(["service", "ps", "-q", "--filter", "desired-state=running", name]);

beforeAll(async () => {
  writeFileSync(authFile, "{}");
  session = await openSession();
  gateway = session.engine.gatewayBridge;
  const node = await session.engine.initSwarm();
  image = buildOciImage(path.join(work, "image"), [
    { size: 1 << 20, gzip: true },
    { size: 256 << 10, gzip: true },
  ]);
  config = devSwarmVariant(session.engine.root, node).config;
  evaluation = await evaluateConfig(config);
  users = testCredentials(evaluation);
  applier = session.applier;
  // The caches' stand-in upstream joins each cache's overlay (attachable, as the stack declares them).
  startUpstream(session.engine, `regstack-${config.stack}-upstream`, cacheNetworks(evaluation), session.images.get(images.registry28)!, await freePort(), upstreamAliases(config));
  report = await applier.apply(evaluation);
  runTool("mkdir", ["-p", certDir]);
  writeFileSync(path.join(certDir, "ca.crt"), evaluation.outputs.caCertPem as string);
});

afterAll(async () => {
  await session?.engine.stop();
  rmSync(work, { recursive: true, force: true });
  // The engine's own gateway bridge goes with it.
  if (gateway) expect(linkExists(gateway)).toBe(false);
});

describe("the dev stack as Swarm services in a real engine", () => {
  it("runs every service it can stand in, each a running task, healthy; configs and secrets under versioned names", () => {
    expect(report.services.map((s) => s.resource).sort()).toEqual(
      ["edge", "guard", "mirror-dockerhub", "mirror-ghcr", "redis", "registry", "scheduler", "prometheus", "alertmanager", "node-exporter", "redis-exporter"].map((id) => `regstack-${id}-service`).sort(),
    );
    expect(report.services.every((s) => s.action === "created")).toBe(true);
    // No stand-in for the UI and Grafana.
    expect(report.skipped.map((s) => s.resource).sort()).toEqual(["regstack-grafana-service", "regstack-ui-service"]);
    for (const s of report.services) {
      const container = applier.swarm.containerOf(s.name);
      expect({ [s.name]: session.engine.must(["inspect", "--format", "{{.State.Health.Status}}", container]) }).toEqual({ [s.name]: "healthy" });
    }
    const secrets = session.engine.must(["secret", "ls", "--format", "{{.Name}}"]).split("\n");
    expect(secrets).toEqual(expect.arrayContaining([expect.stringMatching(/^regstack-dev-edge-users-[0-9a-f]{12}$/)]));
    // The edge reads its users as a secret file owned by its own unprivileged user, with the mode it was described with.
    const edge = applier.swarm.containerOf("regstack-dev-edge");
    const described = evaluation.platform!.services.find((s) => s.id === "edge")!.files.find((f) => f.path === "/etc/caddy/live/users")!;
    expect(described.secret).toBe(true);
    expect(session.engine.must(["exec", edge, "stat", "-c", "%u %a", "/etc/caddy/live/users"])).toBe(`10600 ${described.mode.replace(/^0/, "")}`);
  });

  it("publishes the edge alone", () => {
    const published = report.services.filter((s) => session.engine.must(["service", "inspect", "--format", "{{len .Endpoint.Ports}}", s.name]) !== "0").map((s) => s.name);
    expect(published).toEqual(["regstack-dev-edge"]);
  });

  it("pushes and pulls through the edge service, over TLS, with a generated user; the caches resolve on the overlay", () => {
    const [name] = Object.keys(users);
    const creds = `${name}:${users[name]}`;
    expect(push(`${registry()}/team/app:v1`, creds).stderr).toBe("");
    expect(digestOf(`${registry()}/team/app:v1`, creds)).toBe(image.manifestDigest);
    const dest = path.join(work, "pulled");
    expect(pull(`${registry()}/team/app:v1`, dest, creds).status).toBe(0);
    for (const layer of image.layerDigests) expect(blobDigest(dest, layer)).toBe(layer);
    // The edge reaches a cache by its alias on the cache's overlay (DNS round robin); the cache reaches
    // neither the registry nor Redis: their overlays are not its own.
    const edge = applier.swarm.containerOf("regstack-dev-edge");
    const probe = session.engine.docker(["exec", edge, "wget", "-q", "-O", "-", "http://mirror-dockerhub:5001/debug/health"]);
    expect(probe.status).toBe(0);
    const cache = applier.swarm.containerOf("regstack-dev-mirror-dockerhub");
    for (const url of ["http://registry:5000/v2/", "http://redis:6379/"]) {
      const fromCache = session.engine.docker(["exec", cache, "wget", "-q", "-O", "/dev/null", url]);
      expect({ url, status: fromCache.status, refused: /bad address/.test(fromCache.stderr) }).toEqual({ url, status: 1, refused: true });
    }
  });

  it("adding a user rolls only the edge onto a new users secret; the new user pushes and the data stays", async () => {
    const registryTask = serviceTask("regstack-dev-registry");
    const current = JSON.parse(config.values["regstack:users"]) as object[];
    config = { ...config, values: { ...config.values, "regstack:users": JSON.stringify([...current, { name: "newcomer", role: "push" }]) } };
    const next = await evaluateConfig(config);
    report = await applier.apply(next);
    const changed = report.services.filter((s) => s.action !== "kept").map((s) => s.name);
    expect(changed).toEqual(["regstack-dev-edge"]);
    expect(serviceTask("regstack-dev-registry")).toBe(registryTask);
    const password = testCredentials(next).newcomer;
    expect(push(`${registry()}/newcomer/app:v1`, `newcomer:${password}`).stderr).toBe("");
    const [name] = Object.keys(users);
    expect(digestOf(`${registry()}/team/app:v1`, `${name}:${users[name]}`)).toBe(image.manifestDigest);
    evaluation = next;
  });

  it("a changed registry config rolls the registry (stop-first, its storage is local) onto a new config, and its data survives", async () => {
    const before = serviceTask("regstack-dev-registry");
    const configName = () => session.engine.must(["service", "inspect", "--format", "{{range .Spec.TaskTemplate.ContainerSpec.Configs}}{{.ConfigName}}{{end}}", "regstack-dev-registry"]);
    const oldConfig = configName();
    const registryConfig = JSON.parse(config.values["regstack:registry"] ?? "{}") as object;
    config = { ...config, values: { ...config.values, "regstack:registry": JSON.stringify({ ...registryConfig, logLevel: "warn" }) } };
    report = await applier.apply(await evaluateConfig(config));
    expect(report.services.filter((s) => s.action === "updated").map((s) => s.name)).toEqual(expect.arrayContaining(["regstack-dev-registry"]));
    expect(serviceTask("regstack-dev-registry")).not.toBe(before);
    expect(configName()).not.toBe(oldConfig);
    expect(configName()).toMatch(/^regstack-dev-registry-config\.yml-[0-9a-f]{12}$/);
    const [name] = Object.keys(users);
    const dest = path.join(work, "after-roll");
    expect(pull(`${registry()}/team/app:v1`, dest, `${name}:${users[name]}`).status).toBe(0);
    for (const layer of image.layerDigests) expect(blobDigest(dest, layer)).toBe(layer);
  });
});
