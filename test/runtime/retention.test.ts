/**
 * The retention engine (runtime/retention.js), pure: examples of each rule, and properties checked on
 * thousands of random registries: it never deletes a protected tag, a tag sharing its digest with a
 * kept tag, a tag on a child of a kept index, or a signature of a kept image; it keeps the newest N;
 * it leaves ungoverned repositories alone; it is deterministic.
 */
import { SEMVER_RELEASE } from "../../components/config/sections/retention";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const retention = require("../../runtime/retention") as typeof import("../../runtime/retention");
type Rule = Parameters<typeof retention.planRetention>[1][number];
type Repo = Parameters<typeof retention.planRetention>[0][number];

const NOW = 1_800_000_000;
const DAY = 86400;
const d = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
const rule = (r: Partial<Rule> = {}): Rule => ({ repositories: "**", excludeRepositories: [], tags: ".*", excludeTags: [], keepLast: 2, keepDays: 0, protect: [SEMVER_RELEASE], ...r });
const deleted = (plan: ReturnType<typeof retention.planRetention>) => plan.filter((e) => e.action === "delete").map((e) => `${e.repository}:${e.tag}`).sort();

describe("the retention engine, by example", () => {
  const repo: Repo = {
    name: "team/app",
    tags: [
      { tag: "main-5", digest: d(5), pushedAt: NOW - 1 * DAY },
      { tag: "main-4", digest: d(4), pushedAt: NOW - 2 * DAY },
      { tag: "main-3", digest: d(3), pushedAt: NOW - 3 * DAY },
      { tag: "main-2", digest: d(2), pushedAt: NOW - 40 * DAY },
      { tag: "main-1", digest: d(1), pushedAt: NOW - 50 * DAY },
      { tag: "old-alias", digest: d(5), pushedAt: NOW - 90 * DAY }, // shares main-5's digest
      { tag: "v1.2.3", digest: d(9), pushedAt: NOW - 400 * DAY }, // protected release
      { tag: "multi-old", digest: d(20), pushedAt: NOW - 100 * DAY }, // an index
      { tag: "multi-new", digest: d(21), pushedAt: NOW - 60 * DAY }, // a kept index whose child has a tag
      { tag: "child-tag", digest: d(22), pushedAt: NOW - 200 * DAY },
      { tag: `sha256-${d(1).slice(7)}.sig`, digest: d(31), pushedAt: NOW - 50 * DAY }, // signs main-1 (deleted)
      { tag: `sha256-${d(4).slice(7)}.att`, digest: d(32), pushedAt: NOW - 2 * DAY }, // attests main-4 (kept)
      { tag: `sha256-${d(77).slice(7)}.sbom`, digest: d(33), pushedAt: NOW - 300 * DAY }, // subject not tagged here
    ],
    children: { [d(20)]: [d(40), d(41)], [d(21)]: [d(22)] },
  };

  it("keeps the newest N, releases, shared digests, index children and kept images' signatures; deletes the rest", () => {
    const plan = retention.planRetention([repo], [rule({ keepLast: 3, protect: [SEMVER_RELEASE, "^multi-new$"] })], NOW);
    expect(deleted(plan)).toEqual(["team/app:main-1", "team/app:main-2", "team/app:multi-old", `team/app:sha256-${d(1).slice(7)}.sig`]);
    const reason = (tag: string) => plan.find((e) => e.tag === tag)!.reason;
    expect(reason("old-alias")).toBe("shares its digest with kept tag main-5");
    expect(reason("v1.2.3")).toBe("protected");
    expect(reason("child-tag")).toBe(`a child of index ${d(21).slice(0, 19)} (kept)`);
    expect(reason(`sha256-${d(4).slice(7)}.att`)).toMatch(/^att of kept/);
    expect(reason(`sha256-${d(77).slice(7)}.sbom`)).toBe("sbom of an image not in this plan");
  });

  it("keeps what is younger than keepDays, and leaves repositories no rule governs", () => {
    const other: Repo = { name: "base/os", tags: [{ tag: "ancient", digest: d(50), pushedAt: NOW - 999 * DAY }], children: {} };
    const plan = retention.planRetention([repo, other], [rule({ repositories: "team/*", keepLast: 1, keepDays: 45 })], NOW);
    expect(plan.find((e) => e.tag === "main-2")!.reason).toBe("pushed within 45 days");
    expect(plan.find((e) => e.tag === "ancient")).toEqual(expect.objectContaining({ action: "keep", rule: null, reason: "no rule governs this repository" }));
  });

  it("deletes only tags its filters select, and lets a first rule shadow later ones", () => {
    const plan = retention.planRetention([repo], [rule({ repositories: "team/app", excludeTags: ["^main-1$"], tags: "^main-", keepLast: 0 }), rule({ keepLast: 0 })], NOW);
    expect(deleted(plan)).toEqual(["team/app:main-2", "team/app:main-3", "team/app:main-4", `team/app:sha256-${d(4).slice(7)}.att`]);
    expect(plan.every((e) => e.rule === 0)).toBe(true);
  });

  it("matches repository patterns segment by segment", () => {
    expect(retention.globToRegExp("team/*").test("team/app")).toBe(true);
    expect(retention.globToRegExp("team/*").test("team/app/sub")).toBe(false);
    expect(retention.globToRegExp("team/**").test("team/app/sub")).toBe(true);
    expect(retention.globToRegExp("**").test("a/b/c")).toBe(true);
    expect(retention.globToRegExp("team.x").test("teamyx")).toBe(false);
  });
});

