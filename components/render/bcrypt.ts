import bcrypt from "bcryptjs";

/**
 * A bcrypt hash in the `$2y$` form that htpasswd, distribution and Caddy all accept. The salt (22
 * characters of [./A-Za-z0-9]) is stable per user, so a hash only changes with its password.
 */
export function bcryptHash(password: string, salt: string, cost: number): string {
  if (!/^[./A-Za-z0-9]{22}$/.test(salt)) throw new Error("bcrypt salt must be 22 characters of [./A-Za-z0-9]");
  const rounds = String(cost).padStart(2, "0");
  const setting = `$2b$${rounds}$${salt}`;
  // The hash is a pure function of its inputs and costly by design: computed once per process
  // (a preview evaluates the program twice). The key holds the password only inside this process.
  const key = `${setting}\u0000${password}`;
  let hash = computed.get(key);
  if (hash === undefined) {
    hash = bcrypt.hashSync(password, setting).replace(/^\$2b\$/, "$2y$");
    computed.set(key, hash);
  }
  return hash;
}

const computed = new Map<string, string>();
