#!/usr/bin/env bash
# Builds Dossier and runs every test (unit, integration, fault) with ctest.
# Installs missing Debian packages first. Usage: scripts/test.sh [ctest args]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${DOSSIER_BUILD_PACKAGES[@]}"
build
log "running tests"
cd "$DOSSIER_BUILD_DIR"
ctest --output-on-failure --timeout 600 -j "$(nproc 2>/dev/null || echo 2)" "$@"
