import * as http from "http";
import * as https from "https";

export interface Target {
  readonly name: string;
  /** Base URL, e.g. https://localhost:5000 */
  readonly base: string;
  readonly headers: Record<string, string>;
  readonly agent: http.Agent;
}

/** A keep-alive client for one endpoint (plain or TLS with the given CA). */
export function target(name: string, base: string, options: { ca?: string; auth?: string } = {}): Target {
  const agent = base.startsWith("https:") ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: options.ca }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers: Record<string, string> = {};
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
  return { name, base, headers, agent };
}

/** One request; resolves with status, bytes read and milliseconds from send to the last byte. */
export function request(t: Target, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; ms: number }> {
  const lib = t.base.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = lib.request(new URL(path, t.base), { method, agent: t.agent, headers: { ...t.headers, ...headers } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
