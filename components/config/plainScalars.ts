/**
 * What an unquoted YAML value means to Pulumi's stack-file reader. Pulumi decodes stack files with
 * Go's gopkg.in/yaml.v3 into untyped values (sdk/go/common/encoding/marshal.go), then turns each
 * into config text (sdk/go/common/resource/config/object.go). yaml.v3's resolver (resolve.go) is
 * neither YAML 1.1 nor the 1.2 core schema the `yaml` package reads by default:
 *
 * - booleans are only true/True/TRUE and false/False/FALSE: `yes`, `on`, `off`, `y` stay text;
 * - null is empty, `~`, null/Null/NULL;
 * - a number may hold `_` anywhere after its first character (`1_000` is 1000), and is read by Go's
 *   strconv.ParseInt with base 0: `0x1F`, `0o17`, `0b101`, signed forms, and `0777` as octal 511;
 * - an unquoted date or date-time (`2024-01-01`) is a timestamp, which Pulumi passes on as Go's
 *   time text (`2024-01-01 00:00:00 +0000 UTC`).
 *
 * The last two are refused rather than matched: no regstack key takes a timestamp, and a leading
 * zero read as octal (`05000` as port 2560) is never what was meant.
 */

/** An unquoted value as Pulumi reads it, or why it is refused. */
export type PlainValue = { readonly value: string | number | boolean | null } | { readonly refused: string };

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const SPECIAL_FLOATS = new Set([".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's ParseInt(s, 0, 64) grammar, once `_` is removed. */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** yaml.v3's timestamp shapes: a four-digit year, then a date and perhaps a time. */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$/;

function goInt(text: string): number {
  const negative = text.startsWith("-");
  const digits = text.replace(/^[-+]/, "");
  const prefix = digits.slice(0, 2).toLowerCase();
  const base = prefix === "0x" ? 16 : prefix === "0o" ? 8 : prefix === "0b" ? 2 : digits.length > 1 && digits.startsWith("0") ? 8 : 10;
  const body = base === 10 ? digits : base === 8 && !/^0[oO]/.test(digits) ? digits.slice(1) : digits.slice(2);
  const n = body === "" ? 0 : base === 10 ? Number(body) : [...body].reduce((acc, d) => acc * base + parseInt(d, base), 0);
  return negative ? -n : n;
}

/** Resolves one untagged, unquoted scalar the way yaml.v3 and then Pulumi do. */
export function resolvePlain(text: string): PlainValue {
  if (NULLS.has(text)) return { value: null };
  if (TRUES.has(text)) return { value: true };
  if (FALSES.has(text)) return { value: false };
  // The special floats are reported by the stack-file reader itself (JSON, which config travels as, has none).
  if (SPECIAL_FLOATS.has(text)) return { value: /nan/i.test(text) ? NaN : text.startsWith("-") ? -Infinity : Infinity };
  const first = text.charAt(0);
  if (first === ".") return YAML_FLOAT.test(text) ? { value: Number(text) } : { value: text };
  if (!/[-+0-9]/.test(first)) return { value: text };
  if (TIMESTAMP.test(text)) {
    return { refused: `${text} is read by Pulumi as a timestamp (it passes Go's time text, such as "2024-01-01 00:00:00 +0000 UTC"): quote it ("${text}") if it is meant as text` };
  }
  const plain = text.replace(/_/g, "");
  if (GO_INT.test(plain)) {
    if (/^[-+]?0[0-7]+$/.test(plain)) {
      return { refused: `${text} is read by Pulumi as the octal number ${goInt(plain)}: write it without the leading zero, or quote it ("${text}") if it is meant as text` };
    }
    return { value: goInt(plain) };
  }
  if (YAML_FLOAT.test(plain)) return { value: Number(plain) };
  return { value: text };
}
