#!/usr/bin/env bash
# Builds Dossier's four images from deploy/docker/Dockerfile:
#   dossier-ingest, dossier-entity, dossier-query and dossier-cli.
# Usage: deploy/docker/build.sh [TAG]          (default tag: dev)
#   REGISTRY=registry.example.com/dossier deploy/docker/build.sh 0.1.0
#   PUSH=1 ... pushes them too; DOCKER=podman uses another client.
# The first build compiles Dossier (10-15 minutes on 2 cores); the four
# targets share that stage.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-dev}"
docker="${DOCKER:-docker}"
prefix="${REGISTRY:+${REGISTRY%/}/}"

for target in ingest entity query cli; do
  image="${prefix}dossier-${target}:${tag}"
  printf '\033[1m==> %s\033[0m\n' "building $image" >&2
  "$docker" build -f "$root/deploy/docker/Dockerfile" --target "$target" -t "$image" "$root"
  if [ -n "${PUSH:-}" ]; then
    "$docker" push "$image"
  fi
done
