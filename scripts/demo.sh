#!/usr/bin/env bash
# Runs Dossier end to end on this machine: installs what is missing, builds,
# starts ingest, entity and query on localhost with SQLite under a data
# directory, ingests examples/corpus/ through the CLI, runs example queries
# and stops the services.
#
# Usage: scripts/demo.sh [--keep-running] [--data-dir DIR]
#   --keep-running  leave the services up and print how to call them
#   --data-dir DIR  where the services keep their databases (default .dossier/demo,
#                   emptied at the start of each demo)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

keep_running=false
data_dir="$DOSSIER_ROOT/.dossier/demo"
while [ $# -gt 0 ]; do
  case "$1" in
    --keep-running) keep_running=true ;;
    --data-dir) shift; data_dir="$1" ;;
    --data-dir=*) data_dir="${1#*=}" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done

INGEST_PORT=${DOSSIER_DEMO_INGEST_PORT:-50051}
ENTITY_PORT=${DOSSIER_DEMO_ENTITY_PORT:-50052}
QUERY_PORT=${DOSSIER_DEMO_QUERY_PORT:-50053}

ensure_packages "${DOSSIER_BUILD_PACKAGES[@]}"
build ingest_server entity_server query_server dossier_cli
bin="$DOSSIER_BUILD_DIR/bin"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in $INGEST_PORT $ENTITY_PORT $QUERY_PORT; do
  port_in_use "$port" && die "port $port is in use (another Dossier still running? stop it, or set DOSSIER_DEMO_*_PORT)"
done

rm -rf "$data_dir"
mkdir -p "$data_dir/logs"
pids=()
stop_services() {
  [ ${#pids[@]} -eq 0 ] && return 0
  log "stopping services"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  pids=()
}
trap stop_services EXIT
trap 'exit 130' INT TERM HUP PIPE  # run the EXIT trap on these too

start() {  # start NAME ARGS...
  local name=$1; shift
  "$bin/dossier-$name" --host=127.0.0.1 --data_dir="$data_dir" "$@" >"$data_dir/logs/$name.log" 2>&1 &
  pids+=($!)
}
log "starting entity (:$ENTITY_PORT), query (:$QUERY_PORT), ingest (:$INGEST_PORT); logs in $data_dir/logs"
start entity --port="$ENTITY_PORT"
start query --port="$QUERY_PORT"
start ingest --port="$INGEST_PORT" --entity_addr="127.0.0.1:$ENTITY_PORT" --query_addr="127.0.0.1:$QUERY_PORT"

export DOSSIER_INGEST_ADDR="127.0.0.1:$INGEST_PORT" DOSSIER_ENTITY_ADDR="127.0.0.1:$ENTITY_PORT" \
  DOSSIER_QUERY_ADDR="127.0.0.1:$QUERY_PORT"
dossier() { "$bin/dossier" "$@"; }

for _ in $(seq 1 100); do
  dossier health >/dev/null 2>&1 && break
  sleep 0.1
done
dossier health || die "services did not become healthy; see $data_dir/logs"

show() { printf '\n\033[1;36m$ dossier %s\033[0m\n' "$*"; dossier "$@"; }

show ingest --wait "$DOSSIER_ROOT/examples/corpus"
show docs --limit 20
show search terrorism --entity country:RUS --from 2001 --to 2002
show search '"strategic partnership"'
show entity person:jiang-zemin
show related org:SCO --limit 8
show search summit --facets all --facet_limit 5 --limit 3
show events person:jiang-zemin person:vladimir-putin
show events CHN --code 04 --limit 10
show timeline person:jiang-zemin person:vladimir-putin
show related person:vladimir-putin --order events --limit 8

if $keep_running; then
  trap - EXIT
  cat <<MSG

Dossier is running (data in $data_dir, logs in $data_dir/logs):
  ingest  127.0.0.1:$INGEST_PORT   dossier.ingest.v1.IngestService
  entity  127.0.0.1:$ENTITY_PORT   dossier.entity.v1.EntityService
  query   127.0.0.1:$QUERY_PORT   dossier.query.v1.QueryService

Try:
  $bin/dossier search "Shanghai Cooperation Organization"
  $bin/dossier entity Putin
  $bin/dossier events RUS --code 04 --format tsv
  grpcurl -plaintext 127.0.0.1:$QUERY_PORT list
  grpcurl -plaintext -d '{"query": "terrorism", "entity_ids": ["country:RUS"]}' 127.0.0.1:$QUERY_PORT dossier.query.v1.QueryService/Search
  grpcurl -plaintext -d '{"name": "Jiang"}' 127.0.0.1:$ENTITY_PORT dossier.entity.v1.EntityService/ResolveName
  grpcurl -plaintext -d '{"actor": "person:jiang-zemin", "cameo_prefix": "04"}' 127.0.0.1:$QUERY_PORT dossier.query.v1.QueryService/ListEvents
  grpcurl -plaintext -d '{"service": "dossier.ingest.v1.IngestService"}' 127.0.0.1:$INGEST_PORT grpc.health.v1.Health/Check

Stop them with: kill ${pids[*]}
MSG
fi
