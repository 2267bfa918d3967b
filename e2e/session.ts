import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { Evaluation } from "../offline/engine";
import { testCredentials } from "../offline/files";
import { Applier, ApplyReport } from "./applier";
import { PrivateEngine } from "./engine";
import { buildStandIns } from "./standins";

/** A private engine with the stand-ins built and an applier bound to it. */
export interface E2eSession {
  readonly engine: PrivateEngine;
  readonly applier: Applier;
  readonly images: ReadonlyMap<string, string>;
}

/** A session on an engine that is already running (`npm run e2e:up -- --reuse`). */
export function attachSession(engine: PrivateEngine, ports: ReadonlyMap<number, number>): E2eSession {
  const images = buildStandIns(engine);
  const applier = new Applier(engine, images);
  applier.restorePorts(ports);
  return { engine, applier, images };
}

export async function openSession(tolerateUnhealthy = false): Promise<E2eSession> {
  const engine = new PrivateEngine();
  try {
    await engine.start();
    const images = buildStandIns(engine);
    return { engine, applier: new Applier(engine, images, tolerateUnhealthy), images };
  } catch (err) {
    await engine.stop();
    throw err;
  }
}

/** What a person needs to point a client at an applied stack: endpoints, CA file, test credentials. */
export function describeEndpoints(evaluation: Evaluation, report: ApplyReport, dir: string): Record<string, unknown> {
  mkdirSync(dir, { recursive: true });
  let caFile: string | undefined;
  if (typeof evaluation.outputs.caCertPem === "string") {
    caFile = path.join(dir, "ca.crt");
    writeFileSync(caFile, evaluation.outputs.caCertPem);
  }
  const localUrl = (url: unknown) => {
    if (typeof url !== "string") return undefined;
    const u = new URL(url);
    const port = report.ports.get(Number(u.port || 443));
    return port ? `${u.protocol}//${u.hostname}:${port}` : undefined;
  };
  const mirrors = Object.fromEntries(
    Object.entries((evaluation.outputs.mirrors ?? {}) as Record<string, { url: string }>).map(([k, v]) => [k, localUrl(v.url)]),
  );
  return {
    registry: localUrl(evaluation.outputs.registryUrl),
    // A service without a stand-in is not running here: its endpoint is not offered.
    ui: report.skipped.some((x) => x.resource === "regstack-ui-container") ? undefined : localUrl(evaluation.outputs.uiUrl),
    mirrors,
    caFile,
    credentials: testCredentials(evaluation),
    roles: evaluation.outputs.users,
    skipped: report.skipped,
    note: "names in the URLs must resolve to 127.0.0.1 (they do for localhost)",
  };
}
