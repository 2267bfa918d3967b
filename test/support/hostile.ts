/**
 * Hostile input for the injection tests: a table of strings that break shells, YAML, TOML, HTML or
 * sed, the config values that are free text by design, and the full docker config with hostile
 * free text in every one of them.
 */
import { ConfigIssue } from "../../components/config/issues";
import { problemsOf } from "./config";
import { fullDockerConfig } from "./fullConfig";

export const HOSTILE = [
  "$(touch /tmp/regstack-pwned)",
  "`touch /tmp/regstack-pwned`",
  "a'b",
  'a"b',
  "a;b",
  "a b",
  "a\nb",
  "a\rb",
  "${HOME}",
  "<script>alert(1)</script>",
  "a&b",
  "a~b",
  "a\\b",
  "-oProxyCommand=touch",
  "a#b",
  "a|b",
  "{{ .Env }}",
  "\u0000",
] as const;

/**
 * Values that are free text by design, and where each goes. They still may not hold control
 * characters (every single-line value refuses them).
 */
export const FREE_TEXT: readonly [RegExp, string][] = [
  [/^users\[\d+\]\.password$/, "bcrypt hashes, k3s registries.yaml (serialised, secret), --password-stdin"],
  [/^mirrors\[\d+\]\.(username|password)$/, "the cache's config.yml (serialised) and its secret environment"],
  [/^sync\.credentials\[\d+\]\.(username|password)$/, "regsync's config (serialised) and the scheduler's secret environment"],
  [/^notifications\[\d+\]\.headers\.[A-Za-z-]+$/, "the registry's secret config.yml and the scheduler's secret schedule (serialised)"],
  [/^backup\.(password|environment\.[A-Z_]+)$/, "restic's secret environment"],
  [/^monitoring\.receivers\[\d+\]\.(token|username|password)$/, "Alertmanager's secret files and config (serialised)"],
  [/^retention\.rules\[\d+\]\.(tags|excludeTags\[\d+\]|protect\[\d+\])$/, "the retention rules' JSON, read as regular expressions"],
  [/^sync\.images\[\d+\]\.(allow|deny)\[\d+\]$/, "regsync's config (serialised), read as RE2"],
  [/^kubernetes\.context$/, "the Kubernetes provider's context argument (no shell)"],
  [/^ui\.title$/, "the UI's page: everything sed or HTML would read is refused, the rest is text"],
];

export type Leaf = { readonly at: string; readonly set: (root: Record<string, unknown>, value: string) => void };

/** Every string in a config, with a way to replace it in a copy. */
export function leaves(value: unknown, at = "", set: (root: Record<string, unknown>, v: unknown) => void = () => undefined): Leaf[] {
  const get = (root: Record<string, unknown>): Record<string, unknown> =>
    at.split(/\.|\[|\]/).filter(Boolean).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, root);
  if (typeof value === "string") return [{ at, set }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`, (root, x) => ((get(root) as unknown as unknown[])[i] = x)));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k, (root, x) => ((at ? get(root) : root)[k] = x)));
  }
  return [];
}

export const copy = (config: Record<string, unknown>) => JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
/** Every key secret: the plaintext rule is not what this test is about. */
export const problems = (config: Record<string, unknown>): ConfigIssue[] => problemsOf(config, Object.keys(config));
export const refusedAt = (issues: readonly ConfigIssue[], at: string) => issues.some((i) => [`regstack:${at}`].includes(i.path) || i.path.startsWith(`regstack:${at}[`));
export const isFreeText = (at: string) => FREE_TEXT.some(([re]) => re.test(at));

/** The hostile text a free-text value takes: the first candidate its own rule accepts. */
export const CANDIDATES = [
  "p$(touch /tmp/regstack-pwned)`id`'\";|&<b>{{x}} ${HOME}",
  "p$(touch${IFS}/tmp/regstack-pwned)`id`';|&<b>{{x}}${HOME}",
  "p'$(id)';|&<b>{{x}}${HOME}-long",
  "pwned'$(id)`id`",
  "pwned';|#",
];

/** The full docker config with hostile text at every free-text value that takes one; and those values. */
export function hostileFreeText(): { config: Record<string, unknown>; placed: string[] } {
  const config = copy(fullDockerConfig);
  const placed: string[] = [];
  for (const leaf of leaves(fullDockerConfig).filter((l) => isFreeText(l.at))) {
    const value = CANDIDATES.find((v) => {
      const c = copy(config);
      leaf.set(c, v);
      return !refusedAt(problems(c), leaf.at);
    });
    if (value !== undefined) {
      leaf.set(config, value);
      placed.push(value);
    }
  }
  return { config, placed };
}
