/**
 * Generated files pass their own tools, for every shipped stack and for the full configs with
 * hostile free text in every value that takes it: each client-trust script passes shellcheck, each
 * hosts.toml parses as TOML (Python's tomllib), and each edge's Caddyfile passes `caddy validate`
 * (that one in caddyValidate.test.ts, which takes the hostile config too).
 */
import { rmSync, writeFileSync } from "fs";
import * as path from "path";
import { Evaluation } from "../../offline/engine";
import { evaluateConfig } from "../../offline/run";
import { readStackConfig, shippedStacks, StackConfig } from "../../offline/stackConfig";
import { requireTool, runTool } from "../../rig/process";
import { rawConfig } from "../support/config";
import { fullKubernetesConfig } from "../support/fullConfig";
import { hostileFreeText } from "../support/hostile";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-generated-");
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hostile = hostileFreeText().config;
const configs: [string, StackConfig][] = [
  ...shippedStacks().map((s) => [s, readStackConfig(s)] as [string, StackConfig]),
  ["full-docker-hostile", rawConfig(hostile, Object.keys(hostile))],
  ["full-kubernetes", rawConfig(fullKubernetesConfig, Object.keys(fullKubernetesConfig))],
];

beforeAll(() => {
  for (const tool of ["shellcheck", "python3"]) requireTool(tool);
});

describe.each(configs)("the %s config's generated files", (name, config) => {
  let e: Evaluation;
  beforeAll(async () => {
    e = await evaluateConfig(config);
  });

  it("client-trust scripts pass shellcheck", () => {
    const files = e.clientScripts.flatMap((s) =>
      (["apply", "remove"] as const).map((k) => {
        const file = path.join(work, `${name}-${s.client}-${k}.sh`);
        writeFileSync(file, s[k]);
        return file;
      }),
    );
    const clients = config.values["regstack:clients"] ? (JSON.parse(config.values["regstack:clients"]) as unknown[]).length : 0;
    expect(files.length).toBe(2 * clients);
    if (clients === 0) return;
    const result = runTool("shellcheck", ["--shell=sh", "--severity=style", ...files]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("every hosts.toml parses as TOML", () => {
    const hosts = (e.outputs.containerdHosts ?? {}) as Record<string, string>;
    // The registry's and each cache's: every stack has at least the registry's.
    expect(Object.keys(hosts).length).toBeGreaterThan(0);
    for (const [host, toml] of Object.entries(hosts)) {
      const file = path.join(work, `${name}-${host.replace(/[^a-z0-9.-]/gi, "_")}.toml`);
      writeFileSync(file, toml);
      const result = runTool("python3", ["-c", "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))", file]);
      expect({ host, stderr: result.stderr }).toEqual({ host, stderr: "" });
    }
  });
});
