#!/usr/bin/env bash
# Builds Dossier and runs every test (unit, integration, fault, manifests)
# with ctest. Installs missing Debian packages first. Store and integration
# tests run on both backends: SQLite, and a throwaway PostgreSQL server this
# script starts on a free loopback port and stops afterwards (set
# DOSSIER_TEST_POSTGRES_URL yourself to use another server).
# Usage: scripts/test.sh [ctest args]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${DOSSIER_BUILD_PACKAGES[@]}" "${DOSSIER_TEST_PACKAGES[@]}"
# Node.js and npm for the manifests' schema check (deploy/k8s/validate.sh),
# from Debian unless the machine has them already (another Node.js install
# would conflict with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  ensure_packages nodejs npm
fi
build
if [ -z "${DOSSIER_TEST_POSTGRES_URL:-}" ]; then
  trap stop_test_postgres EXIT
  start_test_postgres
fi
log "running tests"
cd "$DOSSIER_BUILD_DIR"
ctest --output-on-failure --timeout 600 -j "$(nproc 2>/dev/null || echo 2)" "$@"
