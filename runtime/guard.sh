#!/bin/sh
# The edge's failed-login guard. It follows the edge's JSON access log and passes every line on to its
# own output (so the access log still reaches `docker logs`). An address whose logins fail
# GUARD_FAILURES times within GUARD_WINDOW_SECONDS is blocked for GUARD_BLOCK_SECONDS: a file named
# after it appears in GUARD_BLOCKED_DIR, and the edge refuses that address with 429 while the file
# exists (Caddy's file matcher, checked per request; nothing reloads). A login that succeeds from an
# address clears its count. A failed login is a 401 answer to a request that carried an Authorization
# header (a client's first, unauthenticated request is a challenge, not a failure).
#
# Settings, all from the environment: GUARD_LOG (the access log), GUARD_BLOCKED_DIR, GUARD_FAILURES,
# GUARD_WINDOW_SECONDS, GUARD_BLOCK_SECONDS.
set -eu

: "${GUARD_LOG:?}" "${GUARD_BLOCKED_DIR:?}" "${GUARD_FAILURES:?}" "${GUARD_WINDOW_SECONDS:?}" "${GUARD_BLOCK_SECONDS:?}"

# Lifts blocks that have run their time: every few seconds, by each file's modification time.
lift_expired() {
  while :; do
    now=$(date +%s)
    for f in "$GUARD_BLOCKED_DIR"/*; do
      [ -f "$f" ] || continue
      since=$(stat -c %Y "$f" 2>/dev/null) || continue
      if [ $((now - since)) -ge "$GUARD_BLOCK_SECONDS" ]; then
        rm -f "$f"
        echo "regstack-guard: lifted the block of ${f##*/}" >&2
      fi
    done
    sleep 2
  done
}

# Each part runs in the background, so a stop signal is handled at once and stops all three.
lift_expired &
lifter=$!
fifo="$(mktemp -u "${TMPDIR:-/tmp}/guard.XXXXXX")"
mkfifo "$fifo"
# tail -F follows the log across Caddy's rolls and waits for it to exist.
tail -n 0 -F "$GUARD_LOG" >"$fifo" 2>/dev/null &
tailer=$!
trap 'kill "$lifter" "$tailer" "$reader" 2>/dev/null; rm -f "$fifo"; exit 0' INT TERM
awk \
  -v failures="$GUARD_FAILURES" -v window="$GUARD_WINDOW_SECONDS" -v dir="$GUARD_BLOCKED_DIR" -v block="$GUARD_BLOCK_SECONDS" '
  # The value of a top-level JSON field of this line: client text is escaped in the log, so a quoted
  # key followed by a colon is always one of Caddy'"'"'s own; the last one is the outermost.
  function field(name,    rest, value, at) {
    value = ""
    rest = $0
    while ((at = index(rest, "\"" name "\":")) > 0) {
      rest = substr(rest, at + length(name) + 3)
      value = rest
    }
    if (value ~ /^"/) { sub(/^"/, "", value); sub(/".*/, "", value) } else sub(/[,}].*/, "", value)
    return value
  }
  {
    print
    fflush()
    if (index($0, "\"logger\":\"http.log.access") == 0) next
    ip = field("remote_ip")
    if (ip !~ /^[0-9A-Fa-f.:]+$/) next
    status = field("status") + 0
    # Whole seconds: a fraction would be written back as %.6g (1.7964e+09) when kept as text.
    ts = int(field("ts") + 0)
    if (status < 400 && field("user_id") != "") { delete times[ip]; next }
    if (status != 401 || index($0, "\"Authorization\":[") == 0) next
    # The failures of this address still inside the window, and this one.
    n = split(times[ip], seen, " ")
    kept = ""
    k = 0
    for (i = 1; i <= n; i++) if (seen[i] + 0 > ts - window) { kept = kept " " seen[i]; k++ }
    times[ip] = kept " " ts
    k++
    if (k >= failures) {
      file = dir "/" ip
      printf "" > file
      close(file)
      printf "regstack-guard: blocked %s for %d s after %d failed logins in %d s\n", ip, block, k, window > "/dev/stderr"
      delete times[ip]
    }
    # Forget addresses whose failures have all aged out, now and then.
    if (NR % 1000 == 0) for (a in times) { n = split(times[a], seen, " "); if (seen[n] + 0 <= ts - window) delete times[a] }
  }' <"$fifo" &
reader=$!
wait "$reader"
