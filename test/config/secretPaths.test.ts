/**
 * The plaintext rule works per value: once one password (or key, or token) is encrypted in the
 * stack file, another one in plaintext is still refused at its own path. The program reads the
 * stack file to know which values are encrypted, offline and under `pulumi up` alike.
 */
import { rmSync, writeFileSync, mkdirSync } from "fs";
import * as path from "path";
import { isSecretAt } from "../../components/config/checks";
import { ConfigError } from "../../components/config/issues";
import { readRunningStackFile } from "../../components/config/load";
import { parseSpec } from "../../components/config/parse";
import { registryPaths } from "../../components/render/paths";
import { evaluateConfig } from "../../offline/run";
import { reveal } from "../../offline/secrets";
import { parseStackFile, readStackConfig } from "../../offline/stackConfig";
import { parse } from "yaml";
import { withKey } from "../support/config";
import { selfSigned } from "../support/pem";
import { scratchDir } from "../support/scratch";

function problemPaths(text: string): string[] {
  try {
    parseSpec(parseStackFile("t", text));
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.filter((i) => i.message.startsWith("is stored in plaintext")).map((i) => i.path);
    throw err;
  }
  return [];
}

const users = (second: string) =>
  `  regstack:users:\n    - name: ci\n      role: push\n      password:\n        secure: v1:abc\n    - name: dev\n      role: pull\n      password: ${second}\n`;

describe("the per-value plaintext rule", () => {
  it("refuses the second user's plaintext password though the first one is encrypted", () => {
    expect(problemPaths(`config:\n${users("plain-password-1")}`)).toEqual(["regstack:users[1].password"]);
    expect(problemPaths(`config:\n${users("\n        secure: v1:def")}`)).toEqual([]);
  });

  it("takes a whole key set with --secret as encrypting every value in it", () => {
    const ctx = { secretKeys: ["regstack:users"], secretPaths: ["regstack:users"], given: new Set<string>() };
    expect(isSecretAt("regstack:users[1].password", ctx)).toBe(true);
    expect(isSecretAt("regstack:usersx", ctx)).toBe(false);
    expect(isSecretAt("regstack:mirrors[0].password", ctx)).toBe(false);
  });

  it("refuses a mirror's plaintext upstream password beside an encrypted one", () => {
    const text = `config:\n${users("\n        secure: v1:def")}  regstack:mirrors:\n    - name: hub\n      upstream: https://registry-1.docker.io\n      port: 5001\n      username: me\n      password:\n        secure: v1:x\n    - name: ghcr\n      upstream: https://ghcr.io\n      port: 5002\n      username: me\n      password: plain-token\n`;
    expect(problemPaths(text)).toEqual(["regstack:mirrors[1].password"]);
  });

  it("refuses a token in a notification header unless encrypted; a harmless header may stay plain", () => {
    const endpoint = (auth: string) =>
      `  regstack:notifications:\n    - name: ci\n      url: https://ci.example.com/hook\n      headers:\n        X-Source: regstack\n        Authorization: ${auth}\n        X-Api-Key:\n          secure: v1:k\n`;
    expect(problemPaths(`config:\n${users("\n        secure: v1:def")}${endpoint("Bearer abc")}`)).toEqual(["regstack:notifications[0].headers.Authorization"]);
    expect(problemPaths(`config:\n${users("\n        secure: v1:def")}${endpoint("\n          secure: v1:t")}`)).toEqual([]);
  });

  it("without the stack file (config given another way) a key marked secret covers its values", () => {
    const config = parseStackFile("t", `config:\n${users("plain-password-1")}`);
    expect(() => parseSpec({ ...config, secretPaths: undefined })).not.toThrow();
  });
});

