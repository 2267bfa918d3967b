import { images } from "../../components/images";
import { NO_STAND_IN, STAND_INS, standInTag } from "../../e2e/standins";
import { evaluateStack } from "../../offline/run";
import { shippedStacks } from "../../offline/stackConfig";
import { ofType, CONTAINER } from "../support/resources";

describe("the stand-in table (e2e)", () => {
  it("covers every image the components declare, each once: stood in, or skipped with a reason", () => {
    const declared = Object.values(images).sort();
    const covered = [...STAND_INS.map((s) => s.official), ...Object.keys(NO_STAND_IN)].sort();
    expect(covered).toEqual(declared);
    for (const reason of Object.values(NO_STAND_IN)) expect(reason.length).toBeGreaterThan(10);
  });

  it("covers every image the shipped stacks run", async () => {
    const known = new Set([...STAND_INS.map((s) => s.official), ...Object.keys(NO_STAND_IN)]);
    for (const stack of shippedStacks()) {
      const e = await evaluateStack(stack);
      for (const c of ofType(e, CONTAINER)) expect(known.has(c.inputs.image as string)).toBe(true);
    }
  });

  it("keeps each official image's contract: config path, ports, entrypoint", () => {
    const byImage = new Map(STAND_INS.map((s) => [s.official, s]));
    expect(byImage.get(images.registry3)!.cmd).toEqual(["/etc/distribution/config.yml"]);
    expect(byImage.get(images.registry28)!.cmd).toEqual(["/etc/docker/registry/config.yml"]);
    expect(byImage.get(images.registry3)!.ports).toEqual([5000]);
    expect(byImage.get(images.edge)!.env).toEqual(["XDG_CONFIG_HOME=/config", "XDG_DATA_HOME=/data"]);
    expect(byImage.get(images.redis)!.ports).toEqual([6379]);
    for (const s of STAND_INS) {
      expect(s.contract.length).toBeGreaterThan(10);
      expect(standInTag(s.official)).toMatch(/^regstack-standin\/[a-z0-9.-]+:e2e$/);
    }
  });
});
