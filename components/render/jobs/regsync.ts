/**
 * regsync.yml for the sync job: each listed repository copied into the registry over the platform
 * network, one at a time, pausing when a source's pull allowance runs low. Logins are regsync
 * templates reading the job's secret environment, so the file holds no secret.
 */
import { SyncImageSpec } from "../../config/types";
import { toYaml } from "../yaml";

export interface RegsyncInput {
  /** host:port of the registry on the platform network (plain HTTP inside it). */
  readonly registry: string;
  readonly images: readonly SyncImageSpec[];
  /** Source registries with a login, in order: their user and password come from SYNC_USER_<i> and SYNC_PASS_<i>. */
  readonly logins: readonly string[];
  readonly reservePulls: number;
  readonly retryAfter: string;
}

/** The env names a source registry's login is read from. */
export function syncLoginEnv(index: number): { user: string; pass: string } {
  return { user: `SYNC_USER_${index}`, pass: `SYNC_PASS_${index}` };
}

export function renderRegsyncConfig(input: RegsyncInput): string {
  const creds: Record<string, unknown>[] = [
    { registry: input.registry, tls: "disabled" },
    ...input.logins.map((registry, i) => {
      const env = syncLoginEnv(i);
      return { registry, user: `{{env "${env.user}"}}`, pass: `{{env "${env.pass}"}}` };
    }),
  ];
  return toYaml({
    version: 1,
    creds,
    defaults: {
      parallel: 1,
      ratelimit: { min: input.reservePulls, retry: input.retryAfter },
      skipDockerConfig: true,
    },
    sync: input.images.map((img) => ({
      source: img.source,
      target: `${input.registry}/${img.target}`,
      type: "repository",
      ...(img.allow.length > 0 || img.deny.length > 0 ? { tags: { ...(img.allow.length > 0 ? { allow: [...img.allow] } : {}), ...(img.deny.length > 0 ? { deny: [...img.deny] } : {}) } } : {}),
      ...(img.platform ? { platform: img.platform } : {}),
    })),
  });
}
