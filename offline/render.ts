import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { Evaluation } from "./engine";
import { testCredentials } from "./files";

/** One entry of files.json. */
export interface RenderedListing {
  readonly service: string;
  /** Absolute path inside the service. */
  readonly path: string;
  /** Where it was written, relative to the output directory. */
  readonly file: string;
  readonly mode: string;
  readonly secret: boolean;
}

function write(out: string, file: string, content: string, mode: number): void {
  const target = path.join(out, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  chmodSync(target, mode);
}

/** Where secret files go, apart from the rendered configuration. */
export const SECRETS_DIR = "secrets";

/**
 * Writes what the platform's services read: the rendered configuration by service and path
 * (<out>/<service>/<path>), listed in files.json, none of it secret; the secret files (users' hashes,
 * private keys, passwords) apart under <out>/secrets/<service>/<path> with mode 0600, listed in
 * secrets.json; the client-trust scripts (<out>/clients/<name>/apply.sh, remove.sh, in files.json,
 * or in secrets.json when a script carries a login); and credentials.json (the offline engine's test
 * passwords).
 */
export function writeRendered(evaluation: Evaluation, out: string): RenderedListing[] {
  mkdirSync(out, { recursive: true });
  const listing: RenderedListing[] = evaluation.files.map((f) => {
    const file = f.secret ? path.join(SECRETS_DIR, f.service, f.path) : path.join(f.service, f.path);
    write(out, file, f.content, f.secret ? 0o600 : parseInt(f.mode, 8));
    return { service: f.service, path: f.path, file, mode: f.mode, secret: f.secret };
  });
  for (const c of evaluation.clientScripts) {
    for (const [script, content] of [["apply.sh", c.apply], ["remove.sh", c.remove]] as const) {
      const secret = c.secret && script === "apply.sh";
      const file = secret ? path.join(SECRETS_DIR, "clients", c.client, script) : path.join("clients", c.client, script);
      write(out, file, content, secret ? 0o700 : 0o755);
      listing.push({ service: `clients/${c.client}`, path: script, file, mode: "0755", secret });
    }
  }
  writeFileSync(path.join(out, "files.json"), JSON.stringify(listing.filter((l) => !l.secret), null, 2) + "\n");
  writeFileSync(path.join(out, "secrets.json"), JSON.stringify(listing.filter((l) => l.secret), null, 2) + "\n", { mode: 0o600 });
  writeFileSync(path.join(out, "credentials.json"), JSON.stringify({ users: testCredentials(evaluation) }, null, 2) + "\n", { mode: 0o600 });
  return listing;
}
