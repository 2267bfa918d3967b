#!/bin/sh
# Restores a snapshot into the registry's data location, flushes the Redis cache and lets writes in
# again. Writes are frozen at the edge while it runs; pulls keep working until the swap.
# It refuses when the registry holds data unless --force is given; then the current data is moved
# aside (docker.pre-restore-<time>, on the same volume) and never deleted.
#
#   restore.sh <snapshot | latest> [--force]
#   REGSTACK_REGISTRY_URL   when set, every restored tag is fetched and verified through it afterwards
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=snapshot.sh
. "$(dirname "$0")/snapshot.sh"

require_env REGSTACK_STACK REGSTACK_RUNTIME REGSTACK_REGISTRY_DATA RESTIC_REPOSITORY RESTIC_PASSWORD
[ $# -ge 1 ] || die "usage: restore.sh <snapshot | latest> [--force]"
force=no
[ "${2:-}" = --force ] && force=yes
snap=$(resolve_snapshot "$1")
[ -n "$snap" ] || die "no snapshot of stack $REGSTACK_STACK found"
restic snapshots --host "$REGSTACK_STACK" "$snap" >/dev/null 2>&1 || die "no snapshot $snap of stack $REGSTACK_STACK in the repository"

current="$REGSTACK_REGISTRY_DATA/docker"
if [ -d "$current/registry/v2" ] && [ -n "$(ls -A "$current/registry/v2/repositories" 2>/dev/null)" ] && [ "$force" != yes ]; then
  die "the registry holds data ($current); restore refuses to replace it without --force (it is then moved aside, not deleted)"
fi

trap unfreeze_writes EXIT
trap 'exit 143' TERM INT
freeze_writes
staging="$REGSTACK_REGISTRY_DATA/.restore-$(date -u +%Y%m%dT%H%M%SZ)"
log "restoring snapshot $snap"
restore_snapshot "$snap" "$staging/restic" "$staging"
if [ -d "$current" ]; then
  aside="$REGSTACK_REGISTRY_DATA/docker.pre-restore-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$current" "$aside"
  log "the data it replaced is kept in $aside (delete it once the restore is checked)"
fi
mv "$staging/docker" "$current"
rm -rf "$staging"
flush_redis
unfreeze_writes
log "snapshot $snap restored into $REGSTACK_REGISTRY_DATA"

if [ -n "${REGSTACK_REGISTRY_URL:-}" ]; then
  node "$REGSTACK_RUNTIME/verify.js" "$REGSTACK_REGISTRY_URL" "$current/registry/v2/repositories" || die "the restored registry does not serve every tag whole"
fi
