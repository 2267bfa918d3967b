import bcrypt from "bcryptjs";

/** One htpasswd entry's inputs: the salt is stable per user, so the hash only changes with the password. */
export interface HtpasswdUser {
  readonly name: string;
  readonly password: string;
  /** 22 characters of bcrypt's alphabet ([./A-Za-z0-9]). */
  readonly salt: string;
}

/** A bcrypt hash in the `$2y$` form that htpasswd, distribution and Caddy all accept. */
export function bcryptHash(password: string, salt: string, cost: number): string {
  if (!/^[./A-Za-z0-9]{22}$/.test(salt)) throw new Error("bcrypt salt must be 22 characters of [./A-Za-z0-9]");
  const rounds = String(cost).padStart(2, "0");
  return bcrypt.hashSync(password, `$2b$${rounds}$${salt}`).replace(/^\$2b\$/, "$2y$");
}

/** The htpasswd file: one `name:bcrypt` line per user, sorted by name so the text is stable. */
export function renderHtpasswd(users: readonly HtpasswdUser[], cost: number): string {
  return [...users]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((u) => `${u.name}:${bcryptHash(u.password, u.salt, cost)}\n`)
    .join("");
}
