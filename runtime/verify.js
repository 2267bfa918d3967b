// @ts-check
/**
 * Verifies a registry's content through its API: every tag found in the repositories directory is
 * fetched by tag, its manifest's digest checked against the tag's link, the children of an index
 * fetched and checked the same way, and every blob a manifest names downloaded and hashed.
 *
 *   node verify.js <registry base URL> <repositories directory>
 *
 * Prints one line per problem, naming repository, tag and digest; `@metric` lines for the scheduler;
 * exits 1 when anything is missing or corrupt, 0 when every tag is whole.
 */
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.v1+prettyjws",
].join(", ");
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Repositories and their tags, from the storage layout (…/<repo>/_manifests/tags/<tag>/current/link).
 * @param {string} root the repositories directory
 * @returns {{ repo: string, tag: string, digest: string }[]}
 */
function tagsOnDisk(root) {
  /** @type {{ repo: string, tag: string, digest: string }[]} */
  const found = [];
  /** @param {string} dir @param {string} repo */
  const walk = (dir, repo) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name === "_manifests") {
        const tagsDir = path.join(dir, "_manifests", "tags");
        if (!fs.existsSync(tagsDir)) continue;
        for (const tag of fs.readdirSync(tagsDir)) {
          const link = path.join(tagsDir, tag, "current", "link");
          if (fs.existsSync(link)) found.push({ repo, tag, digest: fs.readFileSync(link, "utf8").trim() });
        }
      } else if (!entry.name.startsWith("_")) {
        walk(path.join(dir, entry.name), repo ? `${repo}/${entry.name}` : entry.name);
      }
    }
  };
  walk(root, "");
  return found.sort((a, b) => `${a.repo}:${a.tag}`.localeCompare(`${b.repo}:${b.tag}`));
}

/**
 * @param {string} url
 * @param {Record<string, string>} headers
 * @returns {Promise<{ status: number, body: Buffer, type: string }>}
 */
async function get(url, headers) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(600000) });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, body, type: response.headers.get("content-type") ?? "" };
}

/**
 * Downloads a blob and hashes it as it streams (layers can be larger than the job's memory).
 * @param {string} url
 * @returns {Promise<{ status: number, digest: string, size: number }>}
 */
async function hashBlob(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(3600000) });
  const hash = crypto.createHash("sha256");
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      hash.update(chunk);
      size += chunk.length;
    }
  }
  return { status: response.status, digest: `sha256:${hash.digest("hex")}`, size };
}

/** @param {Buffer} body */
const sha256 = (body) => `sha256:${crypto.createHash("sha256").update(body).digest("hex")}`;

/**
 * @param {string} base
 * @param {string} reposDir
 */
async function verify(base, reposDir) {
  const tags = tagsOnDisk(reposDir);
  /** @type {string[]} */
  const problems = [];
  /** @type {Set<string>} */
  const blobsSeen = new Set();
  let bytes = 0;
  let manifests = 0;

  /**
   * @param {string} repo
   * @param {string} ref tag or digest
   * @param {string} expected the digest it must have
   * @param {string} where for messages
   */
  const checkManifest = async (repo, ref, expected, where) => {
    const m = await get(`${base}/v2/${repo}/manifests/${ref}`, { Accept: ACCEPT });
    if (m.status !== 200) return void problems.push(`${where}: manifest ${expected} answered ${m.status}`);
    const actual = sha256(m.body);
    if (actual !== expected) return void problems.push(`${where}: manifest ${expected} has content ${actual}`);
    manifests++;
    /** @type {{ mediaType?: string, manifests?: { digest: string }[], config?: { digest: string }, layers?: { digest: string }[] }} */
    let doc;
    try {
      doc = JSON.parse(m.body.toString("utf8"));
    } catch {
      return void problems.push(`${where}: manifest ${expected} is not JSON`);
    }
    if (Array.isArray(doc.manifests)) {
      for (const child of doc.manifests) {
        if (!DIGEST.test(child.digest)) problems.push(`${where}: index child "${child.digest}" is not a sha256 digest`);
        else await checkManifest(repo, child.digest, child.digest, `${where} (child ${child.digest.slice(0, 19)})`);
      }
      return;
    }
    const blobs = [doc.config, ...(doc.layers ?? [])].filter((b) => b !== undefined);
    for (const blob of /** @type {{ digest: string }[]} */ (blobs)) {
      const key = `${repo}@${blob.digest}`;
      if (blobsSeen.has(key)) continue;
      blobsSeen.add(key);
      const b = await hashBlob(`${base}/v2/${repo}/blobs/${blob.digest}`);
      if (b.status !== 200) problems.push(`${where}: blob ${blob.digest} answered ${b.status}`);
      else if (b.digest !== blob.digest) problems.push(`${where}: blob ${blob.digest} is corrupt (content ${b.digest})`);
      else bytes += b.size;
    }
  };

  for (const t of tags) {
    try {
      await checkManifest(t.repo, t.tag, t.digest, `${t.repo}:${t.tag}`);
    } catch (e) {
      problems.push(`${t.repo}:${t.tag}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const p of problems) process.stdout.write(`MISSING OR CORRUPT ${p}\n`);
  const repos = new Set(tags.map((t) => t.repo)).size;
  process.stdout.write(`verified ${tags.length} tags in ${repos} repositories: ${manifests} manifests, ${blobsSeen.size} blobs, ${bytes} bytes; ${problems.length} problems\n`);
  process.stdout.write(`@metric verify_tags ${tags.length}\n@metric verify_blob_bytes ${bytes}\n@metric verify_problems ${problems.length}\n`);
  if (tags.length === 0) process.stdout.write("no tags found: nothing was verified\n");
  return problems.length === 0;
}

async function main() {
  const [base, reposDir] = process.argv.slice(2);
  if (!base || !reposDir) {
    process.stderr.write("usage: verify.js <registry base URL> <repositories directory>\n");
    process.exitCode = 2;
    return;
  }
  process.exitCode = (await verify(base.replace(/\/$/, ""), reposDir)) ? 0 : 1;
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}

module.exports = { tagsOnDisk };
