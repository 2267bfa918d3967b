/**
 * Which user a Basic Authorization header names, told from its base64 text alone, so the edge can
 * refuse an unknown user before any bcrypt: Caddy checks an unknown user against a built-in fake
 * hash of cost 14 (16 times a cost-10 wrong password), which made unknown names a cheap way to burn
 * the edge's CPU.
 *
 * A header carries base64("name:password"). Every whole group of three bytes of "name:" encodes to
 * fixed characters; the bytes left over (one or two) fix the high bits of the next character, which
 * is then one of a range of the alphabet. So one regular expression per user matches exactly the
 * headers whose decoded text starts with "name:".
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A regular-expression class of the alphabet characters from index `from` to `to`, inclusive. */
function range(from: number, to: number): string {
  const chars = ALPHABET.slice(from, to + 1).replace(/[+/]/g, (c) => `\\${c}`);
  return `[${chars}]`;
}

/** A regular expression (no anchors) matching the start of base64(`${name}:` + anything). */
export function basicPrefixPattern(name: string): string {
  const bytes = Buffer.from(`${name}:`, "utf8");
  const whole = bytes.length - (bytes.length % 3);
  const exact = bytes.subarray(0, whole).toString("base64").replace(/[+/]/g, (c) => `\\${c}`);
  const rest = bytes.subarray(whole);
  if (rest.length === 0) return exact;
  const first = ALPHABET[rest[0] >> 2].replace(/[+/]/g, (c) => `\\${c}`);
  if (rest.length === 1) {
    const high = (rest[0] & 0x03) << 4;
    return `${exact}${first}${range(high, high + 15)}`;
  }
  const second = ALPHABET[((rest[0] & 0x03) << 4) | (rest[1] >> 4)].replace(/[+/]/g, (c) => `\\${c}`);
  const high = (rest[1] & 0x0f) << 2;
  return `${exact}${first}${second}${range(high, high + 3)}`;
}

/** A regular expression matching an Authorization header of Basic credentials for one of `names`. */
export function knownUsersPattern(names: readonly string[]): string {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return "^$.";
  // The scheme is case-insensitive, as Go's request.BasicAuth reads it; one space, then base64.
  return `^(?i:basic) (${sorted.map(basicPrefixPattern).join("|")})`;
}
