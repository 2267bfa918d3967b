import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { renderHtpasswd } from "../render/htpasswd";
import { registryPaths } from "../render/paths";
import { Secret, UserSpec } from "../spec/types";
import { oneShotContainer } from "./oneShot";
import { HostRuntime } from "./runtime";

export interface CredentialsArgs {
  /** The registry's users; a user without a password gets a generated one. */
  readonly users: readonly UserSpec[];
  /** bcrypt cost of the htpasswd hashes. */
  readonly bcryptCost: number;
  readonly runtime: HostRuntime;
  /** Image with a shell (busybox) that writes the file into the volume. */
  readonly toolsImage: pulumi.Input<string>;
}

/**
 * The registry's users: passwords (from secure config or generated), a stable bcrypt salt per user, and
 * the htpasswd file written into its own volume by a one-shot job. The registry mounts that volume
 * read-only and re-reads the file when it changes, so adding or removing a user replaces only this
 * component's resources, never the registry container or its data.
 */
export class Credentials extends pulumi.ComponentResource {
  /** Every user's password, secret. */
  public readonly passwords: Record<string, Secret>;
  /** The rendered htpasswd text, secret. */
  public readonly htpasswd: Secret;
  /** The named volume holding the htpasswd file. */
  public readonly volume: docker.Volume;
  /** The job that writes the file; services that read it depend on it. */
  public readonly writer: docker.Container;

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:Credentials", name, {}, opts);
    const { runtime } = args;

    this.passwords = {};
    const entries = args.users.map((user) => {
      const password =
        user.password ??
        new random.RandomPassword(`${name}-${user.name}-password`, { length: 32, special: false }, { parent: this, additionalSecretOutputs: ["result"] }).result;
      const salt = new random.RandomString(`${name}-${user.name}-salt`, { length: 22, special: false }, { parent: this }).result;
      this.passwords[user.name] = pulumi.secret(password);
      return pulumi.all([password, salt]).apply(([p, s]) => ({ name: user.name, password: p, salt: s }));
    });
    this.htpasswd = pulumi.secret(pulumi.all(entries).apply((users) => renderHtpasswd(users, args.bcryptCost)));

    this.volume = new docker.Volume(
      `${name}-volume`,
      { name: `regstack-${runtime.stack}-auth`, labels: [{ label: "io.regstack.stack", value: runtime.stack }] },
      { parent: this, provider: runtime.provider },
    );
    const staged = "/staging/htpasswd";
    this.writer = oneShotContainer(
      `${name}-writer`,
      runtime,
      {
        image: args.toolsImage,
        // Written beside the target and renamed over it: the registry never reads a half-written file.
        script: `cp ${staged} ${registryPaths.authDir}/.htpasswd.new && chmod 0444 ${registryPaths.authDir}/.htpasswd.new && mv -f ${registryPaths.authDir}/.htpasswd.new ${registryPaths.htpasswdFile}`,
        volumes: [{ volumeName: this.volume.name, containerPath: registryPaths.authDir }],
        uploads: [{ file: staged, content: this.htpasswd }],
      },
      { parent: this },
    );
    this.registerOutputs({ passwords: this.passwords, volume: this.volume.name });
  }
}
