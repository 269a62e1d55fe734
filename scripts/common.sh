# Shared by scripts/demo.sh and scripts/test.sh (sourced, not run).
# The package lists are the single source of truth: Dockerfiles read them too.

# What building Dossier needs on Debian 12.
DOSSIER_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libspdlog-dev libsqlite3-dev libgumbo-dev libicu-dev
  libpqxx-dev libpq-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev
)

# What the tests need beyond the build: a PostgreSQL server that
# scripts/test.sh starts on a free loopback port for the PostgreSQL runs, and
# yamllint for deploy/k8s/validate.sh. That script also needs Node.js with npm
# (it installs Debian's nodejs and npm itself, only when `node` or `npm` is
# missing: a Node.js from elsewhere conflicts with Debian's npm package) and
# kubectl 1.27+ (Debian's is older; without it the check is skipped).
# openssl makes the throwaway CA and certificates of tests/security_test.cc.
DOSSIER_TEST_PACKAGES=(
  postgresql-15
  yamllint
  openssl
)

# What the binaries need at run time on Debian 12: the packages owning every
# shared library they link (ldd + dpkg -S), plus CA certificates for TLS.
# The container images install exactly this list (deploy/docker/Dockerfile);
# deploy/docker/check.sh verifies it against the built binaries.
DOSSIER_RUNTIME_PACKAGES=(
  libabsl20220623 libc-ares2 libfmt9 libgrpc++1.51 libgrpc29 libprotobuf32 libre2-9 libssl3 zlib1g
  libgumbo1 libicu72 libspdlog1.10 libsqlite3-0 libstdc++6
  libpqxx-6.4 libpq5 libcpp-httplib0.11
  ca-certificates
)

DOSSIER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOSSIER_BUILD_DIR="${DOSSIER_BUILD_DIR:-$DOSSIER_ROOT/build}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the packages of the given list that are missing: apt-get as root,
# sudo otherwise.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing missing packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install these packages first: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
}

# Configures (once) and builds the given targets, or everything.
build() {
  local jobs
  jobs="$(nproc 2>/dev/null || echo 2)"
  if [ ! -f "$DOSSIER_BUILD_DIR/CMakeCache.txt" ]; then
    log "configuring in $DOSSIER_BUILD_DIR"
    cmake -S "$DOSSIER_ROOT" -B "$DOSSIER_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
      || die "cmake configure failed"
  fi
  log "building ${*:-everything}"
  if [ $# -gt 0 ]; then
    cmake --build "$DOSSIER_BUILD_DIR" -j "$jobs" --target "$@" || die "build failed"
  else
    cmake --build "$DOSSIER_BUILD_DIR" -j "$jobs" || die "build failed"
  fi
}

# Starts a throwaway PostgreSQL server for the tests' PostgreSQL runs: initdb
# into a temporary directory (as the postgres user when run as root, since
# PostgreSQL refuses to run as root), a free loopback port, trust
# authentication, fsync off (nothing here outlives the run). Exports
# DOSSIER_TEST_POSTGRES_URL and sets DOSSIER_PG_DIR; stop_test_postgres
# removes it again.
start_test_postgres() {
  local bin=/usr/lib/postgresql/15/bin
  [ -x "$bin/initdb" ] || die "PostgreSQL 15 server binaries not found in $bin (package postgresql-15)"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no postgres user (the postgresql-15 package creates it)"
    as=(runuser -u postgres --)
  fi
  DOSSIER_PG_DIR="$(mktemp -d /tmp/dossier-pg.XXXXXX)"
  [ ${#as[@]} -gt 0 ] && chown postgres "$DOSSIER_PG_DIR"
  "${as[@]}" "$bin/initdb" -D "$DOSSIER_PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$DOSSIER_PG_DIR/initdb.log" 2>&1 || { cat "$DOSSIER_PG_DIR/initdb.log" >&2; die "initdb failed"; }
  local port attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 30000 ))
    # Something answers there already: try another port.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if "${as[@]}" "$bin/pg_ctl" -D "$DOSSIER_PG_DIR/data" -l "$DOSSIER_PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $DOSSIER_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null 2>&1; then
      export DOSSIER_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
      log "throwaway PostgreSQL on 127.0.0.1:$port ($DOSSIER_PG_DIR)"
      return 0
    fi
  done
  cat "$DOSSIER_PG_DIR/server.log" >&2 || true
  die "could not start the throwaway PostgreSQL server"
}

stop_test_postgres() {
  [ -n "${DOSSIER_PG_DIR:-}" ] && [ -d "$DOSSIER_PG_DIR" ] || return 0
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$DOSSIER_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DOSSIER_PG_DIR"
  DOSSIER_PG_DIR=""
}
