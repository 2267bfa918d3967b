/** Shell scripts of the Docker target's one-shot helpers (busybox sh): file installers and data hand-over. Pure text. */

/** A file an installer puts in place: staged by upload at `staged`, installed at `target` with `mode`. */
export interface StagedFile {
  readonly staged: string;
  readonly target: string;
  readonly mode: string;
}

/**
 * Installs staged files in order, each copied beside its target and renamed over it, so a reader
 * (Caddy's --watch) never sees a half-written file. Then, when `touch` is given and exists, its
 * modification time is renewed: the file a service watches, so that it reloads the files it imports
 * (Caddy 2.6 reloads on the main file's mtime only; 2.7 and later compare the adapted config).
 * With `owner` (uid:gid) the files are the service's own: an unprivileged service reads its 0440 secrets.
 */
export function installFilesScript(files: readonly StagedFile[], touch?: string, owner?: string): string {
  const chown = (f: StagedFile) => (owner ? ` && chown ${owner} ${f.target}.new` : "");
  const installs = files.map((f) => `cp ${f.staged} ${f.target}.new${chown(f)} && chmod ${f.mode} ${f.target}.new && mv -f ${f.target}.new ${f.target}`);
  if (touch) installs.push(`{ [ ! -e ${touch} ] || touch ${touch}; }`);
  return installs.join(" && ");
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

/** Copies a program beside its target and renames it over it: a job starting meanwhile runs the old one whole. */
export function programCopyScript(from: string, target: string): string {
  return `cp ${from} ${target}.new && chmod 0555 ${target}.new && mv -f ${target}.new ${target}`;
}
