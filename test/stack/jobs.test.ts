/**
 * The scheduled operations on the Docker target, under the offline engine: one unprivileged scheduler
 * container with no Docker socket, the registry's data and the backup repository mounted, the edge
 * reading the freeze flag, the schedule it runs valid, and the backup password a secret output.
 */
import { Evaluation } from "../../offline/engine";
import { evaluateConfig, evaluateStack } from "../../offline/run";
import { containsSecret, reveal } from "../../offline/secrets";
import { readStackConfig, stacksOn } from "../../offline/stackConfig";
import { byName, CONTAINER, ofType, VOLUME } from "../support/resources";
import { withKey } from "../support/config";
import { jobPaths, registryPaths } from "../../components/render/paths";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cronProblem } = require("../../runtime/cron") as typeof import("../../runtime/cron");

type Mount = { containerPath: string; volumeName?: string; hostPath?: string; readOnly?: boolean };
const mounts = (e: Evaluation, name: string) => reveal(byName(e, name).inputs.volumes) as Mount[];

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const stack of stacksOn("docker")) evaluations.set(stack, await evaluateStack(stack));
});

describe.each(stacksOn("docker"))("scheduled operations on stack %s", (stack) => {
  const e = () => evaluations.get(stack)!;
  const scheduler = () => byName(e(), "regstack-scheduler-container");

  it("runs one scheduler, unprivileged, with no Docker socket and no capability", () => {
    const s = scheduler();
    expect(s.inputs.user).toBe("10500:10500");
    expect(s.inputs.capabilities).toEqual({ drops: ["ALL"] });
    for (const c of ofType(e(), CONTAINER)) {
      for (const m of (reveal(c.inputs.volumes) as Mount[] | undefined) ?? []) expect(m.hostPath ?? "").not.toMatch(/docker\.sock/);
    }
    expect(ofType(e(), CONTAINER).filter((c) => /scheduler-container$/.test(c.name)).length).toBe(1);
  });

  it("mounts the registry's own data read-write, and the edge reads the freeze flag from a shared volume", () => {
    const registryData = mounts(e(), "regstack-registry-container").find((m) => m.containerPath === registryPaths.dataDir)!;
    const data = mounts(e(), "regstack-scheduler-container").find((m) => m.containerPath === registryPaths.dataDir)!;
    expect({ ...data, readOnly: undefined }).toEqual({ ...registryData, readOnly: undefined });
    expect(data.readOnly).toBe(false);
    const maintenance = mounts(e(), "regstack-scheduler-container").find((m) => m.containerPath === jobPaths.maintenanceDir)!;
    const atEdge = mounts(e(), "regstack-edge-container").find((m) => m.containerPath === jobPaths.maintenanceDir)!;
    expect(atEdge.volumeName).toBe(maintenance.volumeName);
    expect(atEdge.readOnly).toBe(true);
    const caddyfile = e().files.find((f) => f.service === "edge" && f.path.endsWith("/Caddyfile"))!.content;
    expect(caddyfile).toContain(`root ${jobPaths.maintenanceDir}`);
  });

  it("keeps the backup repository through destroy, and protects it where data is protected", () => {
    const backupMount = mounts(e(), "regstack-scheduler-container").find((m) => m.containerPath === jobPaths.repository);
    expect(backupMount).toBeDefined();
    const volume = ofType(e(), VOLUME).find((v) => v.name === "regstack-scheduler-data-backup");
    if (backupMount!.hostPath) expect(volume).toBeUndefined();
    else {
      expect(volume!.retainOnDelete).toBe(true);
      expect(volume!.protect).toBe(byName(e(), "regstack-registry-data").protect);
    }
  });

  it("renders a schedule whose every cron expression parses and whose storage jobs share the storage lock", () => {
    const schedule = JSON.parse(e().files.find((f) => f.service === "scheduler" && f.path === jobPaths.schedule)!.content);
    const names = schedule.jobs.map((j: { name: string }) => j.name).sort();
    const retention = readStackConfig(stack).values["regstack:retention"] !== undefined;
    const monitoring = readStackConfig(stack).values["regstack:monitoring"] !== undefined;
    expect(names).toEqual(["backup", "backup-check", "drill", "gc", "restore", ...(retention ? ["retention"] : []), ...(monitoring ? ["usage"] : [])].sort());
    for (const j of schedule.jobs) {
      if (j.schedule !== undefined) expect({ [j.name]: cronProblem(j.schedule) }).toEqual({ [j.name]: undefined });
      // The storage-usage job only reads, beside the others; every other job holds the storage lock.
      expect({ [j.name]: j.group }).toEqual({ [j.name]: j.name === "usage" ? undefined : "storage" });
      expect(JSON.stringify(j.env)).not.toMatch(/PASSWORD/);
    }
  });

  it("passes restic's and Redis's passwords as secret env only, and exports the backup password as a secret", () => {
    // The env list holds secrets, so it is one secret input as a whole (see the field notes on mocks).
    const envs = scheduler().inputs.envs;
    expect(containsSecret(envs)).toBe(true);
    const names = (reveal(envs) as string[]).map((v) => v.split("=")[0]);
    expect(names).toContain("RESTIC_PASSWORD");
    if (e().resources.some((r) => r.name === "regstack-redis-container")) expect(names).toContain("REDIS_PASSWORD");
    expect(containsSecret(e().outputs.backupPassword)).toBe(true);
  });

  it("tells how to run each job by hand, in the scheduler's own container", () => {
    const jobs = e().outputs.jobs as Record<string, { schedule: string; runByHand: string }>;
    const container = scheduler().inputs.name as string;
    expect(jobs.backup).toEqual({ schedule: "0 2 * * *", runByHand: `docker exec ${container} ${jobPaths.dir}/job.sh run backup` });
    expect(jobs.restore).toEqual({ schedule: "by hand", runByHand: `docker exec ${container} ${jobPaths.dir}/job.sh run restore <snapshot|latest> [--force]` });
  });

  it("borrows restic and the registry's own version of garbage-collect from their pinned images", () => {
    const copies = ofType(e(), CONTAINER).filter((c) => /scheduler-program-/.test(c.name));
    expect(copies.map((c) => c.name.replace(/.*program-/, "")).sort()).toEqual(["registry", "restic"]);
    const registryImage = byName(e(), "regstack-registry-container").inputs.image;
    expect(copies.find((c) => c.name.endsWith("registry"))!.inputs.image).toBe(registryImage);
  });
});

