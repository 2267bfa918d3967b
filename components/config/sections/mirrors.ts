/** Pull-through caches, one per upstream: `regstack:mirrors`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, duplicates, requireSecret } from "../checks";
import { bool, int, listOf, object, optional, required, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { dnsLabel, duration, httpsUrl } from "../patterns";
import { MirrorSpec } from "../types";

/** Default pull-through cache when a stack names none: Docker Hub on 5001. */
export const DEFAULT_MIRRORS = [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001 }];

const mirror = object({
  name: required(str(dnsLabel), { type: "name", text: "Cache name (`mirror-<name>` on the platform network)." }),
  upstream: required(str(httpsUrl), { type: "URL", text: "e.g. `https://registry-1.docker.io`, `https://ghcr.io`." }),
  port: required(int(1, 65535), { type: "port", text: "The edge's port for this cache (port routing)." }),
  host: optional(str(dnsLabel), { type: "host name", default: "first host", text: "Which of `docker.hosts` runs it (docker target)." }),
  username: optional(str({ minLength: 1, maxLength: 255, pattern: /^[\x21-\x7e]+$/, expected: "a user name of printable characters without spaces" }), { type: "string", text: "Upstream user (with `password`)." }),
  password: optional(str({ minLength: 1, expected: "a password or token", secret: true }), { type: "secret", text: "Upstream password or token." }),
  ttl: optional(str(duration), { type: "duration", default: "7 days (registry default)", text: "Cache TTL, registry 3.x only (e.g. `168h`)." }),
  public: withDefault(bool(), false, {
    type: "boolean",
    text: "Reading this cache needs no login. Without it, reading a cache needs a user beyond loopback, unless `regstack:access.anonymousPull` opens reads; a cache holding upstream credentials always needs one.",
  }),
});

export const mirrorKeys = {
  mirrors: withDefault(listOf(mirror), () => DEFAULT_MIRRORS.map((m) => ({ ...m, public: false })), {
    type: "list",
    default: "Docker Hub on 5001",
    text: "Pull-through caches, one per upstream; `[]` for none.",
  }),
};

type MirrorRaw = {
  readonly name: string;
  readonly upstream: string;
  readonly username?: string;
  readonly password?: string;
  readonly ttl?: string;
  readonly public: boolean;
};

export function checkMirrors(raw: { mirrors: readonly MirrorRaw[]; registry: { version: string } }, ctx: CheckContext, issues: IssueList): void {
  duplicates(raw.mirrors, (m) => m.name, (i) => `regstack:mirrors[${i}].name`, "mirror name", issues);
  // Clients map an upstream to one cache (a containerd or k3s mirror entry per upstream).
  duplicates(raw.mirrors, (m) => m.upstream.replace(/\/+$/, "").toLowerCase(), (i) => `regstack:mirrors[${i}].upstream`, "upstream", issues);
  raw.mirrors.forEach((m, i) => {
    const at = `regstack:mirrors[${i}]`;
    if (m.ttl !== undefined && raw.registry.version === "2.8") {
      issues.add(`${at}.ttl`, 'is supported by registry 3.x only; registry 2.8 keeps proxied content 7 days (remove ttl or set regstack:registry.version to "3")');
    }
    if (m.public && m.username !== undefined) {
      issues.add(`${at}.public`, "a cache holding upstream credentials is never public (anyone could pull through your account); remove public or the credentials");
    }
    if ((m.username === undefined) !== (m.password === undefined)) {
      issues.add(m.username === undefined ? `${at}.username` : `${at}.password`, "upstream credentials need both username and password");
    }
  });
  requireSecret(raw.mirrors, "mirrors", ctx, issues);
}

export function buildMirrors(raw: { mirrors: readonly MirrorRaw[] }): MirrorSpec[] {
  return raw.mirrors.map((m) => ({
    name: m.name,
    upstream: m.upstream.replace(/\/+$/, ""),
    username: m.username,
    password: m.password === undefined ? undefined : pulumi.secret(m.password),
    ttl: m.ttl,
    public: m.public,
  }));
}