describe("under pulumi up the program reads the running stack's file", () => {
  let dir: string;
  beforeEach(() => (dir = scratchDir("regstack-stackfile-")));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("beside Pulumi.yaml, or in its stackConfigDir; none found means per-key marks", () => {
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: regstack\nruntime: nodejs\n");
    writeFileSync(path.join(dir, "Pulumi.nas.yaml"), `config:\n${users("plain-password-1")}`);
    expect(readRunningStackFile("nas", dir).secretPaths).toEqual(["regstack:users[0].password"]);
    expect(readRunningStackFile("dev", dir).secretPaths).toBeUndefined();

    mkdirSync(path.join(dir, "stacks"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: regstack\nruntime: nodejs\nstackConfigDir: stacks\n");
    writeFileSync(path.join(dir, "stacks", "Pulumi.dev.yaml"), "config:\n  regstack:backup:\n    secure: v1:abc\n");
    expect(readRunningStackFile("dev", dir).secretPaths).toEqual(["regstack:backup"]);
  });

  it("with an environment (Pulumi ESC) imported, whose values are not in the file, only the per-key marks count", () => {
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: regstack\nruntime: nodejs\n");
    writeFileSync(path.join(dir, "Pulumi.nas.yaml"), `environment:\n  - regstack-nas\nconfig:\n${users("plain-password-1")}`);
    expect(readRunningStackFile("nas", dir).secretPaths).toBeUndefined();
  });

  it("what Pulumi let through but regstack's reader refuses is a config problem at its line", () => {
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: regstack\nruntime: nodejs\n");
    writeFileSync(path.join(dir, "Pulumi.nas.yaml"), "config:\n  regstack:ports:\n    registry: 05000\n");
    expect(() => readRunningStackFile("nas", dir)).toThrow(ConfigError);
    expect(() => readRunningStackFile("nas", dir)).toThrow(/Pulumi\.nas\.yaml:3:15: 05000 is read by Pulumi as the octal number 2560/);
  });
});

describe("notification headers reach the registry's secret config only", () => {
  it("a header token is in no plain file and in no output; the registry's config carrying it is secret", async () => {
    const token = "Bearer hook-token-4711";
    const config = withKey(readStackConfig("nas"), "notifications", [{ name: "ci", url: "https://ci.example.com/hook", headers: { Authorization: token, "X-Source": "regstack" } }], true);
    const e = await evaluateConfig(config);
    for (const f of e.files.filter((x) => !x.secret)) expect({ file: `${f.service}:${f.path}`, leaks: f.content.includes(token) }).toEqual({ file: `${f.service}:${f.path}`, leaks: false });
    const registryConfig = e.files.find((f) => f.service === "registry" && f.path === registryPaths.configFile("3"))!;
    expect(registryConfig.secret).toBe(true);
    expect(parse(registryConfig.content).notifications.endpoints[0].headers).toEqual({ Authorization: [token], "X-Source": ["regstack"] });
    expect(JSON.stringify(reveal(e.outputs))).not.toContain(token);
  });
});

describe("a value supplied the documented way plans offline", () => {
  it("a secure private key (pulumi config set --secret --path … < key.pem) is unknown offline, not refused as PEM", async () => {
    const pems = await selfSigned("nas.lan");
    const indent = (s: string) => s.trim().split("\n").map((l) => `          ${l}`).join("\n");
    const text = (key: string) =>
      `config:\n  regstack:domain: nas.lan\n  regstack:bindAddress: 0.0.0.0\n  regstack:users:\n    - name: ci\n  regstack:tls:\n    mode: provided\n    certificate:\n      cert: |\n${indent(pems.cert)}\n      key:${key}\n`;
    const config = parseStackFile("t", text("\n        secure: v1:abcdef"));
    expect(config.unknownPaths).toEqual(["regstack:tls.certificate.key"]);
    const e = await evaluateConfig(config);
    expect(e.files.find((f) => f.service === "edge" && f.path.endsWith("server.key"))?.secret).toBe(true);
    // Known (here: in plaintext), the same key is checked as PEM, and refused for being in plaintext.
    expect(() => parseSpec(parseStackFile("t", text(" not-a-pem")))).toThrow(/regstack:tls\.certificate\.key: expected a PEM private key/);
  });
});