describe("operations config edits", () => {
  it("turning backups and GC off removes the scheduler and the edge's freeze", async () => {
    const base = readStackConfig("local");
    const off = await evaluateConfig(withKey(withKey(base, "backup", { enabled: false }), "gc", { enabled: false }));
    expect(off.resources.some((r) => /scheduler/.test(r.name))).toBe(false);
    expect(off.files.find((f) => f.service === "edge" && f.path.endsWith("/Caddyfile"))!.content).not.toContain("@frozen");
    expect(off.outputs.backupPassword).toBeUndefined();
  });

  it("a backup repository on a second disk is a bind mount of that path", async () => {
    const e = await evaluateConfig(withKey(readStackConfig("local"), "backup", { repository: "/srv/second-disk/regstack-backups" }));
    const m = mounts(e, "regstack-scheduler-container").find((x) => x.containerPath === jobPaths.repository)!;
    expect(m.hostPath).toBe("/srv/second-disk/regstack-backups");
  });

  it("a remote repository mounts nothing and reaches restic by URL", async () => {
    const e = await evaluateConfig(withKey(readStackConfig("local"), "backup", { repository: "rest:https://backup.lan:8000/regstack" }));
    expect(mounts(e, "regstack-scheduler-container").some((x) => x.containerPath === jobPaths.repository)).toBe(false);
    const schedule = JSON.parse(e.files.find((f) => f.service === "scheduler" && f.path === jobPaths.schedule)!.content);
    expect(schedule.jobs.find((j: { name: string }) => j.name === "backup").env.RESTIC_REPOSITORY).toBe("rest:https://backup.lan:8000/regstack");
  });
});
