#!/usr/bin/env bash
# Runs the benchmarks against real services on this machine: starts entity,
# query and ingest on free loopback ports with a fresh data directory,
# ingests COUNT generated articles end to end, then measures query latency
# with 8 concurrent clients, stops the services, and times annotation alone
# (entity's domain code on one thread, no gRPC).
# Usage: bench/run.sh [COUNT]   (default 10000)
# DOSSIER_BUILD_DIR picks the build (default build/); DOSSIER_DB, a
# PostgreSQL URL, puts the three services' data there instead of SQLite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
source "$DOSSIER_ROOT/bench/services.sh"
count=${1:-10000}
ensure_packages "${DOSSIER_BUILD_PACKAGES[@]}"
build ingest_server entity_server query_server ingest_bench query_bench annotate_bench
bin="$DOSSIER_BUILD_DIR/bin"
dir=$(mktemp -d)
trap 'stop_bench_services; rm -rf "$dir"' EXIT
start_bench_services "$dir"
machine_line
"$bin/ingest_bench" --ingest_addr="$INGEST_ADDR" --count="$count"
"$bin/query_bench" --query_addr="$QUERY_ADDR" --clients=8 ${QUERY_BENCH_FLAGS:-}
stop_bench_services
"$bin/annotate_bench"
