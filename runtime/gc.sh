#!/bin/sh
# Garbage collection without a restart: writes stop at the edge (pushes get 503 with Retry-After;
# pulls keep working), upload sessions drain, `registry garbage-collect` frees the blobs nothing
# references, the Redis cache is flushed, and writes resume, also when a step fails.
#
#   GC_DELETE_UNTAGGED   "true" deletes manifests no tag points at (refused on 2.8 by the config layer:
#                        2.8 deletes the children of multi-arch indexes)
#   GC_DRAIN_QUIET       seconds without an upload write before GC starts (default 10)
#   GC_DRAIN_TIMEOUT     give up (changing nothing) when uploads keep writing this long (default 600)
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require_env REGSTACK_STATE REGSTACK_REGISTRY_DATA REGSTACK_REGISTRY_BIN REGSTACK_REGISTRY_CONFIG REGSTACK_FREEZE_FILE
storage=$(storage_dir)
[ -d "$storage/blobs" ] || { log "no blobs yet: nothing to collect"; metric gc_bytes_freed 0; exit 0; }

trap unfreeze_writes EXIT
trap 'exit 143' TERM INT
started=$(date +%s)
freeze_writes
drain_uploads "${GC_DRAIN_QUIET:-10}" "${GC_DRAIN_TIMEOUT:-600}"

before=$(kib_of "$storage/blobs")
set -- garbage-collect
[ "${GC_DELETE_UNTAGGED:-false}" = true ] && set -- "$@" --delete-untagged
"$REGSTACK_REGISTRY_BIN" "$@" "$REGSTACK_REGISTRY_CONFIG" > "$REGSTACK_STATE/gc.log" 2>&1 || {
  tail -n 20 "$REGSTACK_STATE/gc.log" >&2
  die "garbage-collect failed"
}
marked=$(grep -c 'marking' "$REGSTACK_STATE/gc.log" || true)
deleted=$(grep -c -i 'deleting blob' "$REGSTACK_STATE/gc.log" || true)
after=$(kib_of "$storage/blobs")
flush_redis
unfreeze_writes

freed=$(( (before - after) * 1024 ))
log "garbage collection: ${deleted} blobs deleted, ${marked} marked, $(( freed / 1048576 )) MiB freed"
metric gc_bytes_freed "$freed"
metric gc_blobs_deleted "$deleted"
metric gc_seconds "$(( $(date +%s) - started ))"
