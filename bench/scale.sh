#!/usr/bin/env bash
# Ingest throughput as the store grows, then query latency on the full store.
# Ingests TOTAL generated articles (default 100000) through the real three
# services in steps of STEP (default 10000), each step measured end to end
# (sent, annotated by entity, indexed by query), and reports the rate of every
# step: the first step is the rate at 10,000 documents, the last the rate at
# TOTAL. Then runs query_bench against the full store.
#
# Usage: bench/scale.sh [TOTAL] [STEP]
# Environment:
#   DOSSIER_BUILD_DIR  the build to use (default build/; configure it Release)
#   SCALE_DIR          the data directory, kept between runs (default
#                      $DOSSIER_BUILD_DIR/scale-data). A run that stops part way
#                      resumes where it stopped: steps already measured are
#                      kept in SCALE_DIR/steps.tsv, and the step that was
#                      interrupted is sent again (what is already stored
#                      comes back as duplicates; that step is marked resumed).
#   SCALE_FRESH=1      delete SCALE_DIR first and start from nothing
#   DOSSIER_DB         a PostgreSQL URL: the services keep their data there
#                      (use a fresh database, and SCALE_FRESH=1 only with one)
#   QUERY_BENCH_FLAGS  extra flags for query_bench (e.g. --requests=200)
#   SKIP_BUILD=1       do not build first
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
source "$DOSSIER_ROOT/bench/services.sh"
total=${1:-100000}
step=${2:-10000}
[ "$total" -gt 0 ] && [ "$step" -gt 0 ] && [ $((total % step)) -eq 0 ] || die "TOTAL must be a positive multiple of STEP"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ensure_packages "${DOSSIER_BUILD_PACKAGES[@]}"
  build ingest_server entity_server query_server ingest_bench query_bench
fi
bin="$DOSSIER_BUILD_DIR/bin"
dir=${SCALE_DIR:-$DOSSIER_BUILD_DIR/scale-data}
[ "${SCALE_FRESH:-0}" = 1 ] && rm -rf "$dir"
mkdir -p "$dir"
results="$dir/steps.tsv"
[ -f "$results" ] || printf 'end\tnew\tseconds\tdocs_per_s\tstore_mb\tload1\tentity_cpu_ms\tquery_cpu_ms\tingest_cpu_ms\tquery_write_kb\tnote\n' >"$results"

# Space: about 40 KB per document for the three SQLite stores (measured at
# 10,000; see bench/README.md), plus headroom.
need_mb=$(( total * 40 / 1024 + 2048 ))
free_mb=$(df -Pm "$dir" | awk 'NR==2{print $4}')
[ "$free_mb" -ge "$need_mb" ] || die "need about $need_mb MB free in $dir, have $free_mb MB"

trap 'stop_bench_services' EXIT
start_bench_services "$dir"
machine_line

# Where to resume: the last step recorded.
done_to=$(awk -F'\t' 'NR>1{e=$1} END{print e+0}' "$results")
if [ "$done_to" -gt 0 ]; then
  log "resuming after $done_to documents (steps so far in $results)"
fi
store_mb() { du -sm "$dir" | cut -f1; }
# CPU time (user + system, clock ticks) and bytes written to storage by a
# process: what a step costs each service, which other load on the machine
# changes far less than it changes the wall-clock rate.
ticks=$(getconf CLK_TCK)
proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
proc_written() { awk '/^write_bytes/{print $2}' "/proc/$1/io"; }
for (( start = done_to; start < total; start += step )); do
  log "step $((start + 1))..$((start + step)) of $total"
  # BENCH_PIDS: entity, query, ingest (start_bench_services).
  cpu_before=($(proc_cpu "${BENCH_PIDS[0]}") $(proc_cpu "${BENCH_PIDS[1]}") $(proc_cpu "${BENCH_PIDS[2]}"))
  written_before=$(proc_written "${BENCH_PIDS[1]}")
  "$bin/ingest_bench" --ingest_addr="$INGEST_ADDR" --start="$start" --count="$step" >"$dir/step.out" \
    || { cat "$dir/step.out"; die "ingest_bench failed at step $((start + step))"; }
  cat "$dir/step.out"
  out=$(grep '^RESULT ' "$dir/step.out")
  # RESULT start=.. count=.. new=.. failed=.. seconds=.. docs_per_s=..
  new=$(sed -n 's/.* new=\([0-9]*\).*/\1/p' <<<"$out")
  seconds=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$out")
  rate=$(sed -n 's/.* docs_per_s=\([0-9.]*\).*/\1/p' <<<"$out")
  note=""
  [ "$new" -lt "$step" ] && note="resumed: $((step - new)) were stored before"
  per_doc=()
  for i in 0 1 2; do
    per_doc+=($(awk -v d=$(( $(proc_cpu "${BENCH_PIDS[$i]}") - cpu_before[i] )) -v t="$ticks" -v n="$new" \
                  'BEGIN{printf "%.2f", (n > 0 ? 1000 * d / t / n : 0)}'))
  done
  written_kb=$(( ($(proc_written "${BENCH_PIDS[1]}") - written_before) / 1024 / (new > 0 ? new : 1) ))
  printf '%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\n' $((start + step)) "$new" "$seconds" "$rate" \
    "$(store_mb)" "$(cut -d' ' -f1 /proc/loadavg)" "${per_doc[@]}" "$written_kb" "$note" >>"$results"
done

echo
echo "ingest by step (end-to-end docs/s of each step of $step as the store grows; CPU ms and KB written by"
echo "query per new document; load1 is the machine's load average at the end of the step):"
column -t -s $'\t' "$results"
awk -F'\t' 'NR==2{first=$4; first_cpu=$7+$8+$9} NR>1{n+=$2; s+=$3; last=$4; last_cpu=$7+$8+$9}
  END{ if (s > 0) printf "whole run: %d documents in %.1f s of ingest steps: %.0f docs/s\nfirst step %.0f docs/s, last step %.0f docs/s: the last is %.0f%% of the first\nCPU per document, three services: first step %.2f ms, last step %.2f ms\n", n, s, n/s, first, last, 100*last/first, first_cpu, last_cpu }' "$results"
echo "store: $(store_mb) MB in $dir${DOSSIER_DB:+ (data in PostgreSQL: $DOSSIER_DB)}"
echo
"$bin/query_bench" --query_addr="$QUERY_ADDR" --clients=8 ${QUERY_BENCH_FLAGS:-}
