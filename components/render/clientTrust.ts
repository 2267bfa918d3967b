/**
 * Shell scripts that put the platform's trust and mirror settings on a client node, and take them off
 * again. Each script is idempotent: it compares before it writes, prints "changed" or "unchanged" as
 * its last line (the client's status), and restarts nothing unless a file it owns changed.
 * `REGSTACK_ROOT` prefixes every path (empty on a real node; a temp dir in tests).
 */

export type ClientKind = "docker" | "k3s" | "kind";

/** One file a client needs: absolute path and content. */
export interface ClientFile {
  readonly path: string;
  readonly content: string;
}

export interface TrustScripts {
  readonly apply: string;
  readonly remove: string;
}

const PREAMBLE = [
  "#!/bin/sh",
  "# Rendered by regstack; run by pulumi over ssh.",
  "set -eu",
  'root="${REGSTACK_ROOT:-}"',
  "changed=0",
].join("\n");

function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** Writes `content` to `path` only if it differs; marks the run changed when it writes. */
function put(file: ClientFile, mode = "0644"): string {
  return [
    `target="$root${file.path}"`,
    'mkdir -p "$(dirname "$target")"',
    `want=$(printf '%s' '${b64(file.content)}' | base64 -d | sha256sum | cut -d' ' -f1)`,
    `have=$( [ -f "$target" ] && sha256sum < "$target" | cut -d' ' -f1 || echo none)`,
    'if [ "$want" != "$have" ]; then',
    `  printf '%s' '${b64(file.content)}' | base64 -d > "$target.regstack-new"`,
    `  chmod ${mode} "$target.regstack-new"`,
    '  mv -f "$target.regstack-new" "$target"',
    "  changed=1",
    "fi",
  ].join("\n");
}

function drop(path: string, pruneDir: boolean): string {
  const lines = [`target="$root${path}"`, 'if [ -e "$target" ]; then rm -f "$target"; changed=1; fi'];
  if (pruneDir) lines.push('rmdir "$(dirname "$target")" 2>/dev/null || true');
  return lines.join("\n");
}

const REPORT = 'if [ "$changed" = 1 ]; then echo changed; else echo unchanged; fi';

/** dockerd: the CA per registry endpoint under /etc/docker/certs.d/<host:port>/ca.crt (read per pull, no restart). */
export function dockerTrust(endpoints: readonly string[], caPem: string): TrustScripts {
  const files = endpoints.map((e) => ({ path: `/etc/docker/certs.d/${e}/ca.crt`, content: caPem }));
  return {
    apply: [PREAMBLE, ...files.map((f) => put(f)), REPORT, ""].join("\n"),
    remove: [PREAMBLE, ...files.map((f) => drop(f.path, true)), REPORT, ""].join("\n"),
  };
}

/** k3s: registries.yaml and the CA it points at; k3s is restarted only when one of them changed. */
export function k3sTrust(registriesYaml: string, caFile: ClientFile | undefined, service: string): TrustScripts {
  const restart = ['if [ "$changed" = 1 ]; then', `  systemctl restart ${service}`, "fi"].join("\n");
  return {
    apply: [PREAMBLE, ...(caFile ? [put(caFile)] : []), put({ path: "/etc/rancher/k3s/registries.yaml", content: registriesYaml }, "0600"), restart, REPORT, ""].join("\n"),
    remove: [PREAMBLE, drop("/etc/rancher/k3s/registries.yaml", false), ...(caFile ? [drop(caFile.path, false)] : []), restart, REPORT, ""].join("\n"),
  };
}

/**
 * kind: containerd hosts.toml files and the CA inside each node container (containerd reads the
 * certs.d directory per pull, so nothing restarts). The cluster must set containerd's
 * `config_path = "/etc/containerd/certs.d"` (a kind containerdConfigPatches entry).
 */
export function kindTrust(nodes: readonly string[], files: readonly ClientFile[]): TrustScripts {
  const perNode = (node: string, body: string) =>
    [
      `script=$(printf '%s' '${b64(`${PREAMBLE}\n${body}\n${REPORT}\n`)}' | base64 -d)`,
      `if [ "$(docker exec -i -e REGSTACK_ROOT="$root" ${node} sh -c "$script")" = changed ]; then changed=1; fi`,
    ].join("\n");
  const apply = files.map((f) => put(f)).join("\n");
  const remove = files.map((f) => drop(f.path, true)).join("\n");
  return {
    apply: [PREAMBLE, ...nodes.map((n) => perNode(n, apply)), REPORT, ""].join("\n"),
    remove: [PREAMBLE, ...nodes.map((n) => perNode(n, remove)), REPORT, ""].join("\n"),
  };
}

/** The one-line command pulumi runs over ssh: the script travels base64-encoded, run by sh (with sudo). */
export function remoteInvocation(script: string, sudo: boolean): string {
  return `printf '%s' '${b64(script)}' | base64 -d | ${sudo ? "sudo -n " : ""}sh -s`;
}
