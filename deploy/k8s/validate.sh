#!/usr/bin/env bash
# Checks the Kubernetes manifests without a cluster (ctest runs it as
# k8s_manifests):
#   1. yamllint (config: .yamllint) on every YAML file under deploy/;
#   2. `kubectl kustomize` renders every kustomization under deploy/k8s (base,
#      overlays/*, tests/*) and every component is used by one of them;
#   3. tools/validate.mjs checks each rendered object against the Kubernetes
#      OpenAPI schemas (npm package kubernetes-models, installed with `npm ci`
#      into a cache outside the repository), strictly: unknown kinds and
#      unknown fields fail. A kustomization names the Secrets the operator
#      creates in a comment "# Operator-created Secrets: NAME..."; any other
#      ConfigMap or Secret the pods refer to must be rendered.
# Installs yamllint, and Debian's nodejs and npm when `node` or `npm` is
# missing. Without kubectl (Debian 12 has only kubernetes-client 1.20, too old
# for kustomize components) steps 2 and 3 are skipped: exit status 77, which
# ctest reports as skipped.
# Exit status: 0 valid, 1 invalid, 77 skipped.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/common.sh"

k8s_dir="$DOSSIER_ROOT/deploy/k8s"
tools_dir="$k8s_dir/tools"

# scripts/test.sh installs yamllint, node and npm; a test does not install.
for tool in yamllint node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool not found (scripts/test.sh installs it)." >&2
    exit 77
  fi
done

log "yamllint deploy/"
yamllint --strict -c "$DOSSIER_ROOT/.yamllint" "$DOSSIER_ROOT/deploy" "$DOSSIER_ROOT/.yamllint" \
  || die "yamllint found problems (config: .yamllint)"

# kustomize v5 (kubectl 1.27 and later): components, and labels with includeTemplates.
if ! command -v kubectl >/dev/null; then
  echo "SKIPPED: kubectl not found, so the manifests were neither rendered nor checked against the schemas." >&2
  echo "  Debian 12 has no kubectl recent enough (kubernetes-client is 1.20); install kubectl 1.27 or later." >&2
  exit 77
fi
kustomize_version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9][0-9]*\).*/\1/p')"
if [ -z "$kustomize_version" ] || [ "$kustomize_version" -lt 5 ]; then
  echo "SKIPPED: kubectl's kustomize is older than v5 ($(kubectl version --client 2>&1 | tr '\n' ' '));" >&2
  echo "  the manifests were neither rendered nor checked. Install kubectl 1.27 or later." >&2
  exit 77
fi

# The schema checker's packages, installed once per package-lock.json.
lock_hash="$(sha256sum "$tools_dir/package-lock.json" | cut -c1-16)"
cache_root="${DOSSIER_K8S_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/dossier/k8s-tools}"
cache="$cache_root/$lock_hash"
if [ ! -f "$cache/node_modules/.package-lock.json" ]; then
  log "installing the schema checker's npm packages into $cache"
  mkdir -p "$cache_root"
  staging="$(mktemp -d "$cache_root/install.XXXXXX")"
  cp "$tools_dir/package.json" "$tools_dir/package-lock.json" "$staging/"
  (cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) \
    || { rm -rf "$staging"; die "npm ci failed in $staging"; }
  # Another run may have finished first; either copy will do.
  [ -f "$cache/node_modules/.package-lock.json" ] || rm -rf "$cache"
  mv -T "$staging" "$cache" 2>/dev/null || rm -rf "$staging"
fi

work="$(mktemp -d)"
# The script runs from inside the cache so that node finds its packages.
checker="$cache/validate-$$.mjs"
trap 'rm -rf "$work" "$checker"' EXIT
cp "$tools_dir/validate.mjs" "$checker"

kustomizations=()
components=()
while IFS= read -r file; do
  dir="$(dirname "$file")"
  if grep -q '^kind: Component' "$file"; then
    components+=("$dir")
  else
    kustomizations+=("$dir")
  fi
done < <(find "$k8s_dir" -path "$tools_dir" -prune -o -name kustomization.yaml -print | sort)
[ ${#kustomizations[@]} -gt 0 ] || die "no kustomization.yaml under $k8s_dir"

passed=0
failed=0
for dir in "${kustomizations[@]}"; do
  name="${dir#"$k8s_dir"/}"
  out="$work/${name//\//_}.yaml"
  if ! kubectl kustomize "$dir" >"$out" 2>"$work/stderr"; then
    echo "FAIL $name: kubectl kustomize failed:" >&2
    cat "$work/stderr" >&2
    failed=$((failed + 1))
    continue
  fi
  read -ra secrets <<<"$(sed -n 's/^# Operator-created Secrets: //p' "$dir/kustomization.yaml")"
  external=()
  for secret in "${secrets[@]}"; do
    external+=("--external-secret=$secret")
  done
  if node "$checker" "${external[@]}" "$name" "$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

# Every component must be rendered by some kustomization, or it is never checked.
for dir in "${components[@]}"; do
  name="${dir#"$k8s_dir"/}"
  if ! grep -qs -e "components/$(basename "$dir")\$" "${kustomizations[@]/%//kustomization.yaml}"; then
    echo "FAIL $name: no kustomization uses this component, so it is never rendered" >&2
    failed=$((failed + 1))
  fi
done

echo "manifests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
