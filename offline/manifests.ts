/**
 * The Kubernetes objects a stack would apply, as manifests: one YAML file per object, named by
 * namespace, kind and name. Objects holding a secret (Secrets) go apart under secrets/manifests/ with
 * mode 0600, with the offline engine's test values; everything else under manifests/.
 */
import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CapturedResource, Evaluation } from "./engine";
import { containsSecret, reveal } from "./secrets";
import { SECRETS_DIR } from "./render";

/** Where manifests go in the render's output directory. */
export const MANIFESTS_DIR = "manifests";

/** A Kubernetes object as the program declared it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

export interface ManifestListing {
  /** Relative to the output directory. */
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly secret: boolean;
}

/** Whether a captured resource is a Kubernetes object (not the provider). */
export function isKubernetesObject(r: CapturedResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && typeof r.inputs.apiVersion === "string";
}

/** Every Kubernetes object of an evaluation, secrets revealed, in the order they were declared. */
export function manifestsOf(evaluation: Evaluation): { manifest: Manifest; secret: boolean }[] {
  return evaluation.resources.filter(isKubernetesObject).map((r) => ({ manifest: reveal(r.inputs) as Manifest, secret: containsSecret(r.inputs) }));
}

export function manifestFileName(m: Manifest): string {
  return `${m.metadata.namespace ?? "cluster"}-${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
}

export function writeManifests(evaluation: Evaluation, out: string): ManifestListing[] {
  return manifestsOf(evaluation).map(({ manifest, secret }) => {
    const file = path.join(secret ? path.join(SECRETS_DIR, MANIFESTS_DIR) : MANIFESTS_DIR, manifestFileName(manifest));
    const target = path.join(out, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, stringify(manifest, { lineWidth: 0 }));
    chmodSync(target, secret ? 0o600 : 0o644);
    return { file, kind: manifest.kind, name: manifest.metadata.name, namespace: manifest.metadata.namespace, secret };
  });
}
