/**
 * The client-side checks of a live platform, each timed: the edge answers, TLS is valid for the
 * registry's name, every user logs in, a push user pushes and pulls a tiny image by digest, a pull user
 * is refused a push with DENIED, every cache and the UI answer, the catalog lists.
 */
import { createHash, randomBytes } from "crypto";
import { Answer, Client, errorCode } from "./http";
import { CheckTarget } from "./target";

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

/** The repository the push check writes to; its one tag is overwritten by every run. */
export const PROBE_REPOSITORY = "regstack-check/probe";

const digestOf = (data: Buffer) => `sha256:${createHash("sha256").update(data).digest("hex")}`;
const API = "docker-distribution-api-version";

async function timed(check: string, body: () => Promise<{ ok: boolean; ms: number; detail: string }>): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  try {
    return { check, ...(await body()) };
  } catch (err) {
    return { check, ok: false, ms: Number(process.hrtime.bigint() - start) / 1e6, detail: (err as Error).message.split("\n")[0] };
  }
}

/** Pushes a blob in one monolithic upload; returns the answer of the final PUT. */
async function pushBlob(client: Client, auth: string, data: Buffer): Promise<Answer> {
  const start = await client.request("POST", `/v2/${PROBE_REPOSITORY}/blobs/uploads/`, { auth });
  if (start.status !== 202 || !start.headers.location) throw new Error(`upload start answered ${start.status}${errorCode(start) ? ` ${errorCode(start)}` : ""}`);
  const location = new URL(String(start.headers.location), client.base);
  location.searchParams.set("digest", digestOf(data));
  return client.request("PUT", `${location.pathname}${location.search}`, { auth, body: data, headers: { "Content-Type": "application/octet-stream" } });
}

/** Runs every check; none stops the others. */
export async function runChecks(target: CheckTarget): Promise<CheckResult[]> {
  const registry = new Client(target.registry, target.ca);
  const users = Object.entries(target.users);
  const pusher = users.find(([, u]) => u.role === "push");
  const puller = users.find(([, u]) => u.role === "pull");
  const results: CheckResult[] = [];

  results.push(
    await timed("edge answers", async () => {
      const a = await registry.request("GET", "/v2/");
      const ok = a.status === 401 && a.headers[API] === "registry/2.0";
      return { ok, ms: a.ms, detail: `GET /v2/ without a login: ${a.status}${a.headers[API] ? "" : ", no API version header"}` };
    }),
  );
  if (target.registry.startsWith("https:")) {
    results.push(
      await timed(`TLS valid for ${new URL(target.registry).hostname}`, async () => {
        const a = await registry.request("HEAD", "/v2/");
        return { ok: true, ms: a.ms, detail: target.ca ? "chain verified against the platform's CA" : "chain verified against the system's roots" };
      }),
    );
  }
  for (const [name, user] of users) {
    results.push(
      await timed(`login ${name} (${user.role})`, async () => {
        const a = await registry.request("GET", "/v2/", { auth: `${name}:${user.password}` });
        return { ok: a.status === 200, ms: a.ms, detail: `GET /v2/: ${a.status}` };
      }),
    );
  }
  if (pusher) {
    const auth = `${pusher[0]}:${pusher[1].password}`;
    results.push(
      await timed(`push and pull by digest (${pusher[0]})`, async () => {
        const started = process.hrtime.bigint();
        const layer = randomBytes(1024);
        const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [digestOf(layer)] } }));
        for (const blob of [layer, config]) {
          const put = await pushBlob(registry, auth, blob);
          if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
        }
        const manifest = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf(config), size: config.length },
            layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: digestOf(layer), size: layer.length }],
          }),
        );
        const type = "application/vnd.oci.image.manifest.v1+json";
        const put = await registry.request("PUT", `/v2/${PROBE_REPOSITORY}/manifests/latest`, { auth, body: manifest, headers: { "Content-Type": type } });
        if (put.status !== 201) throw new Error(`manifest PUT answered ${put.status}`);
        const digest = digestOf(manifest);
        const got = await registry.request("GET", `/v2/${PROBE_REPOSITORY}/manifests/${digest}`, { auth, headers: { Accept: type } });
        if (got.status !== 200 || digestOf(got.body) !== digest) throw new Error(`manifest by digest: ${got.status}`);
        const blob = await registry.request("GET", `/v2/${PROBE_REPOSITORY}/blobs/${digestOf(layer)}`, { auth });
        if (blob.status !== 200 || digestOf(blob.body) !== digestOf(layer)) throw new Error(`layer by digest: ${blob.status}`);
        return { ok: true, ms: Number(process.hrtime.bigint() - started) / 1e6, detail: `${PROBE_REPOSITORY}@${digest.slice(0, 19)}…` };
      }),
    );
    results.push(
      await timed("catalog lists", async () => {
        const a = await registry.request("GET", "/v2/_catalog", { auth });
        const repositories = a.status === 200 ? ((JSON.parse(a.body.toString("utf8")) as { repositories?: string[] }).repositories ?? []) : [];
        return { ok: repositories.includes(PROBE_REPOSITORY), ms: a.ms, detail: `${a.status}, ${repositories.length} repositories` };
      }),
    );
  }
  if (puller) {
    results.push(
      await timed(`push refused for ${puller[0]} (pull)`, async () => {
        const a = await registry.request("POST", `/v2/${PROBE_REPOSITORY}/blobs/uploads/`, { auth: `${puller[0]}:${puller[1].password}` });
        return { ok: a.status === 403 && errorCode(a) === "DENIED", ms: a.ms, detail: `${a.status} ${errorCode(a) ?? "(no registry error code)"}` };
      }),
    );
  }
  for (const [name, url] of Object.entries(target.mirrors)) {
    results.push(
      await timed(`cache ${name} answers`, async () => {
        const a = await new Client(url, target.ca).request("GET", "/v2/", pusher ? { auth: `${pusher[0]}:${pusher[1].password}` } : {});
        return { ok: a.status === 200, ms: a.ms, detail: `GET /v2/: ${a.status}` };
      }),
    );
  }
  if (target.ui) {
    results.push(
      await timed("UI answers", async () => {
        const a = await new Client(target.ui!, target.ca).request("GET", "/", pusher ? { auth: `${pusher[0]}:${pusher[1].password}` } : {});
        return { ok: a.status === 200, ms: a.ms, detail: `GET /: ${a.status}` };
      }),
    );
  }
  return results;
}

/** The results as a table a person reads. */
export function resultTable(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.length), 5);
  const lines = results.map((r) => `${r.ok ? "ok  " : "FAIL"}  ${r.check.padEnd(width)}  ${r.ms.toFixed(1).padStart(8)} ms  ${r.detail}`);
  return [`${"".padEnd(4)}  ${"check".padEnd(width)}  ${"latency".padStart(11)}  detail`, ...lines].join("\n");
}
