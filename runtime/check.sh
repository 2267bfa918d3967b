#!/bin/sh
# Checks the backup repository's structure and reads a rotating quarter of its data: run weekly,
# every pack is read within four weeks.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require_env RESTIC_REPOSITORY RESTIC_PASSWORD
part=$(( ($(date +%s) / 604800) % 4 + 1 ))
log "checking the repository, reading data part $part of 4"
restic check --read-data-subset "$part/4"
metric backup_check_last_success_timestamp_seconds "$(date +%s)"