/** A small seeded generator (mulberry32): the same seed gives the same registries. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRegistry(next: () => number): { repos: Repo[]; rules: Rule[] } {
  const pick = (n: number) => Math.floor(next() * n);
  const repos: Repo[] = [];
  for (let r = 0; r < 1 + pick(4); r++) {
    const pool = Array.from({ length: 2 + pick(8) }, () => d(1 + pick(40)));
    const children: Record<string, string[]> = {};
    for (const digest of pool) if (next() < 0.2) children[digest] = [d(100 + pick(20)), d(100 + pick(20))];
    const tags: Repo["tags"] = [];
    const names = new Set<string>();
    for (let t = 0; t < pick(15); t++) {
      const kind = next();
      const digest = kind < 0.1 ? d(100 + pick(20)) : pool[pick(pool.length)];
      const tag = kind < 0.25 ? `v${pick(3)}.${pick(3)}.${pick(5)}` : kind < 0.4 ? `sha256-${pool[pick(pool.length)].slice(7)}.${["sig", "att", "sbom"][pick(3)]}` : `build-${pick(50)}`;
      if (names.has(tag)) continue;
      names.add(tag);
      tags.push({ tag, digest, pushedAt: NOW - pick(60) * DAY - pick(DAY) });
    }
    repos.push({ name: `team${pick(3)}/app${r}`, tags, children });
  }
  const rules = Array.from({ length: pick(3) }, () =>
    rule({ repositories: next() < 0.5 ? "**" : `team${pick(3)}/*`, keepLast: pick(5), keepDays: pick(20), excludeTags: next() < 0.3 ? ["^build-1"] : [] }),
  );
  return { repos, rules };
}

describe("the retention engine's guarantees, on 3,000 random registries", () => {
  const cases = Array.from({ length: 3000 }, (_, i) => randomRegistry(random(i + 1)));

  it("never deletes a protected tag, a tag sharing a kept digest, a child of a kept index, or a kept image's signature", () => {
    for (const { repos, rules } of cases) {
      const plan = retention.planRetention(repos, rules, NOW);
      for (const repo of repos) {
        const entries = plan.filter((e) => e.repository === repo.name);
        expect(entries.length).toBe(repo.tags.length);
        const kept = new Set(entries.filter((e) => e.action === "keep").map((e) => e.digest));
        // Close over index children of kept digests.
        const stack = [...kept];
        while (stack.length) for (const c of repo.children[stack.pop()!] ?? []) if (!kept.has(c)) (kept.add(c), stack.push(c));
        for (const e of entries.filter((x) => x.action === "delete")) {
          expect(new RegExp(SEMVER_RELEASE).test(e.tag)).toBe(false);
          expect(kept.has(e.digest)).toBe(false);
          const sig = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/.exec(e.tag);
          if (sig) expect(kept.has(`sha256:${sig[1]}`)).toBe(false);
        }
      }
    }
  });

  it("keeps at least the newest keepLast selected tags, and touches no repository without a rule", () => {
    for (const { repos, rules } of cases) {
      const plan = retention.planRetention(repos, rules, NOW);
      for (const repo of repos) {
        const entries = plan.filter((e) => e.repository === repo.name);
        const index = retention.planRetention([repo], rules, NOW)[0]?.rule ?? null;
        if (index === null) {
          expect(entries.every((e) => e.action === "keep")).toBe(true);
          continue;
        }
        const r = rules[index];
        const selected = repo.tags
          .filter((t) => !/^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.test(t.tag) && !r.excludeTags.some((x) => new RegExp(x).test(t.tag)) && !new RegExp(SEMVER_RELEASE).test(t.tag))
          .sort((a, b) => b.pushedAt - a.pushedAt || b.tag.localeCompare(a.tag))
          .slice(0, r.keepLast);
        for (const t of selected) expect(entries.find((e) => e.tag === t.tag)!.action).toBe("keep");
      }
    }
  });

  it("is deterministic and independent of input order", () => {
    for (const { repos, rules } of cases.slice(0, 500)) {
      const a = retention.planRetention(repos, rules, NOW);
      const shuffled = [...repos].reverse().map((r) => ({ ...r, tags: [...r.tags].reverse() }));
      expect(retention.planRetention(shuffled, rules, NOW)).toEqual(a);
    }
  });
});
