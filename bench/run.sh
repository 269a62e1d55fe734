#!/usr/bin/env bash
# Runs the benchmarks against real services on this machine: starts entity,
# query and ingest on free loopback ports with a fresh data directory,
# ingests COUNT generated articles end to end, then measures query latency
# with 8 concurrent clients, stops the services, and times annotation alone
# (entity's domain code on one thread, no gRPC).
# Usage: bench/run.sh [COUNT]   (default 10000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
count=${1:-10000}
ensure_packages "${DOSSIER_BUILD_PACKAGES[@]}"
build ingest_server entity_server query_server ingest_bench query_bench annotate_bench
bin="$DOSSIER_BUILD_DIR/bin"
dir=$(mktemp -d)
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
"$bin/dossier-entity" --host=127.0.0.1 --port=0 --metrics_port=0 --port_file="$dir/entity.port" --data_dir="$dir" 2>"$dir/entity.log" &
pids+=($!)
"$bin/dossier-query" --host=127.0.0.1 --port=0 --metrics_port=0 --port_file="$dir/query.port" --data_dir="$dir" 2>"$dir/query.log" &
pids+=($!)
for f in entity query; do for _ in $(seq 1 200); do [ -s "$dir/$f.port" ] && break; sleep 0.05; done; done
"$bin/dossier-ingest" --host=127.0.0.1 --port=0 --metrics_port=0 --port_file="$dir/ingest.port" --data_dir="$dir" \
  --entity_addr="127.0.0.1:$(cat "$dir/entity.port")" --query_addr="127.0.0.1:$(cat "$dir/query.port")" \
  --log_level=warn 2>"$dir/ingest.log" &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$dir/ingest.port" ] && break; sleep 0.05; done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$bin/ingest_bench" --ingest_addr="127.0.0.1:$(cat "$dir/ingest.port")" --count="$count"
"$bin/query_bench" --query_addr="127.0.0.1:$(cat "$dir/query.port")" --clients=8
"$bin/annotate_bench"
