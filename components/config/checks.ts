/** Helpers every config section's cross-key checks share. */
import { IssueList } from "./issues";

export const NAMESPACE = "regstack";

/** What a section's checks know beyond the values: which keys were set as secrets. */
export interface CheckContext {
  /** Keys marked secret (set with `pulumi config set --secret`), e.g. `regstack:users`. */
  readonly secretKeys: readonly string[];
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
 * Passwords kept in a stack file must be encrypted there (`pulumi config set --secret --path ...`).
 * `key` is the list's path (`users`, `sync.credentials`); `topKey` the config key Pulumi marks secret.
 */
export function requireSecret(entries: readonly { password?: string }[], key: string, ctx: CheckContext, issues: IssueList, topKey = key): void {
  if (ctx.secretKeys.includes(`${NAMESPACE}:${topKey}`)) return;
  entries.forEach((e, i) => {
    if (e.password !== undefined) {
      issues.add(
        `${NAMESPACE}:${key}[${i}].password`,
        `is stored in plaintext; set it with: pulumi config set --secret --path '${NAMESPACE}:${key}[${i}].password'`,
      );
    }
  });
}
