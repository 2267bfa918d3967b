#!/usr/bin/env bash
# Installs the Debian programs the real-tool checks run (npm run test:real).
# Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(docker-registry apache2-utils skopeo shellcheck caddy openssl curl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "real tools: all present (${packages[*]})"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "real tools: installed ${missing[*]}"
