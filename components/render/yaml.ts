import { stringify } from "yaml";

/** Header on every rendered file, naming where it comes from. */
export function header(comment = "#"): string {
  return `${comment} Rendered by regstack from the stack config; edit the config, not this file.\n`;
}

/** YAML text of a plain object, with the regstack header; stable key order as given. */
export function toYaml(value: unknown): string {
  return header() + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
