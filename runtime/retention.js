// @ts-check
/**
 * Tag retention: a pure keep/delete engine (planRetention) and the job around it.
 *
 *   node retention.js run    plan from the registry's storage, write the plan, delete unless a dry run
 *   node retention.js undo <deleted file>   put deleted tags back (until garbage collection has run)
 *
 * The job reads tags from the storage it has mounted ($REGSTACK_REGISTRY_DATA): a tag's age is when it
 * was last pushed (its link file's time). Its rules come from $RETENTION_RULES (a JSON file rendered
 * from config); it deletes through the registry's API ($REGSTACK_REGISTRY_URL), by manifest digest, so
 * every tag on a deleted digest is one the plan deletes. Plans and deleted tag/digest pairs are kept
 * under $REGSTACK_STATE/retention.
 */
"use strict";

const fs = require("fs");
const path = require("path");

/**
 * @typedef {{ repositories: string, excludeRepositories: string[], tags: string, excludeTags: string[], keepLast: number, keepDays: number, protect: string[] }} RetentionRule
 * @typedef {{ tag: string, digest: string, pushedAt: number }} TagInfo
 * @typedef {{ name: string, tags: TagInfo[], children: Record<string, string[]> }} RepositoryInfo
 * @typedef {{ repository: string, tag: string, digest: string, action: "keep" | "delete", rule: number | null, reason: string }} PlanEntry
 */

const SIGNATURE_TAG = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/;

/**
 * A repository glob: `*` matches within one path segment, `**` across segments.
 * @param {string} glob
 */
function globToRegExp(glob) {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/**
 * The rule that governs a repository: the first whose `repositories` matches and whose
 * `excludeRepositories` do not.
 * @param {string} repository
 * @param {readonly RetentionRule[]} rules
 * @returns {number | null}
 */
function ruleFor(repository, rules) {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (globToRegExp(r.repositories).test(repository) && !r.excludeRepositories.some((g) => globToRegExp(g).test(repository))) return i;
  }
  return null;
}

/**
 * Decides, for every tag, keep or delete, with the rule and the reason. Pure: the same input gives the
 * same plan. It never deletes a protected tag, a tag sharing its digest with a kept tag, a tag on a
 * child of a kept index, or a signature/attestation/SBOM tag of a kept digest; repositories no rule
 * governs are left alone.
 * @param {readonly RepositoryInfo[]} repositories
 * @param {readonly RetentionRule[]} rules
 * @param {number} now seconds since the epoch
 * @returns {PlanEntry[]}
 */
