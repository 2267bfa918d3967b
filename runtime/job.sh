#!/bin/sh
# Runs one job now, by hand, with the same lock as its schedule: `job run backup`, `job list`.
exec node "$(dirname "$0")/scheduler.js" "$@"
