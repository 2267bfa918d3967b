#!/bin/sh
# Copies the listed repositories into the registry with regsync, once: only tags that are new or
# changed are copied, and regsync pauses when a source's pull allowance falls to the reserve.
#   SYNC_CONFIG   the rendered regsync.yml (logins come from SYNC_USER_<i> / SYNC_PASS_<i>)
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require_env SYNC_CONFIG
started=$(date +%s)
regsync once --config "$SYNC_CONFIG" --logopt json
metric sync_seconds "$(( $(date +%s) - started ))"
log "sync done"
