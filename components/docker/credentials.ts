import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { EdgeUser } from "../render/caddy";
import { bcryptHash, renderHtpasswd } from "../render/htpasswd";
import { registryPaths } from "../render/paths";
import { Secret, UserSpec } from "../spec/types";
import { fileWriterJob } from "./oneShot";
import { HostRuntime } from "./runtime";

export interface CredentialsArgs {
  /** The registry's users; a user without a password gets a generated one. */
  readonly users: readonly UserSpec[];
  /** bcrypt cost of the htpasswd hashes. */
  readonly bcryptCost: number;
  readonly runtime: HostRuntime;
  /** Image with a shell (busybox) that writes the file into the volume. */
  readonly toolsImage: pulumi.Input<string>;
  /** Write an htpasswd file for the registry itself (no edge); behind the edge Caddy checks users. */
  readonly writeHtpasswd: boolean;
}

/**
 * The registry's users: passwords (from secure config or generated) and a stable bcrypt salt per user,
 * so a hash changes only with its password. Without the edge, the htpasswd file is written into its own
 * volume by a one-shot job; the registry mounts that volume read-only and re-reads the file when it
 * changes. Behind the edge the hashes go into Caddy's config instead. Either way, adding or removing a
 * user replaces only credential resources, never the registry container or its data.
 */
export class Credentials extends pulumi.ComponentResource {
  /** Every user's password, secret. */
  public readonly passwords: Record<string, Secret>;
  /** Users with bcrypt hashes and roles, secret (for the edge). */
  public readonly hashed: pulumi.Output<EdgeUser[]>;
  /** The htpasswd volume and the job that writes it, when the registry checks users itself. */
  public readonly htpasswd?: { readonly volume: docker.Volume; readonly writer: docker.Container };

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Credentials", name, {}, opts);

    this.passwords = {};
    const entries = args.users.map((user) => {
      const password =
        user.password ??
        new random.RandomPassword(`${name}-${user.name}-password`, { length: 32, special: false }, { parent: this, additionalSecretOutputs: ["result"] }).result;
      const salt = new random.RandomString(`${name}-${user.name}-salt`, { length: 22, special: false }, { parent: this }).result;
      this.passwords[user.name] = pulumi.secret(password);
      return pulumi.all([password, salt]).apply(([p, s]) => ({ name: user.name, password: p, salt: s, role: user.role }));
    });
    this.hashed = pulumi.secret(
      pulumi.all(entries).apply((users) => users.map((u) => ({ name: u.name, role: u.role, hash: bcryptHash(u.password, u.salt, args.bcryptCost) }))),
    );
    if (args.writeHtpasswd) {
      const text = pulumi.secret(pulumi.all(entries).apply((users) => renderHtpasswd(users, args.bcryptCost)));
      this.htpasswd = this.writeHtpasswd(name, args, text);
    }
    this.registerOutputs({ passwords: this.passwords });
  }

  private writeHtpasswd(name: string, args: CredentialsArgs, text: Secret): { volume: docker.Volume; writer: docker.Container } {
    const { runtime } = args;
    const volume = new docker.Volume(
      `${name}-volume`,
      { name: `regstack-${runtime.stack}-auth`, labels: [{ label: "io.regstack.stack", value: runtime.stack }] },
      { parent: this, provider: runtime.provider },
    );
    const writer = fileWriterJob(
      `${name}-writer`,
      runtime,
      {
        image: args.toolsImage,
        volume: volume.name,
        mountPath: registryPaths.authDir,
        files: [{ path: registryPaths.htpasswdFile, content: text, mode: "0444" }],
      },
      { parent: this },
    );
    return { volume, writer };
  }
}
