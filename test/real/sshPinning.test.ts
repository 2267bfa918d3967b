/**
 * A pinned host key, as the Docker hosts' ssh gets it (`regstack:docker.hosts[].hostKey`): Debian's
 * OpenSSH client, with the options regstack renders, reaches a private sshd whose key is the pinned
 * one, and refuses it when the pin names another key, whatever the stack's own options or the
 * user's known_hosts say. Nothing is written to a known_hosts file.
 */
import { existsSync, rmSync } from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { sshOptionsOf } from "../../components/docker/sshOptions";
import { newKey, RunningSshd, startSshd } from "../../rig/sshServer";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-ssh-");
const home = path.join(work, "home");
let sshd: RunningSshd;

beforeAll(async () => {
  sshd = await startSshd(path.join(work, "sshd"));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Runs `true` on the server as the Docker client would connect: the rendered options, then the host. */
function connect(options: readonly string[]): { status: number | null; stderr: string } {
  const args = [...options, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-i", sshd.identity, "-p", String(sshd.port), `${sshd.user}@127.0.0.1`, "true"];
  const result = spawnSync("ssh", args, { encoding: "utf8", env: { ...process.env, HOME: home }, timeout: 20000 });
  return { status: result.status, stderr: result.stderr };
}

describe("a pinned ssh host key", () => {
  it("connects when the server's key is the pinned one, either of its key types", () => {
    for (const key of Object.values(sshd.hostKeys)) {
      const result = connect(sshOptionsOf({ hostKey: key, sshOpts: [] }));
      expect({ key: key.split(" ")[0], status: result.status, stderr: result.stderr }).toEqual({ key: key.split(" ")[0], status: 0, stderr: "" });
    }
    expect(existsSync(path.join(home, ".ssh", "known_hosts"))).toBe(false);
  });

  it("refuses a server whose key is not the pinned one, even after the stack's own StrictHostKeyChecking=no", () => {
    const other = newKey(path.join(work, "impostor"), "ed25519");
    for (const extra of [[], ["-o", "StrictHostKeyChecking=no"], ["-o", "UserKnownHostsFile=/dev/null"]]) {
      const result = connect(sshOptionsOf({ hostKey: other, sshOpts: extra }));
      expect(result.status).toBe(255);
      expect(result.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    }
  });

  it("without a pin, ssh's own checking applies: an unknown host is refused in batch mode", () => {
    const result = connect(sshOptionsOf({ sshOpts: ["-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${path.join(work, "empty_known_hosts")}`] }));
    expect(result.status).toBe(255);
    expect(result.stderr).toMatch(/Host key verification failed/);
  });
});
