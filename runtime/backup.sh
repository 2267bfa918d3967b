#!/bin/sh
# Backs the registry up into the restic repository, consistent while pushes continue:
#  1. the repositories' metadata (tags, manifest and layer links; not upload sessions) is copied
#     into a stage first (runtime/stage.js);
#  2. restic then reads the stage, the blobs and the platform's config.
# Blobs are content-addressed and only ever added while GC and retention are excluded (the scheduler
# holds their common lock), and a manifest is accepted only after its blobs exist: every blob a
# staged tag references is already on disk when restic lists the blobs.
# Then `forget --prune` applies the retention policy to this stack's snapshots.
#
#   RESTIC_REPOSITORY, RESTIC_PASSWORD   the repository (created on first use)
#   BACKUP_KEEP_DAILY/WEEKLY/MONTHLY     snapshots kept (0: none of that kind)
#   REGSTACK_REGISTRY_VERSION                     tagged on each snapshot
#   BACKUP_CONFIG_PATHS                  the platform's config as it runs (space-separated), backed up too
#   BACKUP_EXCLUDES                      secret files among them (space-separated), left out
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require_env REGSTACK_STACK REGSTACK_STATE REGSTACK_RUNTIME REGSTACK_REGISTRY_DATA RESTIC_REPOSITORY RESTIC_PASSWORD
storage=$(storage_dir)
[ -d "$storage/repositories" ] || die "no registry data at $storage (is REGSTACK_REGISTRY_DATA right?)"

# Create the repository on first use only: a repository that exists but cannot be opened (a wrong
# password, an unreachable server) must fail, not be initialised again.
if ! restic cat config >/dev/null 2>"$REGSTACK_STATE/restic-open.err"; then
  if grep -q -i -e 'does not exist' -e 'no such file' -e 'Is there a repository' "$REGSTACK_STATE/restic-open.err"; then
    log "creating the restic repository"
    restic init
  else
    cat "$REGSTACK_STATE/restic-open.err" >&2
    die "cannot open the restic repository"
  fi
fi

stage="$REGSTACK_STATE/backup-stage/regstack-meta"
started=$(date +%s)
# Step 1: metadata, without upload sessions in progress. The stage is kept between runs and only
# changed files are rewritten, so an unchanged registry backs up to nearly nothing.
node "$REGSTACK_RUNTIME/stage.js" "$storage/repositories" "$stage/docker/registry/v2/repositories"

# Step 2: the blobs, after the metadata; then the platform's config, without its secrets.
[ -d "$storage/blobs" ] || mkdir -p "$storage/blobs"
set -- "$stage" "$storage/blobs"
for p in ${BACKUP_CONFIG_PATHS:-}; do
  if [ -e "$p" ]; then set -- "$@" "$p"; fi
done
: > "$REGSTACK_STATE/backup-excludes"
for p in ${BACKUP_EXCLUDES:-}; do
  printf '%s\n' "$p" >> "$REGSTACK_STATE/backup-excludes"
done
restic backup --host "$REGSTACK_STACK" --tag "stack=$REGSTACK_STACK" --tag "registry=${REGSTACK_REGISTRY_VERSION:-unknown}" \
  --exclude-file "$REGSTACK_STATE/backup-excludes" --json "$@" > "$REGSTACK_STATE/backup-summary.json"
summary=$(grep '"message_type":"summary"' "$REGSTACK_STATE/backup-summary.json" || true)
[ -n "$summary" ] || die "restic printed no summary"
added=$(printf '%s' "$summary" | sed -n 's/.*"data_added":\([0-9]*\).*/\1/p')
snapshot=$(printf '%s' "$summary" | sed -n 's/.*"snapshot_id":"\([0-9a-f]*\)".*/\1/p')
log "snapshot ${snapshot} added ${added} bytes"

set -- --keep-daily "${BACKUP_KEEP_DAILY:-30}"
[ "${BACKUP_KEEP_WEEKLY:-0}" -gt 0 ] && set -- "$@" --keep-weekly "$BACKUP_KEEP_WEEKLY"
[ "${BACKUP_KEEP_MONTHLY:-0}" -gt 0 ] && set -- "$@" --keep-monthly "$BACKUP_KEEP_MONTHLY"
restic forget --host "$REGSTACK_STACK" --tag "stack=$REGSTACK_STACK" --prune "$@"

metric backup_bytes_added "${added:-0}"
metric backup_seconds "$(( $(date +%s) - started ))"
metric backup_last_snapshot_timestamp_seconds "$(date +%s)"
log "backup done: snapshot $snapshot"
