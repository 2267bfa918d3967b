# shellcheck shell=sh
# Restores a snapshot into a directory laid out as a registry storage root (sourced by restore.sh and
# drill.sh). A backup holds the staged metadata (…/regstack-meta/docker/registry/v2/repositories)
# and the blobs (…/docker/registry/v2/blobs): both are found by name, so a snapshot restores
# whatever paths the backing-up container had.

# restore_snapshot <snapshot> <scratch directory> <storage root to create>
restore_snapshot() {
  snap="$1"
  scratch="$2"
  root="$3"
  rm -rf "$scratch"
  mkdir -p "$scratch"
  restic restore "$snap" --target "$scratch" --host "$REGSTACK_STACK" >/dev/null
  meta=$(find "$scratch" -type d -name regstack-meta | head -n 1)
  if [ -z "$meta" ] || [ ! -d "$meta/docker/registry/v2/repositories" ]; then
    die "snapshot $snap holds no staged registry metadata"
  fi
  blobs=$(find "$scratch" -path "$meta" -prune -o -type d -path '*/docker/registry/v2/blobs' -print | head -n 1)
  mkdir -p "$root/docker/registry/v2"
  mv "$meta/docker/registry/v2/repositories" "$root/docker/registry/v2/repositories"
  if [ -n "$blobs" ]; then mv "$blobs" "$root/docker/registry/v2/blobs"; else mkdir -p "$root/docker/registry/v2/blobs"; fi
  rm -rf "$scratch"
}

# The snapshot a name stands for: "latest" is this stack's newest.
resolve_snapshot() {
  if [ "$1" = latest ]; then
    restic snapshots --host "$REGSTACK_STACK" --tag "stack=$REGSTACK_STACK" --latest 1 --compact |
      awk '/^[0-9a-f]{8} / { id = $1 } END { print id }'
  else
    printf '%s\n' "$1"
  fi
}
