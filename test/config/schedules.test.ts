/** Cron expressions (one parser for the config layer and the scheduler) and the operations' keys. */
import { problemsOf, minimal } from "../support/config";
import { parseSpec } from "../../components/config/parse";
import { rawConfig } from "../support/config";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cron = require("../../runtime/cron") as typeof import("../../runtime/cron");

const next = (expr: string, from: string) => {
  const parsed = cron.parseCron(expr);
  if (!parsed.ok) throw new Error(parsed.problem);
  return cron.nextRun(parsed.schedule, new Date(from))?.toISOString();
};

describe("cron expressions", () => {
  const tz = process.env.TZ;
  beforeAll(() => (process.env.TZ = "UTC"));
  afterAll(() => (process.env.TZ = tz));

  it("finds the next run of common schedules", () => {
    expect(next("0 2 * * *", "2026-11-23T01:59:00Z")).toBe("2026-11-23T02:00:00.000Z");
    expect(next("0 2 * * *", "2026-11-23T02:00:00Z")).toBe("2026-11-24T02:00:00.000Z");
    expect(next("0 3 * * 0", "2026-11-23T12:00:00Z")).toBe("2026-11-29T03:00:00.000Z"); // a Sunday
    expect(next("*/15 * * * *", "2026-11-23T12:07:30Z")).toBe("2026-11-23T12:15:00.000Z");
    expect(next("30 4 1 */3 *", "2026-11-23T00:00:00Z")).toBe("2027-01-01T04:30:00.000Z");
    expect(next("@weekly", "2026-11-23T00:00:00Z")).toBe("2026-11-29T00:00:00.000Z");
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    expect(next("0 12 * * mon-fri", "2026-11-28T00:00:00Z")).toBe("2026-11-30T12:00:00.000Z");
    expect(next("0 0 * * 7", "2026-11-23T00:00:00Z")).toBe("2026-11-29T00:00:00.000Z");
  });

  it("runs when either the day of month or the day of week matches, when both are restricted", () => {
    // The 1st of December 2026 is a Tuesday; the Friday before it comes first.
    expect(next("0 0 1 * fri", "2026-11-23T00:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
  });

  it("returns the first matching minute, for many expressions and start times (checked minute by minute)", () => {
    /** Vixie cron's rule, written out independently of the parser's search. */
    const dayMatches = (s: import("../../runtime/cron").CronSchedule, t: Date) => {
      const dom = s.days.has(t.getDate());
      const dow = s.weekdays.has(t.getDay());
      const day = s.anyDay && s.anyWeekday ? true : s.anyDay ? dow : s.anyWeekday ? dom : dom || dow;
      return day && s.months.has(t.getMonth() + 1);
    };
    const matches = (s: import("../../runtime/cron").CronSchedule, t: Date) => dayMatches(s, t) && s.minutes.has(t.getMinutes()) && s.hours.has(t.getHours());
    const exprs = ["5 */2 * * *", "0 0 13 * 5", "15,45 8-17 * * 1-5", "0 0 1 jan,jul *", "59 23 31 12 *", "*/7 */5 */3 * *", "0 12 1 * mon"];
    for (const expr of exprs) {
      const parsed = cron.parseCron(expr);
      if (!parsed.ok) throw new Error(parsed.problem);
      const s = parsed.schedule;
      for (let i = 0; i < 40; i++) {
        const from = new Date(Date.UTC(2026, 0, 1) + i * 7919 * 60000);
        const t = cron.nextRun(s, from)!;
        expect({ expr, from, matches: matches(s, t) }).toEqual({ expr, from, matches: true });
        // No minute between the start and the answer matches: the search skipped nothing.
        for (let m = Math.floor(from.getTime() / 60000) * 60000 + 60000; m < t.getTime(); ) {
          const at = new Date(m);
          if (matches(s, at)) throw new Error(`${expr} from ${from.toISOString()}: ${at.toISOString()} matches before ${t.toISOString()}`);
          // A day that cannot match is stepped over whole (times are UTC here).
          m = dayMatches(s, at) ? m + 60000 : Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
        }
      }
    }
  });

  it("names what is wrong with an expression", () => {
    expect(cron.cronProblem("0 2 * *")).toMatch(/expected 5 fields/);
    expect(cron.cronProblem("60 2 * * *")).toBe("minute 60 is outside 0-59");
    expect(cron.cronProblem("0 2 * * funday")).toBe('"funday" is not a day of week');
    expect(cron.cronProblem("0 5-2 * * *")).toBe('range "5-2" of the hour runs backwards');
    expect(cron.cronProblem("*/0 * * * *")).toMatch(/step "\/0" of the minute must be/);
    expect(cron.cronProblem("@sometimes")).toMatch(/unknown macro "@sometimes"/);
    expect(cron.cronProblem("0 0 31 2 *")).toBe("never matches a real date");
    expect(cron.cronProblem("0 2 * * *")).toBeUndefined();
  });
});

describe("regstack:backup and regstack:gc", () => {
  it("refuses bad schedules with the full key, and every problem at once", () => {
    const problems = problemsOf({ ...minimal, backup: { schedule: "0 25 * * *", drillSchedule: "daily" }, gc: { schedule: "0 0 31 2 *" } });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "regstack:backup.schedule", message: 'expected a cron expression such as "0 2 * * *": hour 25 is outside 0-23' },
        { path: "regstack:backup.drillSchedule", message: expect.stringContaining("expected 5 fields") },
        { path: "regstack:gc.schedule", message: expect.stringContaining("never matches a real date") },
      ]),
    );
  });

  it("refuses deleteUntagged on registry 2.8, which breaks multi-arch images", () => {
    expect(problemsOf({ ...minimal, registry: { version: "2.8" }, gc: { deleteUntagged: true } })).toEqual([
      { path: "regstack:gc.deleteUntagged", message: expect.stringContaining("deletes the children of multi-arch images") },
    ]);
    expect(problemsOf({ ...minimal, registry: { version: "3" }, gc: { deleteUntagged: true } })).toEqual([]);
  });

  it("refuses a repository restic cannot reach from the job image, and plaintext secrets", () => {
    expect(problemsOf({ ...minimal, backup: { repository: "sftp:nas:/backups" } })).toEqual([
      { path: "regstack:backup.repository", message: expect.stringContaining("an absolute path on the registry's host, rest:http(s)://") },
    ]);
    expect(problemsOf({ ...minimal, backup: { repository: "relative/dir" } }).map((p) => p.path)).toEqual(["regstack:backup.repository"]);
    const plain = problemsOf({ ...minimal, backup: { password: "a-long-enough-password", environment: { AWS_SECRET_ACCESS_KEY: "x" } } });
    expect(plain.map((p) => p.path).sort()).toEqual(["regstack:backup.environment.AWS_SECRET_ACCESS_KEY", "regstack:backup.password"]);
    for (const p of plain) expect(p.message).toContain("pulumi config set --secret --path");
    expect(problemsOf({ ...minimal, backup: { password: "a-long-enough-password" } }, ["regstack:backup"])).toEqual([]);
    expect(problemsOf({ ...minimal, backup: { environment: { "aws-key": "x" } } }, ["regstack:backup"]).map((p) => p.path)).toEqual(["regstack:backup.environment.aws-key"]);
  });

  it("defaults: a daily backup at 02:00 into a volume, 30 dailies, weekly GC, check and drill", () => {
    const spec = parseSpec(rawConfig(minimal));
    expect(spec.backup).toMatchObject({ repository: { kind: "volume" }, schedule: "0 2 * * *", keep: { daily: 30, weekly: 0, monthly: 0 }, checkSchedule: "0 4 * * 0", drillSchedule: "0 5 * * 0" });
    expect(spec.gc).toEqual({ schedule: "0 3 * * 0", deleteUntagged: false, drainQuietSeconds: 10, drainTimeoutSeconds: 600 });
    expect(parseSpec(rawConfig({ ...minimal, backup: { enabled: false }, gc: { enabled: false } }))).toMatchObject({ backup: undefined, gc: undefined });
    expect(parseSpec(rawConfig({ ...minimal, backup: { repository: "/mnt/HD/HD_b2/regstack-backups" } })).backup?.repository).toEqual({ kind: "path", path: "/mnt/HD/HD_b2/regstack-backups" });
  });
});

