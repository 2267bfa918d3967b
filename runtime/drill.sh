#!/bin/sh
# The restore drill: restores a snapshot (the newest by default) into scratch space, serves it with a
# throwaway read-only registry on loopback, and fetches every tag through it: the manifest, the
# children of an index and every blob, each digest checked. It never touches the production data.
#
#   drill.sh [snapshot]
#   DRILL_PORT            the throwaway registry's loopback port (default 5999)
#   DRILL_CONFIG          its config.yml (read-only mode; storage and address come from env)
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=snapshot.sh
. "$(dirname "$0")/snapshot.sh"

require_env REGSTACK_STACK REGSTACK_STATE REGSTACK_RUNTIME REGSTACK_REGISTRY_BIN DRILL_CONFIG RESTIC_REPOSITORY RESTIC_PASSWORD
port="${DRILL_PORT:-5999}"
snap=$(resolve_snapshot "${1:-latest}")
[ -n "$snap" ] || die "no snapshot of stack $REGSTACK_STACK to drill"
work="$REGSTACK_STATE/drill"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

started=$(date +%s)
log "drill: restoring snapshot $snap into scratch space"
restore_snapshot "$snap" "$work/restic" "$work/data"

REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$work/data" REGISTRY_HTTP_ADDR="127.0.0.1:$port" \
  "$REGSTACK_REGISTRY_BIN" serve "$DRILL_CONFIG" > "$work/registry.log" 2>&1 &
pid=$!
tries=0
until wget -q -O /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    cat "$work/registry.log" >&2
    die "the drill's registry did not start"
  fi
  sleep 0.2
done

if node "$REGSTACK_RUNTIME/verify.js" "http://127.0.0.1:$port" "$work/data/docker/registry/v2/repositories"; then
  metric drill_seconds "$(( $(date +%s) - started ))"
  metric drill_last_success_timestamp_seconds "$(date +%s)"
  log "drill passed: snapshot $snap restores to a registry that serves every tag"
else
  die "DRILL FAILED: snapshot $snap does not restore to a whole registry (see the lines above)"
fi
