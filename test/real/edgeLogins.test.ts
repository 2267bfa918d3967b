/**
 * What a failed login costs the edge: Debian's caddy runs the rendered local stack's Caddyfile (bcrypt
 * cost 10) in front of Debian's registry. A Basic header naming an unknown user is refused from its
 * text, before any bcrypt, so it costs the edge no more CPU than a wrong password for a known user
 * (Caddy alone checks an unknown user against a fake hash of cost 14); the user's correct login works
 * all along. Measured as a ratio of the caddy process's own CPU time.
 */
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { requireTool } from "../../rig/process";
import { RunningRegistry, startRegistry } from "../../rig/registryProcess";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";

const work = mkdtempSync(path.join(tmpdir(), "regstack-logins-"));
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
      return { status: res.status, challenge: res.headers.get("www-authenticate"), api: res.headers.get("docker-distribution-api-version"), body: await res.json() };
    };
    const known = await answer("ci");
    expect(await answer("stranger")).toEqual(known);
    expect(known).toMatchObject({ status: 401, challenge: 'Basic realm="regstack"', api: "registry/2.0" });
    // A Bearer token is nobody's Basic login: refused the same way.
    const bearer = await fetch(url, { headers: { Authorization: "Bearer abc" } });
    expect([bearer.status, bearer.headers.get("www-authenticate")]).toEqual([401, 'Basic realm="regstack"']);
  });
});
