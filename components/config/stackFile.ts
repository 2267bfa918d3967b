/**
 * Reading a stack file's YAML as Pulumi's reader does, in a way a person can act on: every problem
 * at once, each as `<file>:<line>:<column>: what, and what to do`, never a parser's stack trace.
 * Merge keys (`<<: *base`) are honoured, as yaml.v3 honours them; unquoted values resolve as
 * yaml.v3 resolves them (plainScalars.ts); a key given twice, tab indentation, several documents,
 * an unknown tag, a file or `config:` that is not a map, and regstack keys left outside `config:`
 * are refused, as are unquoted timestamps and leading-zero octals.
 *
 * The program reads the stack file with this too, at `pulumi up` (load.ts): the secret paths it
 * finds are what the per-value plaintext rule checks.
 */
import { isMap, isScalar, LineCounter, parseAllDocuments, visit, YAMLError } from "yaml";
import { resolvePlain } from "./plainScalars";

/** The stack file could not be read as one: its problems, each with file, line and column. */
export class StackFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`stack file problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackFileError";
  }
}

/** Top-level keys Pulumi's stack file holds besides config. */
const PULUMI_KEYS = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

function advice(e: YAMLError): string {
  const first = e.message.split(" at line")[0];
  switch (e.code) {
    case "DUPLICATE_KEY":
      return "a key is given twice in one map (only one counts): keep one";
    case "TAB_AS_INDENT":
      return "a tab indents this line: YAML indents with spaces";
    case "TAG_RESOLVE_FAILED":
      return `${first.replace("Unresolved tag", "unknown tag")} (a stack file has no tags): remove it`;
    default:
      return first.charAt(0).toLowerCase() + first.slice(1);
  }
}

/** The stack file's `config:` map as plain data, or every problem found in it. */
export function readStackYaml(text: string, file: string): Record<string, unknown> {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true, lineCounter: lines, prettyErrors: false });
  const problems: string[] = [];
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const list = Array.isArray(docs) ? docs : [];
  // Lines the parser already found wrong: what follows from them (a tab-indented key read as a
  // top-level one) is not reported again.
  const wrongLines = new Set<number>();
  for (const doc of list) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      problems.push(`${at(e.pos[0])}: ${advice(e)}`);
      wrongLines.add(lines.linePos(e.pos[0]).line);
    }
  }
  if (list.length > 1) problems.push(`${at(list[1].range[0])}: a second YAML document begins here: a stack file is one document (remove the \`---\` and what follows, or merge it into the first)`);
  const doc = list[0];
  if (!doc || doc.contents === null) {
    if (problems.length > 0) throw new StackFileError(problems);
    return {};
  }
  if (!isMap(doc.contents)) throw new StackFileError([...problems, `${at(doc.contents.range?.[0] ?? 0)}: the file is not a map of keys: a stack file is \`config:\` with regstack:* keys under it`]);
  // Unquoted values mean what they mean to Pulumi's reader (yaml.v3), not to the 1.2 core schema.
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || node.type !== "PLAIN" || node.tag || node.source === "<<") return;
      const resolved = resolvePlain(String(node.source ?? node.value));
      if ("refused" in resolved) {
        problems.push(`${at(node.range?.[0] ?? 0)}: ${resolved.refused}`);
        return;
      }
      node.value = resolved.value;
      // `.inf` and `.nan` are YAML numbers no setting can take (JSON, which config travels as, has none).
      if (typeof node.value === "number" && !Number.isFinite(node.value)) {
        problems.push(`${at(node.range?.[0] ?? 0)}: ${String(node.source)} is not a number a setting can take: give a finite number`);
      }
    },
  });
  // The structure is checked even when the parser found problems: every problem is reported at once.
  const root = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  for (const pair of doc.contents.items) {
    const keyNode = pair.key as { value?: unknown; range?: readonly number[] } | null;
    const key = String(keyNode?.value ?? keyNode);
    const offset = keyNode?.range?.[0] ?? 0;
    if (wrongLines.has(lines.linePos(offset).line)) continue;
    if (!PULUMI_KEYS.has(key) && (key.includes(":") || key.startsWith("regstack"))) {
      problems.push(`${at(offset)}: ${key} is outside \`config:\`, where Pulumi ignores it: indent it under config:`);
    }
    if (key === "config" && root.config !== null && root.config !== undefined && (typeof root.config !== "object" || Array.isArray(root.config))) {
      problems.push(`${at(offset)}: config: is not a map of keys: put each regstack:<key> on its own line under it`);
    }
  }
  if (problems.length > 0) throw new StackFileError(problems);
  return (root.config ?? {}) as Record<string, unknown>;
}

/** A `secure: v1:…` value, as Pulumi's `isSecureValue` recognises one: a map of one string `secure`. */
export function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

/**
 * The full path of every value a stack file's config holds encrypted (`secure: v1:…`), such as
 * `regstack:users[1].password`, as `pulumi config set --secret --path` writes them. A key without a
 * namespace is the project's, as Pulumi reads it.
 */
export function secretPathsOf(config: Record<string, unknown>, project: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (isSecure(value)) found.push(at);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
  };
  for (const [key, value] of Object.entries(config)) walk(value, key.includes(":") ? key : `${project}:${key}`);
  return found;
}
