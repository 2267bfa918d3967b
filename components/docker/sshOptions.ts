/**
 * The ssh options the Docker provider passes to the Docker client's ssh (`sshOpts`) for one host.
 * With a pinned host key, regstack's options come first (ssh keeps the first value it reads of each
 * option): strict checking, no known_hosts file read or written, and the pinned key as the only
 * known key, given by `KnownHostsCommand` (OpenSSH 8.5 or later on the machine running pulumi).
 * The stack's own options follow; the config layer refuses the ones a pin sets.
 */
import { DockerHost } from "../config/types";

export function sshOptionsOf(host: Pick<DockerHost, "sshOpts" | "hostKey">): string[] {
  if (host.hostKey === undefined) return [...host.sshOpts];
  const [type] = host.hostKey.split(" ");
  // ssh runs the command with the user's shell: the line is one single-quoted word (a key's type
  // and base64 hold no quote), and `*` names whatever host this connection is to.
  const pinned = [
    "StrictHostKeyChecking=yes",
    "UserKnownHostsFile=/dev/null",
    "GlobalKnownHostsFile=/dev/null",
    // An RSA key signs with SHA-2 (OpenSSH 8.8 turned the SHA-1 `ssh-rsa` algorithm off).
    `HostKeyAlgorithms=${type === "ssh-rsa" ? "rsa-sha2-512,rsa-sha2-256" : type}`,
    `KnownHostsCommand=/bin/echo '* ${host.hostKey}'`,
  ];
  return [...pinned.flatMap((o) => ["-o", o]), ...host.sshOpts];
}
