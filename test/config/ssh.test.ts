/**
 * ssh to Docker hosts and client nodes: a stack pins host keys, and passes ssh only connection
 * options (nothing ssh would run as a command on the machine running pulumi).
 */
import { evaluateConfig } from "../../offline/run";
import { reveal } from "../../offline/secrets";
import { readStackConfig } from "../../offline/stackConfig";
import { keyValue, problemsOf, withKey } from "../support/config";
import { ofType } from "../support/resources";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBqnPZ6ViBpS2eqNbSO1NQNH1ip3S9wf6jxaW9aINJXs";
const host = (extra: Record<string, unknown>) => ({ docker: { hosts: [{ name: "nas", url: "ssh://admin@nas.lan", ...extra }] }, domain: "nas.lan", users: [{ name: "ci", role: "push" }] });
const at = (extra: Record<string, unknown>) => problemsOf(host(extra)).map((i) => `${i.path}: ${i.message}`);

describe("ssh options of a Docker host", () => {
  it("takes connection options as -o pairs or -oName=value", () => {
    expect(at({ sshOpts: ["-o", "ConnectTimeout=10", "-oServerAliveInterval=30", "-o", "IdentityFile=~/.ssh/id_nas", "-o", "ProxyJump=ops@bastion.lan:2222"] })).toEqual([]);
  });

  it("refuses options that run commands, flags, values with shell characters and a dangling -o, each at its index", () => {
    expect(at({ sshOpts: ["-o", "ProxyCommand=nc %h %p", "-oLocalCommand=id", "-o", "KnownHostsCommand=/bin/sh", "-v", "-o", "ConnectTimeout=$(id)", "-o"] })).toEqual([
      expect.stringMatching(/^regstack:docker.hosts\[0\].sshOpts\[1\]: ssh option ProxyCommand is not allowed/),
      expect.stringMatching(/^regstack:docker.hosts\[0\].sshOpts\[2\]: ssh option LocalCommand is not allowed/),
      expect.stringMatching(/^regstack:docker.hosts\[0\].sshOpts\[4\]: ssh option KnownHostsCommand is not allowed/),
      'regstack:docker.hosts[0].sshOpts[5]: expected -o followed by Name=value (ssh options only: flags and commands are not passed on), got "-v"',
      'regstack:docker.hosts[0].sshOpts[7]: expected a value of letters, digits and @%+=:,./_~^- for ConnectTimeout, got "$(id)"',
      "regstack:docker.hosts[0].sshOpts[8]: expected `Name=value` after -o",
    ]);
  });

  it("takes a pinned host key as ssh-keyscan prints it, and refuses what is not one", () => {
    expect(at({ hostKey: `${KEY} nas` })).toEqual([]);
    expect(at({ hostKey: "ssh-ed25519 AAAA" })[0]).toMatch(/^regstack:docker.hosts\[0\].hostKey: expected a public host key/);
    // Right shape, but the base64 holds an RSA key's type: a copy-paste mix-up.
    expect(at({ hostKey: `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-rsa"), Buffer.alloc(40)]).toString("base64")}` })).toEqual([
      "regstack:docker.hosts[0].hostKey: its base64 part is not a ssh-ed25519 key",
    ]);
    expect(at({ hostKey: KEY, sshOpts: ["-o", "StrictHostKeyChecking=accept-new"] })).toEqual(["regstack:docker.hosts[0].sshOpts[1]: StrictHostKeyChecking is set by the pinned hostKey: remove it here"]);
    expect(problemsOf({ users: [{ name: "ci", role: "push" }], docker: { hosts: [{ name: "local", url: "unix:///var/run/docker.sock", hostKey: KEY }] } }).map((i) => i.path)).toEqual(["regstack:docker.hosts[0].hostKey"]);
  });

  it("reaches the Docker provider first in its ssh options, and a client's connection as its hostKey", async () => {
    const dev = readStackConfig("dev");
    const hosts = keyValue<{ hosts: Record<string, unknown>[] }>(dev, "docker").hosts.map((h) => ({ ...h, sshOpts: [], hostKey: KEY }));
    const clients = keyValue<Record<string, unknown>[]>(dev, "clients").map((c) => ({ ...c, hostKey: KEY }));
    const e = await evaluateConfig(withKey(withKey(dev, "docker", { hosts }), "clients", clients));
    const providers = ofType(e, "pulumi:providers:docker");
    expect(providers.length).toBeGreaterThan(0);
    for (const p of providers) {
      const opts = (p.inputs as { sshOpts: string }).sshOpts;
      expect(JSON.parse(opts).slice(0, 2)).toEqual(["-o", "StrictHostKeyChecking=yes"]);
      expect(JSON.parse(opts)).toContain(`KnownHostsCommand=/bin/echo '* ${KEY}'`);
    }
    const commands = ofType(e, "command:remote:Command");
    expect(commands.length).toBeGreaterThan(0);
    // The connection input is a secret (it may hold a private key).
    for (const c of commands) expect((reveal((c.inputs as { connection: unknown }).connection) as { hostKey?: string }).hostKey).toBe(KEY);
  });
});
