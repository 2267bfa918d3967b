/** Users, their roles and how their passwords are hashed: `regstack:users`, `regstack:access`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, duplicates, requireSecret } from "../checks";
import { bool, int, listOf, object, oneOf, optional, required, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { userName } from "../patterns";
import { UserSpec } from "../types";

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

export function buildUsers(raw: { users: readonly UserRaw[] }): UserSpec[] {
  return raw.users.map((u) => ({ name: u.name, role: u.role, password: u.password === undefined ? undefined : pulumi.secret(u.password) }));
}
