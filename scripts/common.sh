# Shared by scripts/demo.sh and scripts/test.sh (sourced, not run).
# The package lists are the single source of truth: Dockerfiles read them too.

# What building Dossier needs on Debian 12.
DOSSIER_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libspdlog-dev libsqlite3-dev libgumbo-dev libicu-dev
  libgtest-dev libgmock-dev
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
