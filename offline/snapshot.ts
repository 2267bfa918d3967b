/**
 * An evaluation reduced to what a preview compares, as JSON another process can read: every
 * resource's inputs and every rendered file, with each secret replaced by a digest (a change shows,
 * the value never does) and each PEM block by its kind (keys and certificates are generated anew by
 * every process, so their bytes say nothing about a change; the inputs they are made from do).
 */
import { createHash } from "crypto";
import { Evaluation } from "./engine";
import { isSecretValue } from "./secrets";

export interface SnapshotResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: unknown;
}

export interface SnapshotFile {
  readonly service: string;
  readonly path: string;
  readonly secret: boolean;
  readonly mode: string;
  /** The text, or for a secret file its digest. */
  readonly content: string;
}

export interface Snapshot {
  readonly stack: string;
  readonly resources: readonly SnapshotResource[];
  readonly files: readonly SnapshotFile[];
}

const PEM = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;

const digest = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;

/** A long run of base64 (the client-trust scripts travel base64-encoded, and carry the CA so inside). */
const BASE64_RUN = /[A-Za-z0-9+/]{200,}={0,2}/g;

/**
 * Text with every PEM block replaced by its kind, also inside base64-encoded text (at any depth): a
 * run that decodes to text holding a PEM block is replaced by its decoded, normalised text.
 */
export function withoutPem(text: string): string {
  const plain = text.replace(PEM, (_all, kind: string) => `-----BEGIN ${kind}----- (generated) -----END ${kind}-----`);
  return plain.replace(BASE64_RUN, (b64) => {
    const decoded = Buffer.from(b64, "base64").toString("utf8");
    if (/[^\x09\x0a\x0d\x20-\x7e]/.test(decoded)) return b64;
    const normal = withoutPem(decoded);
    return normal === decoded ? b64 : `(base64 of ${normal})`;
  });
}

function normalised(value: unknown): unknown {
  if (isSecretValue(value)) return { secret: digest(JSON.stringify(normalised(value.value))) };
  if (typeof value === "string") return withoutPem(value);
  if (Array.isArray(value)) return value.map(normalised);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalised(v)]));
  return value;
}

export function snapshotOf(e: Evaluation): Snapshot {
  return {
    stack: e.stack,
    resources: e.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, custom: r.custom, inputs: normalised(r.inputs) })),
    files: e.files.map((f) => ({ service: f.service, path: f.path, secret: f.secret, mode: f.mode, content: f.secret ? digest(withoutPem(f.content)) : withoutPem(f.content) })),
  };
}

/** The snapshot of a stack that did not exist: everything is created. */
export function emptySnapshot(stack: string): Snapshot {
  return { stack, resources: [], files: [] };
}
