// @ts-check
/**
 * Storage usage: what the registry's storage holds, in total and per repository, as a Prometheus
 * textfile for node-exporter (distribution exports no storage size).
 *
 *   node usage.js <textfile>
 *
 * Reads the storage the job has mounted ($REGSTACK_REGISTRY_DATA) and only reads it: a blob GC deletes
 * while it runs is skipped. A repository's bytes are the blobs it links (its layers and manifests); a
 * blob several repositories share counts in each of them, and once in the total.
 */
"use strict";

const fs = require("fs");
const path = require("path");

/** @param {string} file */
function sizeOf(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** @param {string} dir */
function entries(dir) {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Digests under a `_layers` or `_manifests/revisions` directory (`sha256/<hex>/link`).
 * @param {string} dir
 * @returns {string[]}
 */
function linkedDigests(dir) {
  /** @type {string[]} */
  const found = [];
  for (const algorithm of entries(dir)) {
    if (!algorithm.isDirectory()) continue;
    for (const hex of entries(path.join(dir, algorithm.name))) {
      if (hex.isDirectory() && fs.existsSync(path.join(dir, algorithm.name, hex.name, "link"))) found.push(`${algorithm.name}:${hex.name}`);
    }
  }
  return found;
}

/**
 * Every repository below `root`, by name: a directory holding `_manifests` is one.
 * @param {string} root
 * @returns {Map<string, string>}
 */
function repositoriesUnder(root) {
  /** @type {Map<string, string>} */
  const found = new Map();
  /** @param {string} dir @param {string} name */
  const walk = (dir, name) => {
    const children = entries(dir);
    if (children.some((c) => c.name === "_manifests")) found.set(name, dir);
    for (const c of children) {
      if (c.isDirectory() && !c.name.startsWith("_")) walk(path.join(dir, c.name), name ? `${name}/${c.name}` : c.name);
    }
  };
  walk(root, "");
  return found;
}

/**
 * Bytes in total and per repository.
 * @param {string} storage the `docker/registry/v2` directory
 * @returns {{ total: number, blobs: number, repositories: Map<string, number> }}
 */
function measure(storage) {
  const blobRoot = path.join(storage, "blobs");
  /** @param {string} digest */
  const blobFile = (digest) => {
    const [algorithm, hex] = digest.split(":");
    return path.join(blobRoot, algorithm, hex.slice(0, 2), hex, "data");
  };
  let total = 0;
  let blobs = 0;
  for (const algorithm of entries(blobRoot)) {
    for (const prefix of entries(path.join(blobRoot, algorithm.name))) {
      for (const hex of entries(path.join(blobRoot, algorithm.name, prefix.name))) {
        total += sizeOf(path.join(blobRoot, algorithm.name, prefix.name, hex.name, "data"));
        blobs += 1;
      }
    }
  }
  /** @type {Map<string, number>} */
  const repositories = new Map();
  for (const [name, dir] of repositoriesUnder(path.join(storage, "repositories"))) {
    const digests = new Set([...linkedDigests(path.join(dir, "_layers")), ...linkedDigests(path.join(dir, "_manifests", "revisions"))]);
    let bytes = 0;
    for (const d of digests) bytes += sizeOf(blobFile(d));
    repositories.set(name, bytes);
  }
  return { total, blobs, repositories };
}

/** @param {string} value */
function labelValue(value) {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/**
 * The textfile: regstack_storage_bytes, regstack_storage_blobs and regstack_storage_repository_bytes.
 * @param {ReturnType<typeof measure>} usage
 * @param {string} stack
 */
function textfile(usage, stack) {
  const s = `stack="${labelValue(stack)}"`;
  const lines = [
    "# HELP regstack_storage_bytes Bytes of the registry's blobs, each stored once.",
    "# TYPE regstack_storage_bytes gauge",
    `regstack_storage_bytes{${s}} ${usage.total}`,
    "# HELP regstack_storage_blobs Blobs in the registry's storage.",
    "# TYPE regstack_storage_blobs gauge",
    `regstack_storage_blobs{${s}} ${usage.blobs}`,
    "# HELP regstack_storage_repository_bytes Bytes of the blobs a repository links (shared blobs count in each).",
    "# TYPE regstack_storage_repository_bytes gauge",
    ...[...usage.repositories].sort(([a], [b]) => a.localeCompare(b)).map(([name, bytes]) => `regstack_storage_repository_bytes{${s},repository="${labelValue(name)}"} ${bytes}`),
    "# HELP regstack_storage_measured_timestamp_seconds When the storage was last measured.",
    "# TYPE regstack_storage_measured_timestamp_seconds gauge",
    `regstack_storage_measured_timestamp_seconds{${s}} ${Math.floor(Date.now() / 1000)}`,
  ];
  return `${lines.join("\n")}\n`;
}

function main() {
  const out = process.argv[2];
  const data = process.env.REGSTACK_REGISTRY_DATA;
  if (!out || !data) {
    process.stderr.write("usage: REGSTACK_REGISTRY_DATA=<dir> node usage.js <textfile>\n");
    process.exitCode = 2;
    return;
  }
  const usage = measure(path.join(data, "docker", "registry", "v2"));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, textfile(usage, process.env.REGSTACK_STACK ?? ""));
  fs.renameSync(tmp, out);
  process.stdout.write(`@metric storage_bytes ${usage.total}\n@metric storage_repositories ${usage.repositories.size}\n`);
}

if (require.main === module) main();

module.exports = { measure, textfile };
