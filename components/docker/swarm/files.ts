/**
 * A Swarm service's files as Swarm configs (plain) and secrets (secret). Both are immutable in Swarm,
 * so each name carries a version taken from its content: a changed file is a new config or secret
 * under a new name, the service that reads it rolls onto it, and the old one is deleted after. A
 * secret's version is keyed with a generated stack secret, so its name tells nothing of its content.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash, createHmac } from "crypto";
import { Secret } from "../../config/types";
import { ServiceFile } from "../../platform/description";

/** Characters of the content's digest kept in a name: enough that two versions never meet. */
const VERSION_LENGTH = 12;

/** A file as a service mounts it: the config or secret, and where and how it appears. */
export interface SwarmFile {
  readonly kind: "config" | "secret";
  /** The config's or secret's id. */
  readonly id: pulumi.Output<string>;
  /** Its versioned name. */
  readonly name: pulumi.Output<string>;
  /** Absolute path in the service. */
  readonly path: string;
  /** File mode, as a number. */
  readonly mode: number;
}

/** A file's name, as it may appear in a Swarm object name and a resource name. */
function fileBase(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9_.-]/g, "-");
}

/** Swarm refuses config and secret names longer than this. */
export const SWARM_NAME_MAX = 64;

/**
 * A file's name in Swarm: `regstack-<stack>-<service id>-<file>-<version>`. A name that would be too
 * long keeps its start and the digest of its path instead, so two files of a service never share one.
 */
export function versionedName(prefix: string, path: string, version: string): string {
  const full = `${prefix}-${fileBase(path)}`;
  const room = SWARM_NAME_MAX - version.length - 1;
  if (full.length <= room) return `${full}-${version}`;
  const pathDigest = createHash("sha256").update(path).digest("hex").slice(0, 6);
  return `${full.slice(0, room - pathDigest.length - 1)}-${pathDigest}-${version}`;
}

/** The version of a plain file: the start of its SHA-256. */
export function plainVersion(content: string): string {
  return createHash("sha256").update(content).digest("hex").slice(0, VERSION_LENGTH);
}

/** The version of a secret file: an HMAC under the stack's version key, so a name cannot confirm a guess. */
export function secretVersion(key: string, content: string): string {
  return createHmac("sha256", key).update(content).digest("hex").slice(0, VERSION_LENGTH);
}

export interface SwarmFilesArgs {
  /** `regstack-<stack>-<service id>`. */
  readonly prefix: string;
  readonly stack: string;
  readonly files: readonly ServiceFile[];
  /** The stack's key for secret versions. */
  readonly versionKey: Secret;
  /** The manager's provider. */
  readonly provider: docker.Provider;
  readonly parent: pulumi.Resource;
}

/** Declares every file of a service as a versioned config or secret. */
export function declareSwarmFiles(name: string, args: SwarmFilesArgs): SwarmFile[] {
  return args.files.map((f) => {
    const resourceName = `${name}-${f.secret ? "secret" : "config"}-${fileBase(f.path)}`;
    const labels = [
      { label: "io.regstack.stack", value: args.stack },
      { label: "io.regstack.path", value: f.path },
    ];
    const mode = parseInt(f.mode, 8);
    const opts = { parent: args.parent, provider: args.provider };
    if (f.secret) {
      // The name is derived from the secret by a keyed hash, which reveals nothing of it: it may be plain.
      const swarmName = pulumi.unsecret(pulumi.all([f.content, args.versionKey]).apply(([content, key]) => versionedName(args.prefix, f.path, secretVersion(key, content))));
      const data = pulumi.secret(pulumi.output(f.content).apply((c) => Buffer.from(c).toString("base64")));
      const secret = new docker.Secret(resourceName, { name: swarmName, data, labels }, opts);
      return { kind: "secret", id: secret.id, name: secret.name, path: f.path, mode };
    }
    const content = pulumi.output(f.content);
    const swarmName = content.apply((c) => versionedName(args.prefix, f.path, plainVersion(c)));
    const config = new docker.ServiceConfig(resourceName, { name: swarmName, data: content.apply((c) => Buffer.from(c).toString("base64")), labels }, opts);
    return { kind: "config", id: config.id, name: config.name.apply((n) => n ?? ""), path: f.path, mode };
  });
}
