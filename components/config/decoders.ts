import { cronProblem } from "../../runtime/cron";
import { IssueList } from "./issues";
import { unknownKeyMessage } from "./suggest";

/**
 * A decoder checks one value found at `path` and returns it typed, recording a problem in `issues`
 * when it does not fit. When it records a problem its return value is never used: the spec loader
 * throws before anything is built from an invalid config.
 */
export type Decoder<T> = (value: unknown, path: string, issues: IssueList) => T;

/**
 * What the reference says of one key: the README's config table and Pulumi.yaml's descriptions are
 * generated from these, so a key's type, default and meaning are written once, next to its decoder.
 */
export interface KeyDoc {
  /** The value's kind as a reader sees it ("port", "list", "`push` or `pull`"). */
  readonly type: string;
  /** What applies when the key is left out, when a literal default does not say it well. */
  readonly default?: string;
  /** What the key means. */
  readonly text: string;
}

/** Marks a field whose value may be absent; `fallback` fills it in (the config layer owns defaults). */
export interface Field<T> {
  readonly decode: Decoder<T>;
  readonly optional: boolean;
  readonly fallback?: () => T;
  readonly doc?: KeyDoc;
}

export type Fields = Record<string, Field<unknown> | Decoder<unknown>>;

type FieldValue<F> = F extends Field<infer T> ? T : F extends Decoder<infer T> ? T : never;
type OptionalKeys<S extends Fields> = {
  [K in keyof S]: S[K] extends { required: true }
    ? never
    : S[K] extends Field<unknown>
      ? S[K]["fallback"] extends () => unknown
        ? never
        : K
      : never;
}[keyof S];
export type Decoded<S extends Fields> = { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: FieldValue<S[K]> } & {
  readonly [K in OptionalKeys<S>]?: FieldValue<S[K]>;
};

const invalid = <T>(): T => undefined as unknown as T;

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

/** A field with a default value. */
export function withDefault<T>(decode: Decoder<T>, fallback: NoInfer<T> | (() => NoInfer<T>), doc?: KeyDoc): Field<T> & { fallback: () => T } {
  const make = typeof fallback === "function" ? (fallback as () => T) : () => fallback;
  return { decode, optional: true, fallback: make, doc };
}

/** A field that may be left out, with no default. */
export function optional<T>(decode: Decoder<T>, doc?: KeyDoc): Field<T> {
  return { decode, optional: true, doc };
}

/** A field that must be given. */
export function required<T>(decode: Decoder<T>, doc: KeyDoc): Field<T> & { required: true } {
  return { decode, optional: false, doc, required: true };
}

export interface StringRule {
  /** Regular expression the whole value must match. */
  readonly pattern?: RegExp;
  /** What the pattern means, for the error message. */
  readonly expected?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A secret (password, private key): a message never repeats the value, only its kind and length. */
  readonly secret?: boolean;
  /** Line breaks and tabs are part of the value (PEM text); other control characters never are. */
  readonly multiline?: boolean;
}

/** Control characters no single-line value holds (a line break would end a line of YAML, a header or a shell word). */
const CONTROL = /[\x00-\x1f\x7f]/;
const CONTROL_BUT_LINES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

export function str(rule: StringRule = {}): Decoder<string> {
  return (value, path, issues) => {
    const shown = () => (rule.secret && typeof value === "string" ? `a value of ${value.length} characters (not shown: it is a secret)` : describe(value));
    if (typeof value !== "string") {
      issues.add(path, `expected ${rule.expected ?? "a string"}, got ${shown()}`);
      return invalid();
    }
    const expected = rule.expected ?? "a string";
    if ((rule.multiline ? CONTROL_BUT_LINES : CONTROL).test(value)) {
      issues.add(path, `expected ${expected} without control characters${rule.multiline ? "" : " (no line breaks or tabs)"}, got ${shown()}`);
    } else if (rule.minLength !== undefined && value.length < rule.minLength) {
      issues.add(path, `expected ${expected} of at least ${rule.minLength} characters, got ${value.length}`);
    } else if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      issues.add(path, `expected ${expected} of at most ${rule.maxLength} characters, got ${value.length}`);
    } else if (rule.pattern && !rule.pattern.test(value)) {
      issues.add(path, `expected ${expected}, got ${shown()}`);
    }
    return value;
  };
}

export function oneOf<const T extends string>(choices: readonly T[]): Decoder<T> {
  return (value, path, issues) => {
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string" || !(choices as readonly string[]).includes(text)) {
      issues.add(path, `expected one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${describe(value)}`);
      return invalid();
    }
    return text as T;
  };
}

export function int(min: number, max: number, unit = ""): Decoder<number> {
  return (value, path, issues) => {
    const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      issues.add(path, `expected a whole number from ${min} to ${max}${unit}, got ${describe(value)}`);
      return invalid();
    }
    return n;
  };
}

/** A decimal number (as Docker's `cpus`), returned as its canonical string. */
export function decimal(min: number, max: number): Decoder<string> {
  return (value, path, issues) => {
    const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
      issues.add(path, `expected a number from ${min} to ${max}, got ${describe(value)}`);
      return invalid();
    }
    return String(n);
  };
}

