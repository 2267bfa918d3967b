// @ts-check
/**
 * Validates Kubernetes manifests against the API's OpenAPI schemas with kubernetes-models (the
 * Kubernetes version its README names), offline. kubernetes-models is ESM-only, so this runs as its
 * own node process: `node check/validateManifests.mjs <file or dir>...`. Prints one JSON line per
 * manifest ({file, kind, name, ok, errors}) and exits 1 when any is invalid or of an unknown kind.
 */
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

/** @param {string} target @returns {string[]} */
function yamlFiles(target) {
  if (statSync(target).isDirectory()) return readdirSync(target).sort().flatMap((f) => yamlFiles(path.join(target, f)));
  return /\.ya?ml$/.test(target) ? [target] : [];
}

/** The kubernetes-models module of an apiVersion: "v1" → kubernetes-models/v1, "apps/v1" → kubernetes-models/apps/v1. */
/** @param {string} apiVersion */
function moduleOf(apiVersion) {
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion)) throw new Error(`not an apiVersion: ${apiVersion}`);
  return `kubernetes-models/${apiVersion}`;
}

let failed = false;
for (const file of process.argv.slice(2).flatMap(yamlFiles)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    /** @type {{ apiVersion?: string, kind?: string, metadata?: { name?: string } }} */
    const object = doc.toJS();
    const result = { file, kind: object.kind, name: object.metadata?.name, ok: true, errors: /** @type {string[]} */ ([]) };
    try {
      const models = await import(moduleOf(String(object.apiVersion)));
      const Model = models[String(object.kind)];
      if (typeof Model !== "function") throw new Error(`kubernetes-models has no ${object.kind} in ${object.apiVersion}`);
      new Model(object).validate();
    } catch (e) {
      result.ok = false;
      const err = /** @type {{ message: string, errors?: { instancePath?: string, message?: string, params?: unknown }[] }} */ (e);
      result.errors = err.errors ? err.errors.map((x) => `${x.instancePath ?? ""} ${x.message ?? ""} ${JSON.stringify(x.params ?? {})}`.trim()) : [err.message];
      failed = true;
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
