// @ts-check
/**
 * Brings the backup's metadata stage up to date with the registry's repositories directory: every
 * file but upload sessions in progress (`_uploads`), copied when its content differs, removed when it
 * is gone. Unchanged files keep their inode and times, so restic finds them unchanged and an unchanged
 * registry backs up to nearly nothing. The registry rewrites link files in place, so the stage is a
 * copy, never hard links: once staged, a tag cannot move under the backup.
 *
 *   node stage.js <repositories directory> <stage directory>
 *
 * Prints `@metric` lines: files staged, files copied.
 */
"use strict";

const fs = require("fs");
const path = require("path");

/**
 * @param {string} from
 * @param {string} to
 * @param {{ files: number, copied: number, removed: number }} counts
 */
function sync(from, to, counts) {
  fs.mkdirSync(to, { recursive: true });
  const wanted = new Set();
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === "_uploads") continue;
    wanted.add(entry.name);
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      sync(source, target, counts);
    } else if (entry.isFile()) {
      counts.files++;
      const content = fs.readFileSync(source);
      let same = false;
      try {
        same = fs.readFileSync(target).equals(content);
      } catch {
        // Not staged yet.
      }
      if (!same) {
        fs.writeFileSync(`${target}.tmp`, content);
        fs.renameSync(`${target}.tmp`, target);
        counts.copied++;
      }
    }
  }
  for (const name of fs.readdirSync(to)) {
    if (!wanted.has(name)) {
      fs.rmSync(path.join(to, name), { recursive: true, force: true });
      counts.removed++;
    }
  }
}

function main() {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    process.stderr.write("usage: stage.js <repositories directory> <stage directory>\n");
    process.exitCode = 2;
    return;
  }
  const counts = { files: 0, copied: 0, removed: 0 };
  sync(from, to, counts);
  process.stdout.write(`staged ${counts.files} metadata files (${counts.copied} changed, ${counts.removed} removed)\n`);
  process.stdout.write(`@metric backup_metadata_files ${counts.files}\n`);
}

main();
