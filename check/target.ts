/**
 * What `npm run check` checks: a live platform's endpoints, users and CA, read from the stack's
 * outputs (`pulumi stack output --json --show-secrets`, or a file of them) or from an engine
 * `npm run e2e:up` left running.
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";

export interface CheckTarget {
  readonly registry: string;
  readonly ui?: string;
  readonly mirrors: Readonly<Record<string, string>>;
  /** user → password and role. */
  readonly users: Readonly<Record<string, { readonly password: string; readonly role: string }>>;
  /** The CA certificate the edge chains to (none: plain HTTP, or a public CA). */
  readonly ca?: string;
}

interface StackOutputs {
  registryUrl: string;
  uiUrl?: string;
  mirrors?: Record<string, { url: string }>;
  users?: Record<string, string>;
  credentials?: Record<string, string>;
  caCertPem?: string;
}

/** A target from stack outputs as `pulumi stack output --json --show-secrets` prints them. */
export function fromOutputs(outputs: StackOutputs): CheckTarget {
  const credentials = outputs.credentials ?? {};
  const roles = outputs.users ?? {};
  return {
    registry: outputs.registryUrl,
    ui: outputs.uiUrl,
    mirrors: Object.fromEntries(Object.entries(outputs.mirrors ?? {}).map(([k, v]) => [k, v.url])),
    users: Object.fromEntries(Object.entries(credentials).map(([name, password]) => [name, { password, role: roles[name] ?? "push" }])),
    ca: outputs.caCertPem,
  };
}

/** The stack's outputs from the Pulumi CLI. */
export function outputsOfStack(stack: string): StackOutputs {
  const text = execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], { encoding: "utf8" });
  return JSON.parse(text) as StackOutputs;
}

/** What e2e:up recorded in its engine's directory: local endpoints, test credentials, roles, CA file. */
export function fromE2eState(stateFile: string): CheckTarget {
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as {
    registry: string;
    ui?: string;
    mirrors: Record<string, string | undefined>;
    credentials: Record<string, string>;
    roles?: Record<string, string>;
    caFile?: string;
  };
  return {
    registry: state.registry,
    ui: state.ui,
    mirrors: Object.fromEntries(Object.entries(state.mirrors).filter((e): e is [string, string] => e[1] !== undefined)),
    users: Object.fromEntries(Object.entries(state.credentials).map(([name, password]) => [name, { password, role: state.roles?.[name] ?? "push" }])),
    ca: state.caFile ? readFileSync(state.caFile, "utf8") : undefined,
  };
}