describe("regstack:retention", () => {
  it("is off by default; enabled, it needs a rule, and deleting needs the registry's deletes", () => {
    expect(parseSpec(rawConfig(minimal)).retention).toBeUndefined();
    expect(problemsOf({ ...minimal, retention: { enabled: true } })).toEqual([{ path: "regstack:retention.rules", message: expect.stringContaining("at least one rule") }]);
    expect(problemsOf({ ...minimal, registry: { deleteEnabled: false }, retention: { enabled: true, dryRun: false, rules: [{}] } })).toEqual([
      { path: "regstack:retention.dryRun", message: expect.stringContaining("regstack:registry.deleteEnabled") },
    ]);
    const spec = parseSpec(rawConfig({ ...minimal, retention: { enabled: true, rules: [{ repositories: "team/*" }] } }));
    expect(spec.retention).toEqual({
      schedule: "0 1 * * 0",
      dryRun: true,
      rules: [{ repositories: "team/*", excludeRepositories: [], tags: ".*", excludeTags: [], keepLast: 10, keepDays: 30, protect: [expect.stringContaining("v?")] }],
    });
  });

  it("refuses a pattern that does not compile or is not a repository glob, naming the rule's key", () => {
    const problems = problemsOf({ ...minimal, retention: { enabled: true, rules: [{ tags: "([a-z" }, { repositories: "Team/../x y", protect: ["*bad"] }] } });
    expect(problems.map((p) => p.path).sort()).toEqual(["regstack:retention.rules[0].tags", "regstack:retention.rules[1].protect[0]", "regstack:retention.rules[1].repositories"]);
    expect(problems.find((p) => p.path.endsWith("[0].tags"))!.message).toMatch(/^expected a regular expression: Invalid regular expression/);
  });
});
