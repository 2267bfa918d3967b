/**
 * A private sshd on loopback for the real-tool checks: Debian's OpenSSH with its own host keys and
 * one authorized client key, all in a directory the caller owns, logging in as the current user.
 * Run as root, sshd needs its privilege-separation directory: it is made only when missing, and
 * removed again on stop only when this made it.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "fs";
import * as path from "path";
import { userInfo } from "os";
import { freePort, requireTool, runTool, startProcess } from "./process";

export interface RunningSshd {
  readonly port: number;
  readonly user: string;
  /** The client's private key file. */
  readonly identity: string;
  /** The server's public host keys by type (`ssh-ed25519 AAAA…`, no comment). */
  readonly hostKeys: Readonly<Record<"ssh-ed25519" | "ecdsa-sha2-nistp256", string>>;
  output(): string;
  stop(): Promise<void>;
}

const PRIVSEP_DIR = "/run/sshd";

/** A fresh key pair in `file` (and `file`.pub); returns the public key without its comment. */
export function newKey(file: string, type: "ed25519" | "ecdsa"): string {
  const made = runTool("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "", "-f", file]);
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
  return readFileSync(`${file}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
}

export async function startSshd(dir: string): Promise<RunningSshd> {
  requireTool("sshd");
  requireTool("ssh-keygen");
  mkdirSync(dir, { recursive: true });
  const hostKeys = {
    "ssh-ed25519": newKey(path.join(dir, "host_ed25519"), "ed25519"),
    "ecdsa-sha2-nistp256": newKey(path.join(dir, "host_ecdsa"), "ecdsa"),
  };
  const identity = path.join(dir, "client");
  writeFileSync(path.join(dir, "authorized_keys"), `${newKey(identity, "ed25519")}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = path.join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${path.join(dir, "host_ed25519")}`,
      `HostKey ${path.join(dir, "host_ecdsa")}`,
      `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
      "PidFile none",
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "",
    ].join("\n"),
  );
  const madePrivsep = process.getuid?.() === 0 && !existsSync(PRIVSEP_DIR);
  if (madePrivsep) mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  const proc = startProcess("/usr/sbin/sshd", ["-D", "-e", "-f", config]);
  const deadline = Date.now() + 10000;
  while (!/Server listening/.test(proc.output())) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await proc.stop();
      if (madePrivsep) rmdirSync(PRIVSEP_DIR);
      throw new Error(`sshd did not start: ${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    user: userInfo().username,
    identity,
    hostKeys,
    output: proc.output,
    stop: async () => {
      await proc.stop();
      if (madePrivsep) rmdirSync(PRIVSEP_DIR);
    },
  };
}
