/**
 * The storage-usage job (runtime/usage.js) on a crafted registry storage: the blobs counted once in
 * the total, per repository the blobs it links (a shared blob in each), nested repository names, a
 * blob that vanished during the scan skipped, and a textfile node-exporter can read.
 */
import { execFileSync } from "child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { scratchDir } from "../support/scratch";

const USAGE = path.join(__dirname, "..", "..", "runtime", "usage.js");
const work = scratchDir("regstack-usage-");
afterAll(() => rmSync(work, { recursive: true, force: true }));

const storage = path.join(work, "data", "docker", "registry", "v2");
const hex = (c: string) => c.repeat(64);
function blob(c: string, bytes: number): void {
  const dir = path.join(storage, "blobs", "sha256", hex(c).slice(0, 2), hex(c));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "data"), Buffer.alloc(bytes));
}
function link(repository: string, kind: "_layers" | "_manifests/revisions", c: string): void {
  const dir = path.join(storage, "repositories", repository, kind, "sha256", hex(c));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "link"), `sha256:${hex(c)}`);
}

describe("the storage-usage job", () => {
  it("counts each blob once in the total and, per repository, the blobs it links", () => {
    blob("a", 1000); // a layer both repositories share
    blob("b", 300); // app's own layer
    blob("c", 20); // app's manifest
    blob("d", 30); // base's manifest
    blob("e", 5000); // unreferenced (GC has not run)
    link("team/app", "_layers", "a");
    link("team/app", "_layers", "b");
    link("team/app", "_manifests/revisions", "c");
    mkdirSync(path.join(storage, "repositories", "team", "app", "_manifests", "tags"), { recursive: true });
    link("base", "_layers", "a");
    link("base", "_manifests/revisions", "d");
    // A link whose blob is gone (deleted by GC meanwhile): skipped, not an error.
    link("base", "_layers", "f");
    const out = path.join(work, "metrics", "regstack_storage.prom");
    const stdout = execFileSync("node", [USAGE, out], { env: { ...process.env, REGSTACK_REGISTRY_DATA: path.join(work, "data"), REGSTACK_STACK: "test" }, encoding: "utf8" });
    expect(stdout).toContain("@metric storage_bytes 6350\n");
    const text = readFileSync(out, "utf8");
    expect(text).toContain('regstack_storage_bytes{stack="test"} 6350\n');
    expect(text).toContain('regstack_storage_blobs{stack="test"} 5\n');
    expect(text).toContain('regstack_storage_repository_bytes{stack="test",repository="base"} 1030\n');
    expect(text).toContain('regstack_storage_repository_bytes{stack="test",repository="team/app"} 1320\n');
    expect(text).toMatch(/regstack_storage_measured_timestamp_seconds\{stack="test"\} \d+\n/);
    // Every sample line is name{labels} value, and each metric has its HELP and TYPE.
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line).toMatch(/^[a-z_]+\{[^}]*\} \d+$/);
    expect(text.match(/^# TYPE /gm)!.length).toBe(4);
  });

  it("refuses to run without its storage or its textfile", () => {
    expect(() => execFileSync("node", [USAGE], { env: { ...process.env, REGSTACK_REGISTRY_DATA: "" }, stdio: "pipe" })).toThrow(/usage:/);
  });
});
