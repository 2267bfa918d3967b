#!/usr/bin/env bash
# Installs the Debian programs the real-tool checks and the edge benchmark run (npm run test:real).
set -euo pipefail
exec bash "$(dirname "$0")/apt-ensure.sh" "real tools" \
  docker-registry apache2-utils skopeo shellcheck caddy openssl curl restic busybox-static containerd \
  prometheus prometheus-alertmanager prometheus-node-exporter prometheus-redis-exporter redis-server openssh-server openssh-client
