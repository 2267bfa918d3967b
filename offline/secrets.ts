/** How the SDK marks a secret inside serialized property values. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const SECRET_MASK = "[secret]";

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Whether any part of a captured value is marked secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** The captured value with secret markers removed (for the files the resources carry). */
export function reveal(value: unknown): unknown {
  if (isSecretValue(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** The captured value with every secret replaced by "[secret]" (for what is printed). */
export function mask(value: unknown): unknown {
  if (isSecretValue(value)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  }
  return value;
}

/** Walks a captured value and returns the paths of every plain string equal to one of `needles`. */
export function findPlaintext(value: unknown, needles: readonly string[], path = ""): string[] {
  if (isSecretValue(value)) return [];
  if (typeof value === "string") return needles.some((n) => n.length > 0 && value.includes(n)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findPlaintext(v, needles, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => findPlaintext(v, needles, path ? `${path}.${k}` : k));
  }
  return [];
}