function planRetention(repositories, rules, now) {
  /** @type {PlanEntry[]} */
  const plan = [];
  for (const repo of [...repositories].sort((a, b) => a.name.localeCompare(b.name))) {
    const index = ruleFor(repo.name, rules);
    /** @type {Map<string, PlanEntry>} */
    const decided = new Map();
    const entry = (/** @type {TagInfo} */ t, /** @type {"keep" | "delete"} */ action, /** @type {string} */ reason) =>
      decided.set(t.tag, { repository: repo.name, tag: t.tag, digest: t.digest, action, rule: index, reason });
    if (index === null) {
      for (const t of repo.tags) entry(t, "keep", "no rule governs this repository");
    } else {
      const rule = rules[index];
      const include = new RegExp(rule.tags);
      const exclude = rule.excludeTags.map((p) => new RegExp(p));
      const protect = rule.protect.map((p) => new RegExp(p));
      /** @type {TagInfo[]} */
      const candidates = [];
      for (const t of repo.tags) {
        if (SIGNATURE_TAG.test(t.tag)) continue; // decided by what it signs, below
        if (!include.test(t.tag) || exclude.some((x) => x.test(t.tag))) entry(t, "keep", "not selected by the rule's tag filters");
        else if (protect.some((p) => p.test(t.tag))) entry(t, "keep", "protected");
        else candidates.push(t);
      }
      candidates.sort((a, b) => b.pushedAt - a.pushedAt || b.tag.localeCompare(a.tag));
      const cutoff = now - rule.keepDays * 86400;
      candidates.forEach((t, i) => {
        if (i < rule.keepLast) entry(t, "keep", `among the newest ${rule.keepLast}`);
        else if (rule.keepDays > 0 && t.pushedAt >= cutoff) entry(t, "keep", `pushed within ${rule.keepDays} days`);
        else entry(t, "delete", `older than ${rule.keepDays} days and not among the newest ${rule.keepLast}`);
      });
      // Signatures, attestations and SBOMs follow what they sign: deleted only with their subject, and
      // only when no other tag shares their own digest. Until decided they count as kept.
      const signatures = repo.tags.filter((t) => SIGNATURE_TAG.test(t.tag)).sort((a, b) => a.tag.localeCompare(b.tag));
      for (const t of signatures) entry(t, "keep", "");
      const digestCount = new Map();
      for (const t of repo.tags) digestCount.set(t.digest, (digestCount.get(t.digest) ?? 0) + 1);
      // Until nothing changes: what a kept tag needs stays (every tag on its digest, the children of a
      // kept index, transitively); then each signature is decided against what is kept. Decisions
      // only ever move to keep after the first round, so this ends.
      for (let round = 0; ; round++) {
        /** @type {Map<string, string>} */
        const keptDigests = new Map();
        const keepDigest = (/** @type {string} */ digest, /** @type {string} */ why) => {
          if (keptDigests.has(digest)) return;
          keptDigests.set(digest, why);
          for (const child of repo.children[digest] ?? []) keepDigest(child, `a child of index ${digest.slice(0, 19)} (kept)`);
        };
        const ordered = [...decided.values()].sort((a, b) => a.tag.localeCompare(b.tag));
        for (const e of ordered) if (e.action === "keep" && !(round === 0 && SIGNATURE_TAG.test(e.tag))) keepDigest(e.digest, `shares its digest with kept tag ${e.tag}`);
        let changed = false;
        for (const e of ordered) {
          if (e.action === "delete" && !SIGNATURE_TAG.test(e.tag) && keptDigests.has(e.digest)) {
            e.action = "keep";
            e.reason = keptDigests.get(e.digest) ?? "";
            changed = true;
          }
        }
        for (const t of signatures) {
          const m = /** @type {RegExpExecArray} */ (SIGNATURE_TAG.exec(t.tag));
          const subject = `sha256:${m[1]}`;
          const e = /** @type {PlanEntry} */ (decided.get(t.tag));
          const subjectDeleted = ordered.some((x) => x.digest === subject && x.action === "delete") && !keptDigests.has(subject);
          const action = subjectDeleted && digestCount.get(t.digest) === 1 ? "delete" : "keep";
          const reason = action === "delete" ? `${m[2]} of deleted ${subject.slice(0, 19)}` : keptDigests.has(subject) ? `${m[2]} of kept ${subject.slice(0, 19)}` : `${m[2]} of an image not in this plan`;
          if (e.action !== action && (round === 0 || action === "keep")) changed = true;
          if (round === 0 || action === "keep") {
            e.action = action;
            e.reason = reason;
          }
        }
        if (!changed && round > 0) break;
      }
    }
    plan.push(...[...decided.values()].sort((a, b) => a.tag.localeCompare(b.tag)));
  }
  return plan;
}

/**
 * Repositories, their tags (digest, last push time) and index children, from a storage root.
 * @param {string} storage the docker/registry/v2 directory
 * @returns {RepositoryInfo[]}
 */
function readRepositories(storage) {
  const root = path.join(storage, "repositories");
  /** @type {RepositoryInfo[]} */
  const found = [];
  const blob = (/** @type {string} */ digest) => path.join(storage, "blobs", "sha256", digest.slice(7, 9), digest.slice(7), "data");
  /** @param {string} dir @param {string} name */
  const walk = (dir, name) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (e.name === "_manifests") {
        const tagsDir = path.join(dir, "_manifests", "tags");
        /** @type {TagInfo[]} */
        const tags = [];
        /** @type {Record<string, string[]>} */
        const children = {};
        const manifestChildren = (/** @type {string} */ digest, /** @type {number} */ depth) => {
          if (children[digest] || depth > 4) return;
          try {
            const doc = JSON.parse(fs.readFileSync(blob(digest), "utf8"));
            children[digest] = Array.isArray(doc.manifests) ? doc.manifests.map((/** @type {{ digest: string }} */ m) => m.digest) : [];
            for (const c of children[digest]) manifestChildren(c, depth + 1);
          } catch {
            children[digest] = [];
          }
        };
        if (fs.existsSync(tagsDir)) {
          for (const tag of fs.readdirSync(tagsDir)) {
            const link = path.join(tagsDir, tag, "current", "link");
            if (!fs.existsSync(link)) continue;
            const digest = fs.readFileSync(link, "utf8").trim();
            tags.push({ tag, digest, pushedAt: Math.floor(fs.statSync(link).mtimeMs / 1000) });
            manifestChildren(digest, 0);
          }
        }
        found.push({ name, tags, children });
      } else if (!e.name.startsWith("_")) {
        walk(path.join(dir, e.name), name ? `${name}/${e.name}` : e.name);
      }
    }
  };
  if (fs.existsSync(root)) walk(root, "");
  return found;
}

