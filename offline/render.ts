import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { Evaluation } from "./engine";
import { carriedFiles, testCredentials } from "./files";

export interface RenderedListing {
  readonly resource: string;
  readonly path: string;
  readonly file: string;
  readonly mode: string;
}

/**
 * Writes every file the evaluation's resources carry as <out>/<resource>/<path in container>, with its
 * mode, plus files.json (the listing) and credentials.json (the offline engine's test passwords).
 */
export function writeRendered(evaluation: Evaluation, out: string): RenderedListing[] {
  const listing = carriedFiles(evaluation).map((f) => {
    const file = path.join(f.resource, f.path);
    const target = path.join(out, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    chmodSync(target, parseInt(f.mode, 8));
    return { resource: f.resource, path: f.path, file, mode: f.mode };
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "files.json"), JSON.stringify(listing, null, 2) + "\n");
  writeFileSync(path.join(out, "credentials.json"), JSON.stringify({ users: testCredentials(evaluation) }, null, 2) + "\n", { mode: 0o600 });
  return listing;
}
