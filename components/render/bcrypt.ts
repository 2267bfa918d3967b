import bcrypt from "bcryptjs";

/**
 * A bcrypt hash in the `$2y$` form that htpasswd, distribution and Caddy all accept. The salt (22
 * characters of [./A-Za-z0-9]) is stable per user, so a hash only changes with its password.
 */
export function bcryptHash(password: string, salt: string, cost: number): string {
  if (!/^[./A-Za-z0-9]{22}$/.test(salt)) throw new Error("bcrypt salt must be 22 characters of [./A-Za-z0-9]");
  const rounds = String(cost).padStart(2, "0");
  return bcrypt.hashSync(password, `$2b$${rounds}$${salt}`).replace(/^\$2b\$/, "$2y$");
}
