/** Helpers every config section's cross-key checks share. */
import { IssueList } from "./issues";

export const NAMESPACE = "regstack";

/** What a section's checks know beyond the values: which keys were set as secrets. */
export interface CheckContext {
  /** Keys marked secret (set with `pulumi config set --secret`), e.g. `regstack:users`. */
  readonly secretKeys: readonly string[];
  /**
   * Each value the stack file holds encrypted, by full path (`regstack:users[1].password`), when
   * the stack file could be read; otherwise the engine's per-key list is all there is.
   */
  readonly secretPaths?: readonly string[];
  /** Top keys the stack file sets (`docker`, `ports`), as opposed to defaults. */
  readonly given: ReadonlySet<string>;
}

/** Reports every entry whose key repeats an earlier entry's, naming the first one. */
export function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string | number,
  path: (i: number) => string,
  what: string,
  issues: IssueList,
): void {
  const seen = new Map<string | number, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) issues.add(path(i), `${what} ${JSON.stringify(k)} is already used by entry [${first}]`);
    else seen.set(k, i);
  });
}

/**
 * Whether the value at `path` (`regstack:users[1].password`) is kept encrypted: it, or a value
 * holding it, is `secure:` in the stack file. Without the stack file's paths, a key the engine marks
 * secret counts for every value in it.
 */
export function isSecretAt(path: string, ctx: CheckContext): boolean {
  if (ctx.secretPaths) return ctx.secretPaths.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  const top = /^[^.[]+/.exec(path)?.[0] ?? path;
  return ctx.secretKeys.includes(top);
}

/** Records "stored in plaintext" at `path` unless the value there is kept encrypted. */
export function requireSecretAt(path: string, ctx: CheckContext, issues: IssueList, how = ""): void {
  if (!isSecretAt(path, ctx)) issues.add(path, `is stored in plaintext; set it with: pulumi config set --secret --path '${path}'${how}`);
}

/**
 * Passwords kept in a stack file must be encrypted there (`pulumi config set --secret --path ...`).
 * `key` is the list's path (`users`, `sync.credentials`).
 */
export function requireSecret(entries: readonly { password?: string }[], key: string, ctx: CheckContext, issues: IssueList): void {
  entries.forEach((e, i) => {
    if (e.password !== undefined) requireSecretAt(`${NAMESPACE}:${key}[${i}].password`, ctx, issues);
  });
}