export function bool(): Decoder<boolean> {
  return (value, path, issues) => {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    // Pulumi's reader (yaml.v3) keeps YAML 1.1's yes/no/on/off as text: say so, rather than guess.
    const yaml11 = typeof value === "string" && /^(y|yes|n|no|on|off)$/i.test(value) ? ` (Pulumi reads an unquoted ${value} as text, not as a boolean: write true or false)` : "";
    issues.add(path, `expected true or false, got ${describe(value)}${yaml11}`);
    return invalid();
  };
}

/** What a decoder holds inside it, so the key reference can be walked (README, Pulumi.yaml). */
export interface Shape {
  readonly fields?: Fields;
  readonly item?: Decoder<unknown>;
  readonly entries?: Decoder<unknown>;
}

export function shapeOf(decoder: Decoder<unknown>): Shape {
  return decoder as Shape;
}

export function listOf<T>(item: Decoder<T>, bounds: { min?: number; max?: number } = {}): Decoder<T[]> {
  return Object.assign(listDecoder(item, bounds), { item });
}

function listDecoder<T>(item: Decoder<T>, bounds: { min?: number; max?: number }): Decoder<T[]> {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      issues.add(path, `expected a list, got ${describe(value)}`);
      return invalid();
    }
    if (bounds.min !== undefined && value.length < bounds.min) {
      issues.add(path, `expected a list of at least ${bounds.min} entr${bounds.min === 1 ? "y" : "ies"}, got ${value.length}`);
    }
    if (bounds.max !== undefined && value.length > bounds.max) {
      issues.add(path, `expected a list of at most ${bounds.max} entries, got ${value.length}`);
    }
    return value.map((entry, i) => item(entry, `${path}[${i}]`, issues));
  };
}

export function mapOf<T>(item: Decoder<T>, keyRule: StringRule): Decoder<Record<string, T>> {
  const key = str(keyRule);
  const decode: Decoder<Record<string, T>> = (value, path, issues) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      issues.add(path, `expected an object, got ${describe(value)}`);
      return invalid();
    }
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(value)) {
      key(k, `${path}.${k}`, issues);
      out[k] = item(v, `${path}.${k}`, issues);
    }
    return out;
  };
  return Object.assign(decode, { entries: item });
}

/** An object with exactly the given fields: unknown keys are errors with a "did you mean". */
export function object<S extends Fields>(fields: S): Decoder<Decoded<S>> {
  const known = Object.keys(fields);
  const decode: Decoder<Decoded<S>> = (value, path, issues) => {
    const given = value === undefined || value === null ? {} : value;
    if (typeof given !== "object" || Array.isArray(given)) {
      issues.add(path, `expected an object with keys ${known.join(", ")}, got ${describe(value)}`);
      return invalid();
    }
    const record = given as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) issues.add(`${path}.${key}`, unknownKeyMessage(key, known));
    }
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(fields)) {
      const field: Field<unknown> = typeof spec === "function" ? { decode: spec, optional: false } : spec;
      const raw = record[key];
      if (raw === undefined || raw === null) {
        if (field.fallback) out[key] = field.fallback();
        else if (!field.optional) issues.add(`${path}.${key}`, "is required");
        continue;
      }
      out[key] = field.decode(raw, `${path}.${key}`, issues);
    }
    return out as Decoded<S>;
  };
  return Object.assign(decode, { fields });
}

/** An object whose every field has a default: left out, it takes those defaults. */
export function section<S extends Fields>(fields: S, doc: KeyDoc): Field<Decoded<S>> & { fallback: () => Decoded<S> } {
  const decode = object(fields);
  return withDefault(decode, () => decode({}, "", new IssueList()), doc);
}

/**
 * A cron expression (five fields or a macro such as `@daily`), checked by the same parser the
 * scheduler runs by; an expression that never matches a real date is refused.
 */
export function cron(): Decoder<string> {
  return (value, path, issues) => {
    if (typeof value !== "string") {
      issues.add(path, `expected a cron expression such as "0 2 * * *", got ${describe(value)}`);
      return invalid();
    }
    const problem = cronProblem(value);
    if (problem !== undefined) issues.add(path, `expected a cron expression such as "0 2 * * *": ${problem}`);
    return value.trim();
  };
}

/**
 * A regular expression, refused when it does not compile. With `re2`, also refused when it uses what
 * Go's RE2 lacks (lookaround, backreferences): for patterns a Go program runs (regsync).
 */
export function regex(options: { re2?: boolean } = {}): Decoder<string> {
  const text = str({ minLength: 1, maxLength: 200, expected: "a regular expression" });
  return (value, path, issues) => {
    const pattern = text(value, path, issues);
    if (typeof pattern !== "string") return pattern;
    if (options.re2 && /\(\?<?[=!]|\\[1-9]/.test(pattern)) {
      issues.add(path, "expected a Go (RE2) regular expression: lookaround and backreferences are not supported by regsync");
      return pattern;
    }
    try {
      new RegExp(pattern);
    } catch (e) {
      issues.add(path, `expected a regular expression: ${e instanceof Error ? e.message : String(e)}`);
    }
    return pattern;
  };
}
