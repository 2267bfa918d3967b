/**
 * Shell scripts that put the platform's trust and mirror settings on a client node, and take them off
 * again. Each script is idempotent: it compares before it writes, prints "changed" or "unchanged" as
 * its last line (the client's status), and restarts nothing unless a file it owns changed.
 * The files it owns are listed on the node (/var/lib/regstack/<scope>.files), so an apply removes what
 * an earlier apply wrote and the new config no longer needs (a removed cache), and the removal script
 * removes exactly what is listed. `REGSTACK_ROOT` prefixes every path (empty on a node; a temp dir in tests).
 */

/** One file a client needs: absolute path and content. */
export interface ClientFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode (default 0644). */
  readonly mode?: string;
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

const REPORT = 'if [ "$changed" = 1 ]; then echo changed; else echo unchanged; fi';

function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

function listFile(scope: string): string {
  return `$root/var/lib/regstack/${scope}.files`;
}

/** Writes a file only if its content differs; marks the run changed when it writes. */
function put(file: ClientFile): string {
  return [
    `target="$root${file.path}"`,
    'mkdir -p "$(dirname "$target")"',
    `want=$(printf '%s' '${b64(file.content)}' | base64 -d | sha256sum | cut -d' ' -f1)`,
    `have=$( [ -f "$target" ] && sha256sum < "$target" | cut -d' ' -f1 || echo none)`,
    'if [ "$want" != "$have" ]; then',
    `  printf '%s' '${b64(file.content)}' | base64 -d > "$target.regstack-new"`,
    `  chmod ${file.mode ?? "0644"} "$target.regstack-new"`,
    '  mv -f "$target.regstack-new" "$target"',
    "  changed=1",
    "fi",
  ].join("\n");
}

/** Removes listed files that `keep` does not name (all of them when `keep` is empty). */
function prune(scope: string, keep: readonly string[]): string {
  return [
    `list="${listFile(scope)}"`,
    `keep='${keep.join(" ")}'`,
    'if [ -f "$list" ]; then',
    '  while IFS= read -r old; do',
    '    [ -n "$old" ] || continue',
    '    case " $keep " in *" $old "*) continue ;; esac',
    '    if [ -e "$root$old" ]; then rm -f "$root$old"; changed=1; fi',
    '    rmdir "$(dirname "$root$old")" 2>/dev/null || true',
    '  done < "$list"',
    "fi",
  ].join("\n");
}

/** The body that makes a node hold exactly `files`, and the body that takes them all away. */
function bodies(scope: string, files: readonly ClientFile[]): { apply: string; remove: string } {
  const paths = files.map((f) => f.path);
  if (paths.some((p) => /\s|'/.test(p))) throw new Error("client file paths must not contain spaces or quotes");
  return {
    apply: [
      prune(scope, paths),
      ...files.map(put),
      `mkdir -p "$(dirname "${listFile(scope)}")"`,
      `printf '%s\\n' ${paths.map((p) => `'${p}'`).join(" ")} > "${listFile(scope)}"`,
    ].join("\n"),
    remove: [prune(scope, []), `rm -f "${listFile(scope)}"`].join("\n"),
  };
}

function script(body: string, after = ""): string {
  return [PREAMBLE, body, ...(after ? [after] : []), REPORT, ""].join("\n");
}

/** dockerd: the CA per registry endpoint under /etc/docker/certs.d/<host:port>/ca.crt (read per pull, no restart). */
export function dockerTrust(scope: string, endpoints: readonly string[], caPem: string): TrustScripts {
  const b = bodies(scope, endpoints.map((e) => ({ path: `/etc/docker/certs.d/${e}/ca.crt`, content: caPem })));
  return { apply: script(b.apply), remove: script(b.remove) };
}

/** k3s: registries.yaml and the CA it points at; k3s is restarted only when one of them changed. */
export function k3sTrust(scope: string, registriesYaml: string, caFile: ClientFile | undefined, service: string): TrustScripts {
  const files = [...(caFile ? [caFile] : []), { path: "/etc/rancher/k3s/registries.yaml", content: registriesYaml, mode: "0600" }];
  const b = bodies(scope, files);
  const restart = ['if [ "$changed" = 1 ]; then', `  systemctl restart ${service}`, "fi"].join("\n");
  return { apply: script(b.apply, restart), remove: script(b.remove, restart) };
}

/**
 * kind: containerd hosts.toml files and the CA inside each node container (containerd reads the
 * certs.d directory per pull, so nothing restarts). The cluster must set containerd's
 * `config_path = "/etc/containerd/certs.d"` (a kind containerdConfigPatches entry).
 */
export function kindTrust(scope: string, nodes: readonly string[], files: readonly ClientFile[]): TrustScripts {
  const b = bodies(scope, files);
  const perNode = (node: string, body: string) =>
    [
      `script=$(printf '%s' '${b64(script(body))}' | base64 -d)`,
      `if [ "$(docker exec -i -e REGSTACK_ROOT="$root" ${node} sh -c "$script")" = changed ]; then changed=1; fi`,
    ].join("\n");
  return {
    apply: script(nodes.map((n) => perNode(n, b.apply)).join("\n")),
    remove: script(nodes.map((n) => perNode(n, b.remove)).join("\n")),
  };
}

/** The one-line command pulumi runs over ssh: the script travels base64-encoded, run by sh (with sudo). */
export function remoteInvocation(text: string, sudo: boolean): string {
  return `printf '%s' '${b64(text)}' | base64 -d | ${sudo ? "sudo -n " : ""}sh -s`;
}
