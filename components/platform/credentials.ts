import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Secret, UserSpec } from "../config/types";
import { bcryptHash } from "../render/bcrypt";
import { EdgeUser } from "../render/caddy";

export interface CredentialsArgs {
  /** The registry's users; a user without a password gets a generated one. */
  readonly users: readonly UserSpec[];
  /** bcrypt cost of the hashes the edge checks. */
  readonly bcryptCost: number;
}

/**
 * Logins the edge checks (the registry's users; Prometheus' scrape login at another host's edge):
 * passwords (from secure config or generated) and a stable bcrypt salt per user,
 * so a hash changes only with its password. The edge checks the hashes; adding or removing a user
 * changes only these resources and the edge's users file, never the registry or its data.
 */
export class Credentials extends pulumi.ComponentResource {
  /** Every user's password, secret. */
  public readonly passwords: Record<string, Secret>;
  /** Users with bcrypt hashes, secret (the edge's users file). */
  public readonly hashed: pulumi.Output<EdgeUser[]>;

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Milestone 1 declared this under the Docker target: the alias keeps existing passwords.
    super("regstack:platform:Credentials", name, {}, { ...opts, aliases: [{ type: "regstack:docker:Credentials" }] });
    this.passwords = {};
    const entries = args.users.map((user) => {
      const password =
        user.password ??
        new random.RandomPassword(`${name}-${user.name}-password`, { length: 32, special: false }, { parent: this, additionalSecretOutputs: ["result"] }).result;
      const salt = new random.RandomString(`${name}-${user.name}-salt`, { length: 22, special: false }, { parent: this }).result;
      this.passwords[user.name] = pulumi.secret(password);
      return pulumi.all([password, salt]).apply(([p, s]) => ({ name: user.name, password: p, salt: s }));
    });
    this.hashed = pulumi.secret(pulumi.all(entries).apply((users) => users.map((u) => ({ name: u.name, hash: bcryptHash(u.password, u.salt, args.bcryptCost) }))));
    this.registerOutputs({ passwords: this.passwords });
  }
}
