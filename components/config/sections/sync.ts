/** Scheduled image sync into the registry with regsync: `regstack:sync`. */
import * as pulumi from "@pulumi/pulumi";
import { CheckContext, duplicates, NAMESPACE, requireSecret } from "../checks";
import { bool, cron, int, listOf, object, oneOf, optional, regex, required, section, str, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { SyncSpec } from "../types";


/** An image reference without tag or digest: registry host, then the repository path. */
const sourceRepository = str({
  pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/,
  maxLength: 255,
  expected: "a repository with its registry, such as docker.io/library/alpine or ghcr.io/org/app (no tag)",
});

const targetRepository = str({
  pattern: /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
  maxLength: 255,
  expected: "a repository path in the registry, such as mirror/alpine",
});

/** Release tags (v1.2.3, 1.2.3), the `semver` filter. */
export const SEMVER_TAG = "^v?[0-9]+\\.[0-9]+\\.[0-9]+$";

const image = object({
  source: required(sourceRepository, { type: "repository", text: "What to copy, with its registry (`docker.io/library/alpine`)." }),
  target: optional(targetRepository, { type: "repository", default: "the source's path (`library/alpine`)", text: "Where it goes in the registry." }),
  allow: withDefault(listOf(regex({ re2: true })), [], { type: "list of regex", default: "all tags", text: "Tags to copy (RE2)." }),
  deny: withDefault(listOf(regex({ re2: true })), [], { type: "list of regex", text: "Tags never copied (RE2)." }),
  semver: withDefault(bool(), false, {
    type: "boolean",
    text: "Copy release tags only (`v1.2.3`, `1.2.3`). Not with `allow` (regsync ORs allow patterns): to narrow releases, write one, e.g. `^v?3\\.[0-9]+\\.[0-9]+$`.",
  }),
  platform: optional(str({ pattern: /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, expected: "a platform such as linux/amd64" }), { type: "platform", default: "all platforms", text: "Copy one platform of multi-arch images." }),
});

const credential = object({
  registry: required(str({ pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?$/, expected: "a registry host such as docker.io" }), { type: "host", text: "The source registry these credentials are for." }),
  username: required(str({ minLength: 1, maxLength: 255, pattern: /^[^\s{}]+$/, expected: "a user name" }), { type: "string", text: "User." }),
  password: required(str({ minLength: 1, expected: "a password or token", secret: true }), { type: "secret", text: "Password or access token; set with `--secret --path`." }),
});

export const syncKeys = {
  sync: section(
    {
      enabled: withDefault(bool(), false, { type: "boolean", text: "Copy the listed images into the registry on a schedule." }),
      schedule: withDefault(cron(), "30 3 * * *", { type: "cron", text: "When the sync runs." }),
      images: withDefault(listOf(image), [], { type: "list", text: "Repositories to copy (all matching tags)." }),
      credentials: withDefault(listOf(credential), [], { type: "list", text: "Logins for source registries (an authenticated Docker Hub account gets 100 pulls an hour, anonymous 10)." }),
      reservePulls: withDefault(int(0, 1000), 10, { type: "number", text: "Pause (and retry after `retryAfter`) when the source's remaining pull allowance falls to this, leaving the rest to the team." }),
      retryAfter: withDefault(oneOf(["5m", "15m", "30m", "1h"] as const), "15m", { type: "duration", text: "How long to wait when the pull limit is reached." }),
    },
    { type: "object", text: "Image sync with regsync." },
  ),
};

type SyncImageRaw = { source: string; target?: string; allow: readonly string[]; deny: readonly string[]; semver: boolean; platform?: string };
type SyncRaw = {
  readonly enabled: boolean;
  readonly schedule: string;
  readonly reservePulls: number;
  readonly retryAfter: string;
  readonly images: readonly SyncImageRaw[];
  readonly credentials: readonly { registry: string; username: string; password: string }[];
};

export function checkSync(raw: { sync: SyncRaw }, ctx: CheckContext, issues: IssueList): void {
  const s = raw.sync;
  if (s.enabled && s.images.length === 0) issues.add(`${NAMESPACE}:sync.images`, "expected at least one image when sync is enabled (e.g. [{source: docker.io/library/alpine}])");
  const targetOf = (i: { source: string; target?: string }) => i.target ?? i.source.slice(i.source.indexOf("/") + 1);
  s.images.forEach((img, i) => {
    if (img.semver && img.allow.length > 0) issues.add(`${NAMESPACE}:sync.images[${i}].allow`, "cannot be combined with semver: true (regsync copies a tag matching any allow pattern); write a release pattern into allow instead");
  });
  duplicates(s.images, targetOf, (i) => `${NAMESPACE}:sync.images[${i}].target`, "target repository", issues);
  duplicates(s.credentials, (c) => c.registry, (i) => `${NAMESPACE}:sync.credentials[${i}].registry`, "registry", issues);
  requireSecret(s.credentials, "sync.credentials", ctx, issues);
}

export function buildSync(raw: { sync: SyncRaw }): SyncSpec | undefined {
  const s = raw.sync;
  if (!s.enabled) return undefined;
  return {
    schedule: s.schedule,
    reservePulls: s.reservePulls,
    retryAfter: s.retryAfter,
    images: s.images.map((i) => ({
      source: i.source,
      target: i.target ?? i.source.slice(i.source.indexOf("/") + 1),
      allow: i.semver ? [SEMVER_TAG] : [...i.allow],
      deny: [...i.deny],
      semverOnly: i.semver,
      platform: i.platform,
    })),
    credentials: s.credentials.map((c) => ({ registry: c.registry, username: c.username, password: pulumi.secret(c.password) })),
  };
}
