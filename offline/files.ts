import * as pulumi from "@pulumi/pulumi";
import { PlatformDescription } from "../components/platform/platform";
import { Evaluation } from "./engine";
import { reveal } from "./secrets";

/** One file a service reads, as the platform layer described it, its content resolved. */
export interface RenderedFile {
  /** The service's id: "registry", "mirror-dockerhub", "edge", "edge-fx8350". */
  readonly service: string;
  /** Absolute path inside the service. */
  readonly path: string;
  readonly content: string;
  /** Octal mode, e.g. "0444". */
  readonly mode: string;
  /** A secret file (hashes, keys, passwords). */
  readonly secret: boolean;
}

/** The scripts client trust runs on one node. */
export interface ClientScripts {
  readonly client: string;
  readonly apply: string;
  readonly remove: string;
  /** The apply script carries a registry login (k3s). */
  readonly secret: boolean;
}

/** An Output's value once the offline engine has resolved it. */
export function resolved<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/** Every file of every described service, resolved (run after the evaluation settled). */
export async function describedFiles(d: PlatformDescription): Promise<RenderedFile[]> {
  const out: RenderedFile[] = [];
  for (const s of d.services) {
    for (const f of s.files) out.push({ service: s.id, path: f.path, content: await resolved(f.content), mode: f.mode, secret: f.secret });
  }
  return out;
}

/** The client-trust scripts of every client node, resolved. */
export async function describedClientScripts(d: PlatformDescription): Promise<ClientScripts[]> {
  const out: ClientScripts[] = [];
  for (const c of d.clients) {
    const scripts = await resolved(c.scripts);
    out.push({ client: c.args.client.name, apply: scripts.apply, remove: scripts.remove, secret: c.args.loginPassword !== undefined });
  }
  return out;
}

/** The offline engine's user passwords (deterministic test values), from the `credentials` output. */
export function testCredentials(evaluation: Evaluation): Record<string, string> {
  return (reveal(evaluation.outputs.credentials) ?? {}) as Record<string, string>;
}
