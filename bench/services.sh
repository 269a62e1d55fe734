# Sourced by bench/run.sh and bench/scale.sh (after scripts/common.sh), not run.
# start_bench_services DIR starts dossier-entity, dossier-query and
# dossier-ingest from $DOSSIER_BUILD_DIR/bin on free loopback ports, with
# their data in DIR (SQLite), or in the PostgreSQL database $DOSSIER_DB when
# that is set; logs go to DIR/<service>.log. It sets ENTITY_ADDR, QUERY_ADDR
# and INGEST_ADDR and appends the process ids to BENCH_PIDS;
# stop_bench_services stops exactly those processes.

BENCH_PIDS=()

# Waits until FILE is written by process PID; dies if the process exits or
# 120 s pass (entity loads its knowledge base and models first).
_wait_for_port_file() {
  local file=$1 pid=$2 name=$3 i
  for i in $(seq 1 1200); do
    [ -s "$file" ] && return 0
    kill -0 "$pid" 2>/dev/null || die "$name exited at start-up; see ${file%.port}.log"
    sleep 0.1
  done
  die "$name did not start within 120 s; see ${file%.port}.log"
}

start_bench_services() {
  local dir=$1 bin="$DOSSIER_BUILD_DIR/bin"
  local db=()
  [ -n "${DOSSIER_DB:-}" ] && db=(--db="$DOSSIER_DB")
  rm -f "$dir"/entity.port "$dir"/query.port "$dir"/ingest.port
  "$bin/dossier-entity" --host=127.0.0.1 --port=0 --metrics_port=0 --port_file="$dir/entity.port" \
    --data_dir="$dir" "${db[@]}" 2>>"$dir/entity.log" &
  BENCH_PIDS+=($!)
  local entity_pid=$!
  "$bin/dossier-query" --host=127.0.0.1 --port=0 --metrics_port=0 --port_file="$dir/query.port" \
    --data_dir="$dir" "${db[@]}" 2>>"$dir/query.log" &
  BENCH_PIDS+=($!)
  local query_pid=$!
  _wait_for_port_file "$dir/entity.port" "$entity_pid" dossier-entity
  _wait_for_port_file "$dir/query.port" "$query_pid" dossier-query
  ENTITY_ADDR="127.0.0.1:$(cat "$dir/entity.port")"
  QUERY_ADDR="127.0.0.1:$(cat "$dir/query.port")"
  "$bin/dossier-ingest" --host=127.0.0.1 --port=0 --metrics_port=0 --port_file="$dir/ingest.port" \
    --data_dir="$dir" "${db[@]}" --entity_addr="$ENTITY_ADDR" --query_addr="$QUERY_ADDR" \
    --log_level=warn 2>>"$dir/ingest.log" &
  BENCH_PIDS+=($!)
  _wait_for_port_file "$dir/ingest.port" "$!" dossier-ingest
  INGEST_ADDR="127.0.0.1:$(cat "$dir/ingest.port")"
}

stop_bench_services() {
  [ ${#BENCH_PIDS[@]} -gt 0 ] || return 0
  kill -TERM "${BENCH_PIDS[@]}" 2>/dev/null || true
  wait "${BENCH_PIDS[@]}" 2>/dev/null || true
  BENCH_PIDS=()
}

machine_line() {
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
