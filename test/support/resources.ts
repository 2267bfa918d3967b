import { CapturedResource, Evaluation } from "../../offline/engine";
import { reveal } from "../../offline/secrets";

export const CONTAINER = "docker:index/container:Container";
export const VOLUME = "docker:index/volume:Volume";

export function byName(e: Evaluation, name: string): CapturedResource {
  const found = e.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have ${e.resources.map((r) => r.name).join(", ")}`);
  return found;
}

export function ofType(e: Evaluation, type: string): CapturedResource[] {
  return e.resources.filter((r) => r.type === type);
}

/** Long-running service containers (one-shot jobs have mustRun false). */
export function services(e: Evaluation): CapturedResource[] {
  return ofType(e, CONTAINER).filter((r) => r.inputs.mustRun !== false);
}

/** A resource's inputs with secrets revealed, for comparing before and after an edit. */
export function plainInputs(r: CapturedResource): unknown {
  return reveal(r.inputs);
}

/** Names of resources that are new, gone, or whose inputs changed between two evaluations. */
export function diff(before: Evaluation, after: Evaluation): { added: string[]; removed: string[]; changed: string[] } {
  const index = (e: Evaluation) => new Map(e.resources.map((r) => [r.urn, r]));
  const a = index(before);
  const b = index(after);
  const added = [...b.keys()].filter((k) => !a.has(k)).map((k) => b.get(k)!.name);
  const removed = [...a.keys()].filter((k) => !b.has(k)).map((k) => a.get(k)!.name);
  const changed = [...b.keys()]
    .filter((k) => a.has(k) && JSON.stringify(plainInputs(a.get(k)!)) !== JSON.stringify(plainInputs(b.get(k)!)))
    .map((k) => b.get(k)!.name);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
