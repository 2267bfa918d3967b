# shellcheck shell=sh
# Shared by the job scripts (sourced). Every setting comes from the environment the platform gives
# the scheduler; nothing here is rendered from config.
#
#   REGSTACK_STACK        the stack's name (snapshot tags, messages)
#   REGSTACK_RUNTIME      where scheduler.js, verify.js and redisFlush.js are
#   REGSTACK_STATE        the jobs' own working space (backup stage, drill scratch)
#   REGSTACK_REGISTRY_DATA         the registry's storage root (docker/registry/v2 below it)
#   REGSTACK_REGISTRY_BIN          the distribution binary (garbage-collect, the drill's registry)
#   REGSTACK_REGISTRY_CONFIG       the registry's config.yml
#   REGSTACK_FREEZE_FILE  while it exists, the edge refuses writes with 503 and Retry-After
#   REDIS_ADDR            host:port of the registry's Redis cache (empty: no cache)
#
# None of regstack's own names starts with REGISTRY_: distribution reads every REGISTRY_* variable as
# a config override (REGISTRY_VERSION would replace config.yml's `version` and make it panic).

set -eu

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

die() {
  log "ERROR: $*" >&2
  exit 1
}

# A metric for the scheduler's textfile: regstack_job_<name>.
metric() {
  printf '@metric %s %s\n' "$1" "$2"
}

require_env() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    # shellcheck disable=SC2154 # value is set by the eval above
    [ -n "$value" ] || die "$name is not set"
  done
}

storage_dir() {
  printf '%s/docker/registry/v2' "$REGSTACK_REGISTRY_DATA"
}

# Kilobytes under a directory (0 when it does not exist).
kib_of() {
  if [ -d "$1" ]; then du -sk "$1" | cut -f1; else echo 0; fi
}

# Stops writes at the edge until unfreeze; idempotent.
freeze_writes() {
  require_env REGSTACK_FREEZE_FILE
  mkdir -p "$(dirname "$REGSTACK_FREEZE_FILE")"
  printf '%s %s\n' "${REGSTACK_JOB:-job}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$REGSTACK_FREEZE_FILE"
  log "writes frozen at the edge (pushes get 503 with Retry-After)"
}

unfreeze_writes() {
  if [ -n "${REGSTACK_FREEZE_FILE:-}" ] && [ -e "$REGSTACK_FREEZE_FILE" ]; then
    rm -f "$REGSTACK_FREEZE_FILE"
    log "writes resumed"
  fi
}

# Waits until no upload session has written for quiet seconds, up to a timeout; fails after it.
drain_uploads() {
  quiet="$1"
  timeout="$2"
  marker="$REGSTACK_STATE/.drain-marker"
  waited=0
  while :; do
    touch "$marker"
    sleep "$quiet"
    waited=$((waited + quiet))
    active=$(find "$(storage_dir)/repositories" -path '*/_uploads/*' -newer "$marker" 2>/dev/null | head -n 1)
    if [ -z "$active" ]; then
      rm -f "$marker"
      log "no upload wrote in the last ${quiet} s"
      return 0
    fi
    if [ "$waited" -ge "$timeout" ]; then
      rm -f "$marker"
      die "uploads still in progress after ${timeout} s (for example ${active#"$(storage_dir)"/}); nothing was changed"
    fi
    log "uploads in progress; waiting"
  done
}

flush_redis() {
  if [ -z "${REDIS_ADDR:-}" ]; then
    return 0
  fi
  node "$REGSTACK_RUNTIME/redisFlush.js" || die "the Redis cache at $REDIS_ADDR was not flushed: restart the registry before it serves again"
}
