/** Garbage collection without a restart: `regstack:gc`. */
import { NAMESPACE } from "../checks";
import { bool, cron, int, section, withDefault } from "../decoders";
import { IssueList } from "../issues";
import { GcSpec, RegistryMajor } from "../types";

export const gcKeys = {
  gc: section(
    {
      enabled: withDefault(bool(), true, { type: "boolean", text: "Collect unreferenced blobs on a schedule." }),
      schedule: withDefault(cron(), "0 3 * * 0", { type: "cron", text: "When GC runs; pushes get 503 with Retry-After for its window, pulls keep working." }),
      deleteUntagged: withDefault(bool(), false, {
        type: "boolean",
        text: "Also delete manifests no tag points at. Registry 3.x only: 2.8 deletes the children of multi-arch images with them.",
      }),
      drainQuietSeconds: withDefault(int(1, 600), 10, { type: "seconds", text: "GC starts once no upload has written for this long." }),
      drainTimeoutSeconds: withDefault(int(10, 86400), 600, { type: "seconds", text: "GC is skipped (nothing changed) when uploads keep writing this long." }),
    },
    { type: "object", text: "Scheduled garbage collection." },
  ),
};

type GcRaw = { readonly enabled: boolean; readonly schedule: string; readonly deleteUntagged: boolean; readonly drainQuietSeconds: number; readonly drainTimeoutSeconds: number };

export function checkGc(raw: { gc: GcRaw; registry: { version: RegistryMajor } }, issues: IssueList): void {
  if (raw.gc.deleteUntagged && raw.registry.version === "2.8") {
    issues.add(
      `${NAMESPACE}:gc.deleteUntagged`,
      'is refused with regstack:registry.version "2.8": its garbage-collect --delete-untagged deletes the children of multi-arch images (distribution issues 3178, 4461); use version "3" or leave it false',
    );
  }
  if (raw.gc.drainQuietSeconds >= raw.gc.drainTimeoutSeconds) {
    issues.add(`${NAMESPACE}:gc.drainTimeoutSeconds`, `expected more than regstack:gc.drainQuietSeconds (${raw.gc.drainQuietSeconds}), got ${raw.gc.drainTimeoutSeconds}`);
  }
}

export function buildGc(raw: { gc: GcRaw }): GcSpec | undefined {
  const g = raw.gc;
  if (!g.enabled) return undefined;
  return { schedule: g.schedule, deleteUntagged: g.deleteUntagged, drainQuietSeconds: g.drainQuietSeconds, drainTimeoutSeconds: g.drainTimeoutSeconds };
}
