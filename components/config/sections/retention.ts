/** Tag retention: `regstack:retention`. */
import { NAMESPACE } from "../checks";
import { bool, cron, int, listOf, object, regex, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { RetentionSpec } from "../types";


const repositoryGlob = str({
  pattern: /^[a-z0-9*][a-z0-9._/*-]*$/,
  maxLength: 255,
  expected: "a repository pattern of lowercase letters, digits, '.', '_', '-', '/' and '*' (one path segment) or '**' (any)",
});

/** Semantic-version release tags (v1.2.3, 1.2.3): protected unless a rule says otherwise. */
export const SEMVER_RELEASE = "^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$";

const rule = object({
  repositories: withDefault(repositoryGlob, "**", { type: "pattern", text: "Repositories the rule governs (`team/*`, `**` for all). The first matching rule applies." }),
  excludeRepositories: withDefault(listOf(repositoryGlob), [], { type: "list", text: "Repositories it leaves alone." }),
  tags: withDefault(regex(), ".*", { type: "regex", text: "Tags it may delete (others are kept)." }),
  excludeTags: withDefault(listOf(regex()), [], { type: "list of regex", text: "Tags it never deletes." }),
  keepLast: withDefault(int(0, 100000), 10, { type: "number", text: "Keep the newest N selected tags (by push time)." }),
  keepDays: withDefault(int(0, 36500), 30, { type: "days", text: "Keep tags pushed within D days (0: age keeps nothing)." }),
  protect: withDefault(listOf(regex()), [SEMVER_RELEASE], { type: "list of regex", default: "semver releases (`v1.2.3`, `1.2.3`)", text: "Tags that are never deleted." }),
});

export const retentionKeys = {
  retention: section(
    {
      enabled: withDefault(bool(), false, { type: "boolean", text: "Run tag retention on a schedule (deleting tags is opt-in)." }),
      schedule: withDefault(cron(), "0 1 * * 0", { type: "cron", text: "When retention runs (before GC frees what it deleted)." }),
      dryRun: withDefault(bool(), true, { type: "boolean", text: "Only write the plan; set false to delete." }),
      rules: withDefault(listOf(rule), [], { type: "list", text: "Rules, first match per repository; repositories no rule matches are left alone. Signature, attestation and SBOM tags follow the image they belong to." }),
    },
    { type: "object", text: "Tag retention." },
  ),
};

type RetentionRaw = { readonly enabled: boolean; readonly dryRun: boolean; readonly rules: readonly unknown[] };

export function checkRetention(raw: { retention: RetentionRaw; registry: { deleteEnabled: boolean } }, issues: IssueList): void {
  const r = raw.retention;
  if (r.enabled && r.rules.length === 0) issues.add(`${NAMESPACE}:retention.rules`, "expected at least one rule when retention is enabled (e.g. [{repositories: \"**\", keepLast: 10}])");
  if (r.enabled && !r.dryRun && !raw.registry.deleteEnabled) {
    issues.add(`${NAMESPACE}:retention.dryRun`, "can only be false with regstack:registry.deleteEnabled true: retention deletes through the registry's API");
  }
}

export function buildRetention(raw: { retention: { enabled: boolean; schedule: string; dryRun: boolean; rules: RetentionSpec["rules"] } }): RetentionSpec | undefined {
  const r = raw.retention;
  return r.enabled ? { schedule: r.schedule, dryRun: r.dryRun, rules: r.rules } : undefined;
}
