/** Shell scripts of the one-shot jobs (busybox sh): pure text, like every other rendered file. */

/** A file a job installs: staged by upload at `staged`, installed at `target` with `mode`. */
export interface StagedFile {
  readonly staged: string;
  readonly target: string;
  readonly mode: string;
}

/**
 * Installs staged files in order, each copied beside its target and renamed over it, so a reader
 * (the registry's htpasswd check, Caddy's --watch) never sees a half-written file.
 */
export function installFilesScript(files: readonly StagedFile[]): string {
  return files.map((f) => `cp ${f.staged} ${f.target}.new && chmod ${f.mode} ${f.target}.new && mv -f ${f.target}.new ${f.target}`).join(" && ");
}

/**
 * Hands a data directory to `owner` (uid:gid). A tree left by an older root-run service is converted
 * once; later runs only look at the top directory. The marker file keeps the volume from being empty:
 * Docker copies an image's mount-point directory, owner included, into an empty volume on first mount,
 * which undid the chown (found in the end-to-end run).
 */
export function dataOwnerScript(dir: string, owner: string): string {
  return `touch ${dir}/.regstack && { [ "$(stat -c %u:%g ${dir})" = "${owner}" ] || chown -R ${owner} ${dir}; }`;
}
