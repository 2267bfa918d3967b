/** Users, their roles and how their passwords are hashed: `regstack:users`, `regstack:access`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, duplicates, requireSecret } from "../checks";
import { bool, int, listOf, object, oneOf, optional, required, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { userName } from "../patterns";
import { FailedLoginLimit, UserSpec } from "../types";

const user = object({
  name: required(str(userName), { type: "user name", text: "Lowercase letters, digits, `.`, `_`, `-`." }),
  role: withDefault(oneOf(["push", "pull"] as const), "push", { type: "`push` or `pull`", text: "What the user may do: `pull` reads, `push` also writes." }),
  password: optional(str({ minLength: 12, expected: "a password", secret: true }), {
    type: "secret",
    default: "generated (32 characters)",
    text: "Set with `pulumi config set --secret --path`; a plaintext value is refused.",
  }),
});

export const userKeys = {
  users: required(listOf(user, { min: 1 }), { type: "list", default: "required (≥ 1, one with `push`)", text: "Registry users, checked by the edge." }),
  access: section(
    {
      bcryptCost: withDefault(int(5, 14), 10, {
        type: "5–14",
        text: "bcrypt cost of the password hashes. The edge verifies a correct password once and then caches it, so a higher cost slows only new logins and wrong passwords.",
      }),
      anonymousPull: withDefault(bool(), false, {
        type: "boolean",
        text: "GET and HEAD on the registry need no login; writes still need a `push` user and the `/v2/` ping still checks passwords.",
      }),
      failedLogins: section(
        {
          limit: optional(int(0, 1000), {
            type: "0–1000",
            default: "`10` where the edge sees clients' addresses (Docker hosts, Swarm `publishMode: host`); `0` under the ingress mesh and on Kubernetes, which hide them",
            text: "Failed logins from one address within `windowSeconds` after which the edge refuses that address (429) for `blockSeconds`; `0` turns the guard off. A successful login clears an address's count.",
          }),
          windowSeconds: withDefault(int(10, 86400), 60, { type: "seconds", text: "The window failed logins are counted in." }),
          blockSeconds: withDefault(int(10, 86400), 900, { type: "seconds", text: "How long a blocked address is refused." }),
        },
        { type: "object", text: "The edge's failed-login guard (a container beside each edge, following its access log)." },
      ),
    },
    { type: "object", text: "Authentication settings." },
  ),
};

type UserRaw = { readonly name: string; readonly role: "push" | "pull"; readonly password?: string };

export function checkUsers(raw: { users: readonly UserRaw[] }, ctx: CheckContext, issues: IssueList): void {
  duplicates(raw.users, (u) => u.name, (i) => `regstack:users[${i}].name`, "user name", issues);
  if (raw.users.every((u) => u.role !== undefined) && !raw.users.some((u) => u.role === "push")) {
    issues.add("regstack:users", 'expected at least one user with role "push", or nobody can push images');
  }
  requireSecret(raw.users, "users", ctx, issues);
}

/** What the failed-login guard reads of the raw config. */
export interface FailedLoginsRaw {
  readonly access: { readonly failedLogins: { readonly limit?: number; readonly windowSeconds: number; readonly blockSeconds: number } };
  readonly target: "docker" | "kubernetes";
  readonly docker: { readonly mode: "hosts" | "swarm"; readonly swarm?: { readonly publishMode: "ingress" | "host" } };
}

/**
 * Whether the edge sees each client's own address: not behind Swarm's ingress mesh nor a Kubernetes
 * NodePort, which replace it with their own (blocking that address would refuse every client).
 */
function edgeSeesClients(raw: FailedLoginsRaw): boolean {
  if (raw.target === "kubernetes") return false;
  return raw.docker.mode !== "swarm" || raw.docker.swarm?.publishMode === "host";
}

export function checkFailedLogins(raw: FailedLoginsRaw, issues: IssueList): void {
  const limit = raw.access.failedLogins.limit;
  if (limit !== undefined && limit > 0 && !edgeSeesClients(raw)) {
    issues.add(
      "regstack:access.failedLogins.limit",
      `the edge cannot tell clients apart here (${raw.target === "kubernetes" ? "a NodePort replaces their address with a node's" : "the ingress mesh replaces their address with its own"}), so blocking one address would refuse everyone; set it to 0${raw.target === "kubernetes" ? "" : ", or use docker.swarm.publishMode: host"}`,
    );
  }
}

/** The guard's settings, or undefined when it is off. */
export function buildFailedLogins(raw: FailedLoginsRaw): FailedLoginLimit | undefined {
  const f = raw.access.failedLogins;
  const limit = f.limit ?? (edgeSeesClients(raw) ? 10 : 0);
  return limit === 0 ? undefined : { limit, windowSeconds: f.windowSeconds, blockSeconds: f.blockSeconds };
}

export function buildUsers(raw: { users: readonly UserRaw[] }): UserSpec[] {
  return raw.users.map((u) => ({ name: u.name, role: u.role, password: u.password === undefined ? undefined : pulumi.secret(u.password) }));
}
