/** One problem found in the stack config: the full key path and what was expected there. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Collects every problem found while the spec is read, so all of them are reported at once. */
export class IssueList {
  private readonly found: ConfigIssue[] = [];

  add(path: string, message: string): void {
    this.found.push({ path, message });
  }

  get all(): readonly ConfigIssue[] {
    return this.found;
  }

  get empty(): boolean {
    return this.found.length === 0;
  }
}

/** Thrown when the stack config is invalid; carries every problem, each naming its full key. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = "ConfigError";
  }
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  const head = `invalid regstack stack config: ${issues.length} problem${issues.length === 1 ? "" : "s"}`;
  return [head, ...issues.map((i) => `  - ${i.path}: ${i.message}`)].join("\n");
}
