/**
 * What a failed login costs the edge: Debian's caddy runs the rendered local stack's Caddyfile (bcrypt
 * cost 10) in front of Debian's registry. A Basic header naming an unknown user is refused from its
 * text, before any bcrypt, so it costs the edge no more CPU than a wrong password for a known user
 * (Caddy alone checks an unknown user against a fake hash of cost 14); the user's correct login works
 * all along. Measured as a ratio of the caddy process's own CPU time.
 */
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "fs";
import * as path from "path";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { requireTool, startProcess } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-logins-");
const ATTEMPTS = 12;
let rendered: RenderedStack;
let registry: RunningRegistry;
let edge: RunningEdge;

beforeAll(async () => {
  for (const tool of ["docker-registry", "caddy"]) requireTool(tool);
  rendered = await renderConfig(
    variant("local", { registry: { version: "2.8" }, users: [{ name: "ci", role: "push" }, { name: "reader", role: "pull" }], access: { bcryptCost: 10, anonymousPull: false }, mirrors: [] }),
    path.join(work, "rendered"),
  );
  registry = await startRegistry(rendered, work);
  edge = await startEdge(rendered, work, registry.port);
}, 60000);

afterAll(async () => {
  await edge?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

const ping = async (user: string, password: string) =>
  (await fetch(`http://127.0.0.1:${edge.ports.get(5000)}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` } })).status;

/** The edge's CPU seconds for `ATTEMPTS` requests, each with a fresh password (no verified hash to reuse). */
async function cpuOf(user: () => string): Promise<{ seconds: number; statuses: number[] }> {
  const before = edge.cpuSeconds();
  const statuses: number[] = [];
  for (let i = 0; i < ATTEMPTS; i++) statuses.push(await ping(user(), randomBytes(12).toString("hex")));
  return { seconds: edge.cpuSeconds() - before, statuses };
}

describe("failed logins at the edge", () => {
  it("an unknown user costs no more CPU than a wrong password for a known one; both get the registry's 401, and a correct login still works", async () => {
    expect(await ping("ci", rendered.users.ci)).toBe(200);
    const wrong = await cpuOf(() => "ci");
    const unknown = await cpuOf(() => `u${randomBytes(4).toString("hex")}`);
    // A name that only starts like a known one is unknown too.
    const lookalike = await cpuOf(() => "cia");
    expect([...wrong.statuses, ...unknown.statuses, ...lookalike.statuses].every((s) => s === 401)).toBe(true);
    console.log(`edge CPU for ${ATTEMPTS} attempts: wrong password ${wrong.seconds.toFixed(2)} s, unknown user ${unknown.seconds.toFixed(2)} s, look-alike name ${lookalike.seconds.toFixed(2)} s`);
    // bcrypt at cost 10 is tens of milliseconds of CPU per attempt, so the wrong passwords are measurable.
    expect(wrong.seconds).toBeGreaterThan(0.1);
    expect(unknown.seconds / wrong.seconds).toBeLessThanOrEqual(1);
    expect(lookalike.seconds / wrong.seconds).toBeLessThanOrEqual(1);
    expect(await ping("ci", rendered.users.ci)).toBe(200);
    expect(await ping("reader", rendered.users.reader)).toBe(200);
    expect(edge.running()).toBe(true);
  }, 120000);

  it("answers an unknown user with the same challenge as a wrong password", async () => {
    const url = `http://127.0.0.1:${edge.ports.get(5000)}/v2/`;
    const answer = async (user: string) => {
      const res = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from(`${user}:nope`).toString("base64")}` } });
      return { status: res.status, challenge: res.headers.get("www-authenticate"), api: res.headers.get("docker-distribution-api-version"), body: await res.text() };
    };
    const known = await answer("ci");
    expect(await answer("stranger")).toEqual(known);
    expect(known).toMatchObject({ status: 401, challenge: 'Basic realm="regstack"', api: "registry/2.0" });
    // A Bearer token is nobody's Basic login: refused the same way.
    const bearer = await fetch(url, { headers: { Authorization: "Bearer abc" } });
    expect([bearer.status, bearer.headers.get("www-authenticate")]).toEqual([401, 'Basic realm="regstack"']);
    // Without a login, the challenge carries the registry's JSON 401.
    const challenge = await fetch(url);
    expect([challenge.status, ((await challenge.json()) as { errors: { code: string }[] }).errors[0].code]).toEqual([401, "UNAUTHORIZED"]);
  });

  it("logs each failed login with the user name it tried and the client's address, and nothing of a password", async () => {
    const secrets = ["hunter2-wrong", "s3cret-pass", "tok-abcdef123456"];
    const from = edge.output().length;
    expect(await ping("reader", secrets[0])).toBe(401);
    expect(await ping("mallory", secrets[1])).toBe(401);
    const bearer = await fetch(`http://127.0.0.1:${edge.ports.get(5000)}/v2/`, { headers: { Authorization: `Bearer ${secrets[2]}` } });
    expect(bearer.status).toBe(401);
    expect(await ping("ci", rendered.users.ci)).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const lines = edge
      .output()
      .slice(from)
      .split("\n")
      .filter((l) => l.includes("failed login as"))
      .map((l) => JSON.parse(l) as { error: string; request: { remote_ip: string } });
    expect(lines.map((l) => [/failed login as (.*)$/.exec(l.error)![1], l.request.remote_ip])).toEqual([
      ["reader", "127.0.0.1"],
      ["an unknown user", "127.0.0.1"],
      ["an unknown user", "127.0.0.1"],
    ]);
    const output = edge.output();
    for (const secret of [...secrets, rendered.users.ci, rendered.users.reader]) {
      expect(output).not.toContain(secret);
      for (const user of ["ci", "reader", "mallory"]) expect(output).not.toContain(Buffer.from(`${user}:${secret}`).toString("base64"));
    }
  });
});

