#!/bin/sh
# Storage usage: measures the registry's storage (total and per repository) into a textfile that
# node-exporter serves to Prometheus. Read-only: it runs beside pushes, GC and backups.
#   USAGE_TEXTFILE   where the textfile goes (the scheduler's metrics directory)
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

require_env REGSTACK_RUNTIME REGSTACK_REGISTRY_DATA USAGE_TEXTFILE
exec node "$REGSTACK_RUNTIME/usage.js" "$USAGE_TEXTFILE"