/** @param {string} name */
function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function run() {
  const storage = path.join(env("REGSTACK_REGISTRY_DATA"), "docker", "registry", "v2");
  const rules = /** @type {RetentionRule[]} */ (JSON.parse(fs.readFileSync(env("RETENTION_RULES"), "utf8")));
  const dryRun = process.env.RETENTION_DRY_RUN !== "false";
  const dir = path.join(env("REGSTACK_STATE"), "retention");
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const plan = planRetention(readRepositories(storage), rules, Date.now() / 1000);
  const planFile = path.join(dir, `plan-${stamp}.json`);
  fs.writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  const deletes = plan.filter((e) => e.action === "delete");
  process.stdout.write(`plan ${planFile}: ${plan.length} tags, ${deletes.length} to delete${dryRun ? " (dry run: nothing deleted)" : ""}\n`);
  for (const e of deletes) process.stdout.write(`  delete ${e.repository}:${e.tag} ${e.digest} (${e.reason})\n`);
  process.stdout.write(`@metric retention_tags ${plan.length}\n@metric retention_planned_deletes ${deletes.length}\n`);
  if (dryRun || deletes.length === 0) return 0;

  const base = env("REGSTACK_REGISTRY_URL").replace(/\/$/, "");
  /** @type {Map<string, PlanEntry[]>} */
  const byDigest = new Map();
  for (const e of deletes) byDigest.set(`${e.repository}@${e.digest}`, [...(byDigest.get(`${e.repository}@${e.digest}`) ?? []), e]);
  /** @type {(PlanEntry & { mediaType: string })[]} */
  const deleted = [];
  const deletedFile = path.join(dir, `deleted-${stamp}.json`);
  let failures = 0;
  for (const [key, entries] of byDigest) {
    const [repository, digest] = key.split("@");
    let mediaType = "";
    try {
      mediaType = JSON.parse(fs.readFileSync(path.join(storage, "blobs", "sha256", digest.slice(7, 9), digest.slice(7), "data"), "utf8")).mediaType ?? "";
    } catch {
      // Not readable: undo then sends no content type of its own.
    }
    const response = await fetch(`${base}/v2/${repository}/manifests/${digest}`, { method: "DELETE" });
    if (response.status === 202) {
      deleted.push(...entries.map((e) => ({ ...e, mediaType })));
      fs.writeFileSync(deletedFile, `${JSON.stringify(deleted, null, 2)}\n`);
    } else {
      failures++;
      process.stdout.write(`could not delete ${repository}@${digest}: the registry answered ${response.status}\n`);
    }
  }
  process.stdout.write(`deleted ${deleted.length} tags on ${byDigest.size - failures} digests; to put them back before GC runs: job.sh run retention undo ${deletedFile}\n`);
  process.stdout.write(`@metric retention_deleted_tags ${deleted.length}\n`);
  return failures === 0 ? 0 : 1;
}

/** @param {string} file */
async function undo(file) {
  const storage = path.join(env("REGSTACK_REGISTRY_DATA"), "docker", "registry", "v2");
  const base = env("REGSTACK_REGISTRY_URL").replace(/\/$/, "");
  const entries = /** @type {(PlanEntry & { mediaType: string })[]} */ (JSON.parse(fs.readFileSync(file, "utf8")));
  let failures = 0;
  for (const e of entries) {
    const blob = path.join(storage, "blobs", "sha256", e.digest.slice(7, 9), e.digest.slice(7), "data");
    if (!fs.existsSync(blob)) {
      failures++;
      process.stdout.write(`cannot put back ${e.repository}:${e.tag}: ${e.digest} was collected by GC\n`);
      continue;
    }
    const response = await fetch(`${base}/v2/${e.repository}/manifests/${e.tag}`, {
      method: "PUT",
      headers: e.mediaType ? { "Content-Type": e.mediaType } : {},
      body: fs.readFileSync(blob),
    });
    if (response.status === 201) process.stdout.write(`put back ${e.repository}:${e.tag} ${e.digest}\n`);
    else {
      failures++;
      process.stdout.write(`cannot put back ${e.repository}:${e.tag}: the registry answered ${response.status}\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

async function main() {
  const [command, file] = process.argv.slice(2);
  if (command === "run") process.exitCode = await run();
  else if (command === "undo" && file) process.exitCode = await undo(file);
  else {
    process.stderr.write("usage: retention.js run | undo <deleted-….json>\n");
    process.exitCode = 2;
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`retention: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}

module.exports = { planRetention, readRepositories, globToRegExp };