describe("the failed-login guard beside the edge", () => {
  const gwork = scratchDir("regstack-guard-");
  let guarded: RenderedStack;
  let gregistry: RunningRegistry;
  let gedge: RunningEdge;
  let guard: ReturnType<typeof startProcess>;
  const BLOCK = 10;

  beforeAll(async () => {
    requireTool("busybox");
    requireTool("curl");
    guarded = await renderConfig(
      variant("local", { registry: { version: "2.8" }, users: [{ name: "ci", role: "push" }], access: { failedLogins: { limit: 3, windowSeconds: 60, blockSeconds: BLOCK } }, mirrors: [] }),
      path.join(gwork, "rendered"),
    );
    gregistry = await startRegistry(guarded, gwork);
    gedge = await startEdge(guarded, gwork, gregistry.port);
    // The rendered guard, as its container runs it: busybox's sh, tail, awk, stat, date and mkfifo.
    const guardService = guarded.evaluation.platform!.services.find((d) => d.id === "guard")!;
    const bin = path.join(gwork, "bin");
    mkdirSync(bin);
    for (const tool of ["sh", "tail", "awk", "stat", "date", "mkfifo", "mktemp", "rm", "sleep", "kill"]) symlinkSync(execFileSync("which", ["busybox"], { encoding: "utf8" }).trim(), path.join(bin, tool));
    const env = { ...guardService.env, GUARD_LOG: path.join(gedge.guardDirs.log, "access.log"), GUARD_BLOCKED_DIR: gedge.guardDirs.blocked, TMPDIR: gwork, PATH: bin };
    guard = startProcess(path.join(bin, "sh"), [path.join(__dirname, "../../runtime/guard.sh")], env);
  }, 60000);

  afterAll(async () => {
    await guard?.stop();
    await gedge?.stop();
    await gregistry?.stop();
    rmSync(gwork, { recursive: true, force: true });
  });

  /** curl from a loopback address of its own: the status and Retry-After. */
  const from = (address: string, password: string) => {
    const out = execFileSync("curl", ["-s", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}", "--interface", address, "-u", `ci:${password}`, `http://127.0.0.1:${gedge.ports.get(5000)}/v2/`], { encoding: "utf8" });
    return { status: out.slice(-3), retryAfter: /retry-after: (\d+)/i.exec(out)?.[1] };
  };
  const until = async (check: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end && !check(); ) await new Promise((r) => setTimeout(r, 250));
  };

  it("refuses an address after its limit of failed logins, with 429 and Retry-After, while another address still logs in; the block lifts after its time", async () => {
    const password = guarded.users.ci;
    expect(from("127.0.0.1", password).status).toBe("200");
    for (let i = 0; i < 3; i++) expect(from("127.0.0.1", `wrong-${i}`).status).toBe("401");
    await until(() => existsSync(path.join(gedge.guardDirs.blocked, "127.0.0.1")), 5000);
    expect({ blocked: existsSync(path.join(gedge.guardDirs.blocked, "127.0.0.1")), output: guard.output().slice(-500) }).toEqual({ blocked: true, output: expect.stringContaining("blocked 127.0.0.1") });
    // Even its correct password: the address is refused before any check.
    expect(from("127.0.0.1", password)).toEqual({ status: "429", retryAfter: String(BLOCK) });
    // Another client is not slowed or refused.
    expect(from("127.0.0.2", password).status).toBe("200");
    await until(() => !existsSync(path.join(gedge.guardDirs.blocked, "127.0.0.1")), (BLOCK + 6) * 1000);
    expect(from("127.0.0.1", password).status).toBe("200");
    // The guard passes the access log on: what the edge logged is in its output.
    expect(guard.output()).toContain('"logger":"http.log.access');
  }, 60000);
});
