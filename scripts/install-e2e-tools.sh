#!/usr/bin/env bash
# Installs what the end-to-end stage needs: Debian's Docker engine (the tests run a private dockerd,
# not the system one), and the programs the stand-in images are built from.
set -euo pipefail
exec bash "$(dirname "$0")/apt-ensure.sh" "e2e tools" \
  docker.io busybox-static docker-registry caddy redis-server redis-tools skopeo iproute2 restic \
  prometheus prometheus-alertmanager prometheus-node-exporter prometheus-redis-exporter
