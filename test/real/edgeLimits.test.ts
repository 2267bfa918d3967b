/**
 * The edge does not hold unfinished requests: with Debian's caddy running the rendered Caddyfile,
 * 2,000 connections that never finish their headers (plain HTTP) or never start their TLS handshake
 * are closed within the configured header-read bound, and the edge's memory stays under its limit.
 */
import { rmSync } from "fs";
import { connect, Socket } from "net";
import * as path from "path";
import { EDGE_LIMITS } from "../../components/render/caddy";
import { RunningEdge, startEdge } from "../../rig/edgeProcess";
import { requireTool } from "../../rig/process";
import { renderConfig, RenderedStack, variant } from "../../rig/rendered";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-limits-");
const CONNECTIONS = 2000;
const boundMs = parseInt(EDGE_LIMITS.readHeader, 10) * 1000;
/** The edge's default memory limit (regstack:resources.edge.memoryMb). */
const EDGE_LIMIT_MIB = 128;

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Opens `count` connections that send `partial` and then nothing; resolves with their sockets. */
async function hold(port: number, count: number, partial: string): Promise<{ sockets: Socket[]; closedAt: number[] }> {
  const sockets: Socket[] = [];
  const closedAt: number[] = [];
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => {
        if (partial) s.write(partial);
        resolve();
      });
      s.on("error", () => undefined);
      s.once("error", reject);
      s.on("close", () => closedAt.push(Date.now()));
      sockets.push(s);
    });
  }
  return { sockets, closedAt };
}

async function check(name: string, stack: RenderedStack, partial: string): Promise<void> {
  const edge: RunningEdge = await startEdge(stack, path.join(work, name.replace(/\W+/g, "-")), 1);
  try {
    const port = edge.ports.get(5000)!;
    const started = Date.now();
    const { sockets, closedAt } = await hold(port, CONNECTIONS, partial);
    const opened = Date.now();
    const peak = edge.rssMib();
    const deadline = started + boundMs + 8000;
    while (closedAt.length < CONNECTIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    for (const s of sockets) s.destroy();
    expect({ name, closed: closedAt.length }).toEqual({ name, closed: CONNECTIONS });
    // None was closed before the bound (they are not refused outright), all within it plus slack.
    expect(Math.min(...closedAt) - opened).toBeGreaterThan(-1000);
    expect(Math.max(...closedAt) - started).toBeLessThan(boundMs + 8000);
    expect(peak).toBeLessThan(EDGE_LIMIT_MIB);
    expect(edge.running()).toBe(true);
    console.log(`${name}: ${CONNECTIONS} held connections closed by ${Math.max(...closedAt) - started} ms; edge RSS at the peak ${peak.toFixed(1)} MiB`);
  } finally {
    await edge.stop();
  }
}

beforeAll(() => requireTool("caddy"));

describe("the edge under slow-header connections", () => {
  it("closes 2,000 plain-HTTP connections with unfinished headers within the bound, under its memory limit", async () => {
    const local = await renderConfig(variant("local", {}), path.join(work, "local"));
    await check("plain HTTP", local, "GET /v2/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
  });

  it("closes 2,000 TLS connections that never handshake within the bound, under its memory limit", async () => {
    const nas = await renderConfig(variant("nas", { domain: "localhost", docker: { hosts: [{ name: "pr4100", url: "unix:///var/run/docker.sock" }] } }), path.join(work, "nas"));
    await check("TLS", nas, "");
  });
});
