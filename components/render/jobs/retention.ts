/** The retention job's rules file: the config's rules as JSON, which the job reads (never a script). */
import { RetentionRuleSpec } from "../../config/types";

export function renderRetentionRules(rules: readonly RetentionRuleSpec[]): string {
  return `${JSON.stringify(rules, null, 2)}\n`;
}
