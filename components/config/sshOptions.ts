/**
 * ssh settings of Docker hosts and client nodes: the host key a stack pins, and the extra ssh
 * options it may pass to the Docker client's ssh. The options are an allow-list: ssh reads options
 * such as ProxyCommand, LocalCommand or KnownHostsCommand as commands to run on the machine running
 * `pulumi`, and `pulumi preview` in a pull-request check connects to the hosts, so a stack file
 * edit must not be able to run anything there.
 */
import { StringRule } from "./decoders";
import { IssueList } from "./issues";

/** Host key types ssh and Go's x/crypto/ssh both verify. */
const KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"] as const;

/** One public host key as `ssh-keyscan` prints it after the host name: `<type> <base64> [comment]`. */
export const hostKeyRule: StringRule = {
  pattern: new RegExp(`^(${KEY_TYPES.join("|")}) [A-Za-z0-9+/]{32,}={0,2}( [\\x21-\\x7e]{1,64})?$`),
  expected: "a public host key such as `ssh-ed25519 AAAAC3Nza…` (what `ssh-keyscan -t ed25519 <host>` prints after the host name)",
};

/** The key's type and base64 body, without a comment. */
export function hostKeyBody(key: string): string {
  return key.split(" ").slice(0, 2).join(" ");
}

/** Records at `at` a pinned key whose base64 body is not a key of the type it names. */
export function checkHostKey(key: string | undefined, at: string, issues: IssueList): void {
  const problem = key === undefined ? undefined : hostKeyProblem(key);
  if (problem) issues.add(at, problem);
}

/** Whether the base64 body really is a key of the type it names (the first field inside is the type). */
function hostKeyProblem(key: string): string | undefined {
  const [type, body] = key.split(" ");
  const bytes = Buffer.from(body, "base64");
  if (bytes.length < 4) return "its base64 part is too short to be a key";
  const length = bytes.readUInt32BE(0);
  if (bytes.subarray(4, 4 + length).toString("latin1") !== type) return `its base64 part is not a ${type} key`;
  return undefined;
}

/** ssh options a stack may set (`-o Name=value`); anything that runs a command is not among them. */
const ALLOWED = new Set(
  [
    "AddressFamily", "BatchMode", "BindAddress", "CertificateFile", "CheckHostIP", "Ciphers", "Compression", "ConnectionAttempts",
    "ConnectTimeout", "ControlMaster", "ControlPath", "ControlPersist", "GlobalKnownHostsFile", "HostKeyAlgorithms", "HostKeyAlias",
    "IdentitiesOnly", "IdentityAgent", "IdentityFile", "KbdInteractiveAuthentication", "KexAlgorithms", "LogLevel", "MACs",
    "PasswordAuthentication", "PreferredAuthentications", "ProxyJump", "PubkeyAcceptedAlgorithms", "PubkeyAcceptedKeyTypes",
    "PubkeyAuthentication", "ServerAliveCountMax", "ServerAliveInterval", "StrictHostKeyChecking", "TCPKeepAlive", "UpdateHostKeys",
    "UserKnownHostsFile", "VerifyHostKeyDNS",
  ].map((n) => n.toLowerCase()),
);
/** What a pinned host key sets itself: the stack may not set them too. */
const PINNED = new Set(["stricthostkeychecking", "userknownhostsfile", "globalknownhostsfile", "hostkeyalgorithms", "hostkeyalias"]);
/** A value: no spaces, quotes, `$`, backticks or shell punctuation (ssh expands `%` tokens and `~`). */
const VALUE = /^[A-Za-z0-9@%+=:,./_~^-]{1,255}$/;

/**
 * Checks `sshOpts` as pairs of `-o` and `Name=value` (or `-oName=value`), each name on the allow-list
 * and each value plain; with a pinned host key, the host-key options are regstack's own.
 */
export function checkSshOpts(opts: readonly string[], at: string, pinned: boolean, issues: IssueList): void {
  for (let i = 0; i < opts.length; i++) {
    const here = `${at}[${i}]`;
    let option = opts[i];
    if (option === "-o") {
      if (i + 1 >= opts.length) {
        issues.add(here, "expected `Name=value` after -o");
        return;
      }
      option = opts[++i];
    } else if (option.startsWith("-o")) {
      option = option.slice(2);
    } else {
      issues.add(here, `expected -o followed by Name=value (ssh options only: flags and commands are not passed on), got ${JSON.stringify(option)}`);
      continue;
    }
    const where = `${at}[${i}]`;
    const match = /^([A-Za-z]+)=(.*)$/.exec(option);
    if (!match) {
      issues.add(where, `expected an ssh option as Name=value, got ${JSON.stringify(option)}`);
      continue;
    }
    const [, name, value] = match;
    if (!ALLOWED.has(name.toLowerCase())) {
      issues.add(where, `ssh option ${name} is not allowed (options that run commands, such as ProxyCommand, LocalCommand or KnownHostsCommand, never are): use one of ${[...ALLOWED].length} connection options such as ConnectTimeout, IdentityFile, ProxyJump or ServerAliveInterval`);
    } else if (!VALUE.test(value)) {
      issues.add(where, `expected a value of letters, digits and @%+=:,./_~^- for ${name}, got ${JSON.stringify(value)}`);
    } else if (pinned && PINNED.has(name.toLowerCase())) {
      issues.add(where, `${name} is set by the pinned hostKey: remove it here`);
    }
  }
}
