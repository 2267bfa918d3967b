#!/bin/sh
# Tag retention: writes the plan (repository, tag, digest, rule, reason) and, unless it is a dry run,
# deletes the planned tags through the registry, before GC frees their blobs.
#   retention.sh               plan, then delete unless RETENTION_DRY_RUN is "true"
#   retention.sh undo <file>   put back the tags a run deleted (until GC has run)
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require_env REGSTACK_STATE REGSTACK_RUNTIME REGSTACK_REGISTRY_DATA RETENTION_RULES
if [ "${1:-}" = undo ]; then
  [ -n "${2:-}" ] || die "usage: retention.sh undo <deleted-….json>"
  exec node "$REGSTACK_RUNTIME/retention.js" undo "$2"
fi
exec node "$REGSTACK_RUNTIME/retention.js" run
