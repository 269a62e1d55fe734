#!/usr/bin/env bash
# Checks the container images' package lists without a Docker engine (ctest
# runs it as docker_runtime_packages):
#   - every package named in scripts/common.sh (build, test and runtime lists)
#     is known to apt, and the runtime list installs on an empty system;
#   - every shared library the built binaries load (ldd) belongs to a package
#     (dpkg -S) in DOSSIER_RUNTIME_PACKAGES or in their dependencies (apt-cache
#     depends --recurse), so the runtime image has it;
#   - the Dockerfile installs the lists from common.sh and copies each binary.
# Usage: deploy/docker/check.sh [BIN_DIR]   (default: $DOSSIER_BUILD_DIR/bin)
# Exit status: 0 fine, 1 a problem, 77 skipped (binaries not built).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/common.sh"

bin_dir="${1:-$DOSSIER_BUILD_DIR/bin}"
dockerfile="$DOSSIER_ROOT/deploy/docker/Dockerfile"
binaries=(dossier-ingest dossier-entity dossier-query dossier)
problems=0
problem() { echo "FAIL: $*" >&2; problems=$((problems + 1)); }

# Every package named in the lists exists (installed ones count even before
# `apt-get update`).
all_packages=("${DOSSIER_BUILD_PACKAGES[@]}" "${DOSSIER_TEST_PACKAGES[@]}" "${DOSSIER_RUNTIME_PACKAGES[@]}")
known="$(apt-cache show --no-all-versions "${all_packages[@]}" 2>/dev/null | sed -n 's/^Package: //p' | sort -u)"
for pkg in "${all_packages[@]}"; do
  grep -qxF "$pkg" <<<"$known" || problem "package $pkg (scripts/common.sh) is unknown to apt (apt-get update first?)"
done
for pkg in "${DOSSIER_RUNTIME_PACKAGES[@]}"; do
  case "$pkg" in *-dev) problem "DOSSIER_RUNTIME_PACKAGES has a development package: $pkg" ;; esac
done

# What the runtime image gets: the runtime list and everything it depends on.
closure="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "${DOSSIER_RUNTIME_PACKAGES[@]}" 2>/dev/null | grep -v '^ ' | tr -d '<>' | sort -u)"

# The runtime list installs on an empty system, as in the image (needs apt's
# package lists; without them apt-cache above only knew installed packages).
if compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
  empty_status="$(mktemp)"
  if ! apt-get install --simulate -qq -o Dir::State::status="$empty_status" --no-install-recommends \
      "${DOSSIER_RUNTIME_PACKAGES[@]}" >/dev/null 2>"$empty_status.err"; then
    problem "DOSSIER_RUNTIME_PACKAGES does not install on an empty system: $(cat "$empty_status.err")"
  fi
  rm -f "$empty_status" "$empty_status.err"
fi

# The Dockerfile takes its packages from common.sh and ships every binary.
grep -q 'source .*scripts/common.sh' "$dockerfile" || problem "the Dockerfile does not source scripts/common.sh"
for list in DOSSIER_BUILD_PACKAGES DOSSIER_RUNTIME_PACKAGES; do
  expansion="\"\${${list}[@]}\""  # the text "${LIST[@]}", quotes included
  grep -qF "$expansion" "$dockerfile" || problem "the Dockerfile does not install $expansion"
done
for binary in "${binaries[@]}"; do
  grep -qE "COPY --from=build /build/bin/$binary /usr/local/bin/" "$dockerfile" \
    || problem "the Dockerfile does not copy $binary"
done

missing=()
for binary in "${binaries[@]}"; do
  [ -x "$bin_dir/$binary" ] || missing+=("$binary")
done
if [ ${#missing[@]} -eq ${#binaries[@]} ]; then
  [ "$problems" -eq 0 ] || exit 1
  echo "SKIPPED: no binaries in $bin_dir to check the runtime packages against (build first)." >&2
  exit 77
fi
[ ${#missing[@]} -eq 0 ] || problem "not built in $bin_dir: ${missing[*]}"

# The shared libraries the binaries load, and the packages they come from.
declare -A libs=()
for binary in "${binaries[@]}"; do
  [ -x "$bin_dir/$binary" ] || continue
  while read -r name arrow path _; do
    [ "$arrow" = "=>" ] || continue
    if [ "$path" = "not" ]; then
      problem "$binary: $name not found"
      continue
    fi
    # Sanitizer runtimes of a debug build (cmake --preset dev) never go into
    # an image, which builds Release.
    case "$name" in libasan.so* | libubsan.so* | libtsan.so* | liblsan.so*) continue ;; esac
    libs["$path"]+="$binary "
  done < <(ldd "$bin_dir/$binary")
done
# One dpkg -S for all of them (as ldd names them, resolved, and under /usr).
declare -A candidates=() owner_of=()
for lib in "${!libs[@]}"; do
  candidates["$lib"]="$lib $(readlink -f "$lib") /usr$lib"
done
while IFS= read -r line; do
  owner_of["${line#*: }"]="${line%%:*}"
done < <(dpkg -S ${candidates[@]+${candidates[@]}} 2>/dev/null || true)
checked=0
for lib in "${!libs[@]}"; do
  owner=""
  for candidate in ${candidates[$lib]}; do
    owner="${owner_of[$candidate]:-}"
    [ -z "$owner" ] || break
  done
  if [ -z "$owner" ]; then
    problem "$lib (needed by ${libs[$lib]% }) belongs to no Debian package"
  elif ! grep -qxF "$owner" <<<"$closure"; then
    problem "$lib (needed by ${libs[$lib]% }) comes from $owner: add it to DOSSIER_RUNTIME_PACKAGES in scripts/common.sh"
  fi
  checked=$((checked + 1))
done

if [ "$problems" -gt 0 ]; then
  echo "docker: $problems problem(s)" >&2
  exit 1
fi
echo "docker: ${#all_packages[@]} packages known; $checked libraries of ${binaries[*]} all come from DOSSIER_RUNTIME_PACKAGES or their dependencies"
