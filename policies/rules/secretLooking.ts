/** What a secret looks like in text: private keys, password hashes, cloud keys, passwords in URLs and settings. */
const PATTERNS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "a bcrypt hash", pattern: /\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/ },
  { what: "an AWS access key", pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { what: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { what: "a Redis password", pattern: /^\s*requirepass\s+\S+/m },
  { what: "a password setting", pattern: /^\s*"?(password|passwd|secret|token|secretkey|secret_key)"?\s*[:=]\s*"?[^"\s{}$]{6,}/im },
];

/** What secret-looking content a text holds (empty when none). */
export function secretsIn(text: string): string[] {
  return PATTERNS.filter((p) => p.pattern.test(text)).map((p) => p.what);
}

/** Environment names that hold secrets by their name. */
export function secretName(name: string): boolean {
  return /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL|_AUTH)$|^(PASSWORD|SECRET|TOKEN)/i.test(name);
}
