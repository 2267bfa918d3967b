// @ts-check
/**
 * Cron expressions: the one parser the config layer validates with and the scheduler runs by.
 * Five fields (minute hour day-of-month month day-of-week) with `*`, lists, ranges, steps and
 * names (jan-dec, sun-sat; 7 is Sunday too), or a macro (@hourly @daily @weekly @monthly @yearly).
 * As in Vixie cron, a job whose day-of-month and day-of-week are both restricted runs when either
 * matches. Times are the scheduler's local time (its TZ).
 *
 * Plain CommonJS with JSDoc types: it runs unchanged inside the scheduler container.
 */
"use strict";

/** @typedef {{ minutes: Set<number>, hours: Set<number>, days: Set<number>, months: Set<number>, weekdays: Set<number>, anyDay: boolean, anyWeekday: boolean }} CronSchedule */
/** @typedef {{ ok: true, schedule: CronSchedule } | { ok: false, problem: string }} CronParse */

const MACROS = /** @type {Record<string, string>} */ ({
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
});

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** @type {readonly { name: string, min: number, max: number, names?: string[], nameBase?: number }[]} */
const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: "day of week", min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

/**
 * @param {string} text
 * @param {(typeof FIELDS)[number]} field
 * @returns {number | string} the value, or a problem
 */
function value(text, field) {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < field.min || n > field.max ? `${field.name} ${n} is outside ${field.min}-${field.max}` : n;
  }
  const index = field.names ? field.names.indexOf(text.toLowerCase()) : -1;
  if (index >= 0) return index + (field.nameBase ?? 0);
  return `"${text}" is not a ${field.name}`;
}

/**
 * @param {string} text one field
 * @param {(typeof FIELDS)[number]} field
 * @returns {Set<number> | string} the values, or a problem
 */
function parseField(text, field) {
  const values = new Set();
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a ${field.name} (a value, range or step)`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1 || step > field.max) return `step "/${m[2]}" of the ${field.name} must be 1-${field.max}`;
    let low;
    let high;
    if (m[1] === "*") {
      low = field.min;
      high = field.max;
    } else {
      const range = m[1].split("-");
      if (range.length > 2) return `"${m[1]}" is not a ${field.name} range`;
      const a = value(range[0], field);
      if (typeof a === "string") return a;
      const b = range.length === 2 ? value(range[1], field) : m[2] === undefined ? a : field.max;
      if (typeof b === "string") return b;
      if (b < a) return `range "${m[1]}" of the ${field.name} runs backwards`;
      low = a;
      high = b;
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return values;
}

/**
 * Parses a cron expression.
 * @param {string} expression
 * @returns {CronParse}
 */
function parseCron(expression) {
  const trimmed = expression.trim();
  const text = trimmed.startsWith("@") ? MACROS[trimmed.toLowerCase()] : trimmed;
  if (text === undefined) return { ok: false, problem: `unknown macro "${trimmed}" (expected one of ${Object.keys(MACROS).join(", ")})` };
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return { ok: false, problem: `expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily, got ${parts.length}` };
  /** @type {Set<number>[]} */
  const sets = [];
  for (let i = 0; i < 5; i++) {
    const parsed = parseField(parts[i], FIELDS[i]);
    if (typeof parsed === "string") return { ok: false, problem: parsed };
    sets.push(parsed);
  }
  const weekdays = new Set([...sets[4]].map((d) => d % 7));
  return {
    ok: true,
    schedule: {
      minutes: sets[0],
      hours: sets[1],
      days: sets[2],
      months: sets[3],
      weekdays,
      anyDay: parts[2].startsWith("*"),
      anyWeekday: parts[4].startsWith("*"),
    },
  };
}

/**
 * Whether a day matches the day-of-month and day-of-week fields (either, when both are restricted).
 * @param {CronSchedule} s
 * @param {Date} d
 */
function dayMatches(s, d) {
  const dom = s.days.has(d.getDate());
  const dow = s.weekdays.has(d.getDay());
  if (s.anyDay && s.anyWeekday) return true;
  if (s.anyDay) return dow;
  if (s.anyWeekday) return dom;
  return dom || dow;
}

/**
 * The first minute strictly after `after` that the schedule matches, in local time; undefined when
 * none comes within 5 years (for example "0 0 31 2 *").
 * @param {CronSchedule} s
 * @param {Date} after
 * @returns {Date | undefined}
 */
function nextRun(s, after) {
  const t = new Date(after.getTime());
  t.setSeconds(0, 0);
  t.setMinutes(t.getMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!s.months.has(t.getMonth() + 1)) {
      t.setMonth(t.getMonth() + 1, 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, t)) {
      t.setDate(t.getDate() + 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(t.getHours())) {
      t.setHours(t.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(t.getMinutes())) {
      t.setMinutes(t.getMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  return undefined;
}

/**
 * A problem with an expression, or undefined when it is valid and ever runs.
 * @param {string} expression
 * @returns {string | undefined}
 */
function cronProblem(expression) {
  const parsed = parseCron(expression);
  if (!parsed.ok) return parsed.problem;
  return nextRun(parsed.schedule, new Date(Date.UTC(2024, 0, 1))) ? undefined : "never matches a real date";
}

module.exports = { parseCron, nextRun, cronProblem };
