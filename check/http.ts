import * as http from "http";
import * as https from "https";

/** One answer, with the time it took from send to the last byte. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly ms: number;
}

/** A client of one base URL: plain HTTP, or HTTPS trusting `ca` (or the system's roots) for the URL's host name. */
export class Client {
  private readonly agent: http.Agent;

  constructor(
    readonly base: string,
    ca?: string,
  ) {
    this.agent = base.startsWith("https:") ? new https.Agent({ keepAlive: false, ca }) : new http.Agent({ keepAlive: false });
  }

  request(method: string, path: string, options: { auth?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
    const url = new URL(path, this.base);
    const lib = url.protocol === "https:" ? https : http;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
    if (options.body) headers["Content-Length"] = String(options.body.length);
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = lib.request(url, { method, agent: this.agent, headers, timeout: 15000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - start) / 1e6 }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer from ${url.origin} in 15 s`)));
      req.on("error", reject);
      req.end(options.body);
    });
  }
}

/** The registry's error code in an answer's JSON body, if it has one. */
export function errorCode(answer: Answer): string | undefined {
  try {
    return (JSON.parse(answer.body.toString("utf8")) as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}
