#!/usr/bin/env bash
# Installs what the end-to-end stage needs: Debian's Docker engine, and the programs the stand-in
# images are built from. Idempotent.
set -euo pipefail

packages=(docker.io busybox-static docker-registry caddy redis-server redis-tools skopeo iproute2)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "e2e tools: all present (${packages[*]})"
  exit 0
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# docker.io's own service must not start a system daemon here: the tests run a private one.
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "e2e tools: installed ${missing[*]}"
