import { execFileSync } from "child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { createHash } from "crypto";

export interface OciImage {
  /** The OCI layout directory (for skopeo's oci:<dir>:<tag>). */
  readonly dir: string;
  readonly tag: string;
  /** sha256 digest of the image manifest. */
  readonly manifestDigest: string;
  readonly layerDigests: string[];
}

export interface LayerSpec {
  /** Bytes of random content in the layer. */
  readonly size: number;
  /** gzip the layer (tar+gzip) or keep it a plain tar (for very large layers). */
  readonly gzip: boolean;
}

function sha256File(file: string): string {
  return `sha256:${execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0]}`;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Moves a file into the layout's blob store under its digest. */
function storeFile(dir: string, file: string): { digest: string; size: number } {
  const digest = sha256File(file);
  const size = statSync(file).size;
  renameSync(file, path.join(dir, "blobs", "sha256", digest.slice(7)));
  return { digest, size };
}

function storeBytes(dir: string, data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  writeFileSync(path.join(dir, "blobs", "sha256", digest.slice(7)), data);
  return { digest, size: data.length };
}

/** The layout's oci-layout marker and index.json, naming one manifest or image index under `tag`. */
function writeLayoutIndex(dir: string, mediaType: string, blob: { digest: string; size: number }, tag: string): void {
  writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType, ...blob, annotations: { "org.opencontainers.image.ref.name": tag } }] }),
  );
}

/**
 * Builds an OCI image layout offline from random files: each layer a tar (gzip or plain) made by
 * Debian's tar, hashed by sha256sum, so multi-GB layers never pass through Node's memory.
 */
export function buildOciImage(root: string, layers: readonly LayerSpec[], tag = "v1"): OciImage {
  const dir = path.join(root, "layout");
  mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
  const made = layers.map((layer, i) => {
    const content = path.join(root, `layer${i}`);
    mkdirSync(path.join(content, "data"), { recursive: true });
    execFileSync("sh", ["-c", `head -c ${layer.size} /dev/urandom > "$1"`, "sh", path.join(content, "data", `file${i}.bin`)]);
    const tarball = path.join(root, `layer${i}.tar`);
    execFileSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "-C", content, "-cf", tarball, "data"]);
    execFileSync("rm", ["-rf", content]);
    const diffId = sha256File(tarball);
    if (!layer.gzip) return { ...storeFile(dir, tarball), diffId, mediaType: "application/vnd.oci.image.layer.v1.tar" };
    execFileSync("gzip", ["-n", "-1", tarball]);
    return { ...storeFile(dir, `${tarball}.gz`), diffId, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" };
  });
  const config = storeBytes(
    dir,
    Buffer.from(
      JSON.stringify({ architecture: "amd64", os: "linux", config: { Cmd: ["/bin/true"] }, rootfs: { type: "layers", diff_ids: made.map((l) => l.diffId) } }),
    ),
  );
  const manifest = storeBytes(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: made.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }),
    ),
  );
  writeLayoutIndex(dir, "application/vnd.oci.image.manifest.v1+json", manifest, tag);
  return { dir, tag, manifestDigest: manifest.digest, layerDigests: made.map((l) => l.digest) };
}

/** The digest of a blob in a layout, recomputed from its bytes. */
export function blobDigest(layout: string, digest: string): string {
  return sha256File(path.join(layout, "blobs", "sha256", digest.slice(7)));
}

export interface MultiArchImage {
  readonly dir: string;
  readonly tag: string;
  /** Digest of the image index. */
  readonly indexDigest: string;
  readonly manifestDigests: string[];
}

/** An OCI image index over one small image per platform (e.g. linux/amd64 and linux/arm64). */
export function buildMultiArchImage(root: string, platforms: readonly string[], tag = "multi"): MultiArchImage {
  const dir = path.join(root, "layout");
  const entries = platforms.map((platform, i) => {
    const [os, architecture] = platform.split("/");
    const single = buildOciImage(path.join(root, `p${i}`), [{ size: 64 << 10, gzip: true }], "x");
    const index = JSON.parse(readFileSync(path.join(single.dir, "index.json"), "utf8"));
    mkdirSync(path.join(dir, "blobs", "sha256"), { recursive: true });
    for (const blob of readdirSync(path.join(single.dir, "blobs", "sha256"))) {
      renameSync(path.join(single.dir, "blobs", "sha256", blob), path.join(dir, "blobs", "sha256", blob));
    }
    const { mediaType, digest, size } = index.manifests[0] as { mediaType: string; digest: string; size: number };
    return { mediaType, digest, size, platform: { os, architecture } };
  });
  const index = storeBytes(dir, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: entries })));
  writeLayoutIndex(dir, "application/vnd.oci.image.index.v1+json", index, tag);
  return { dir, tag, indexDigest: index.digest, manifestDigests: entries.map((e) => e.digest as string) };
}
