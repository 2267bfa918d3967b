import { createHash, randomBytes } from "crypto";
import { execFileSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";

export interface OciImage {
  /** The OCI layout directory (for skopeo's oci:<dir>:<tag>). */
  readonly dir: string;
  readonly tag: string;
  /** sha256 digest of the image manifest. */
  readonly manifestDigest: string;
  readonly layerDigests: string[];
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function writeBlob(dir: string, data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  writeFileSync(path.join(dir, "blobs", "sha256", digest.slice(7)), data);
  return { digest, size: data.length };
}

/**
 * Builds a multi-layer OCI image layout from random files, offline: each layer a gzip tar made by
 * Debian's tar, a config and a manifest, so a push and pull can be checked by digest.
 */
export function buildOciImage(root: string, layerSizes: readonly number[], tag = "v1"): OciImage {
  const dir = path.join(root, "layout");
  mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  const layers: { digest: string; size: number; diffId: string }[] = [];
  layerSizes.forEach((size, i) => {
    const content = path.join(root, `layer${i}`);
    mkdirSync(path.join(content, "data"), { recursive: true });
    writeFileSync(path.join(content, "data", `file${i}.bin`), randomBytes(size));
    const tarball = path.join(root, `layer${i}.tar`);
    execFileSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "-C", content, "-cf", tarball, "data"]);
    const tar = readFileSync(tarball);
    const gz = execFileSync("gzip", ["-n", "-c", tarball], { maxBuffer: 1 << 30 });
    layers.push({ ...writeBlob(dir, gz), diffId: sha256(tar) });
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["/bin/true"] },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const configBlob = writeBlob(dir, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...configBlob },
      layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: l.digest, size: l.size })),
    }),
  );
  const manifestBlob = writeBlob(dir, manifest);
  writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifestBlob, annotations: { "org.opencontainers.image.ref.name": tag } }],
    }),
  );
  return { dir, tag, manifestDigest: manifestBlob.digest, layerDigests: layers.map((l) => l.digest) };
}
