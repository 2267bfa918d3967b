/**
 * The config reference, walked from the schema: every key path with its type, default and meaning.
 * README's config table and Pulumi.yaml's descriptions are generated from it (`npm run docs`), and a
 * test fails when either is out of date.
 */
import { Decoder, Field, Fields, KeyDoc, shapeOf } from "./decoders";
import { schema } from "./schema";

/** One documented key. */
export interface KeyReference {
  /** e.g. `regstack:users[].password` */
  readonly path: string;
  readonly type: string;
  /** The default as the README shows it: a literal, a phrase, "required" or "none". */
  readonly default: string;
  readonly text: string;
}

function asField(entry: Field<unknown> | Decoder<unknown>): Field<unknown> {
  return typeof entry === "function" ? { decode: entry, optional: false } : entry;
}

/** A literal default as the README shows it: `value`, or "" when it is an object. */
function literal(value: unknown): string {
  if (value === undefined) return "none";
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return "";
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

function defaultOf(field: Field<unknown>, doc: KeyDoc): string {
  if (doc.default !== undefined) return doc.default;
  if (field.fallback) return literal(field.fallback());
  return field.optional ? "none" : "required";
}

function walkFields(fields: Fields, prefix: string, out: KeyReference[]): void {
  for (const [key, entry] of Object.entries(fields)) {
    const path = prefix.endsWith(":") ? `${prefix}${key}` : `${prefix}.${key}`;
    const field = asField(entry);
    if (!field.doc) throw new Error(`config key ${path} has no documentation`);
    out.push({ path, type: field.doc.type, default: defaultOf(field, field.doc), text: field.doc.text });
    walk(field.decode, path, out);
  }
}

function walk(decoder: Decoder<unknown>, path: string, out: KeyReference[]): void {
  const shape = shapeOf(decoder);
  if (shape.fields) walkFields(shape.fields, path, out);
  else if (shape.item) walk(shape.item, `${path}[]`, out);
}

/** Every key regstack reads, documented, in schema order. */
export function configReference(): KeyReference[] {
  const out: KeyReference[] = [];
  walkFields(schema as unknown as Fields, "regstack:", out);
  return out;
}

/** Every config key path regstack reads, e.g. `regstack:users[].password`. */
export function configKeyPaths(): string[] {
  return configReference().map((k) => k.path);
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The README's config table (between its generated-section markers). */
export function referenceTable(): string {
  const rows = configReference().map((k) => `| \`${k.path}\` | ${cell(k.type)} | ${cell(k.default)} | ${cell(k.text)} |`);
  return ["| key | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** Pulumi.yaml's `config:` entries: each top-level key with its type (scalars) and a description
 * naming its default, or for an object or list, its keys and their defaults. */
export function projectConfig(): Record<string, { type?: string; description: string }> {
  const all = configReference();
  const out: Record<string, { type?: string; description: string }> = {};
  const plain = (text: string) => text.replace(/`/g, "");
  for (const k of all.filter((x) => /^regstack:[A-Za-z]+$/.test(x.path))) {
    const children = all.filter((c) => c.path.startsWith(`${k.path}.`) || c.path.startsWith(`${k.path}[].`)).filter((c) => !/\..*\./.test(c.path.slice(k.path.length + 1).replace(/^\[\]/, "")));
    const parts = children.map((c) => `${c.path.slice(k.path.length).replace(/^\[\]\.|^\./, "")}${c.default && c.default !== "none" ? ` (${plain(c.default)})` : ""}`);
    const keys = parts.length > 0 ? ` Keys: ${parts.join(", ")}.` : "";
    const fallback = k.default && k.default !== "none" ? ` Default: ${plain(k.default)}.` : "";
    const scalar = children.length === 0 && k.type !== "list";
    out[k.path] = scalar ? { type: "string", description: `${plain(k.text)}${fallback}` } : { description: `${plain(k.text)}${fallback}${keys}` };
  }
  return out;
}
