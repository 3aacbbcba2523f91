#!/usr/bin/env bash
# Build the three images of deploy/ (`make deploy-build`):
#   tminus:latest              the service (scripts/docker-build.sh)
#   tminus-updater:latest      the service + the train extra, the data seed and the update loop
#   tminus-balancer:bookworm   Debian's HAProxy on a debootstrap base (scripts/docker/build-base.sh)
# Where no registry is reachable (this project's machines), the service is built on the local
# Debian base tminus-base:bookworm, which this script builds too; elsewhere BASE_IMAGE=... (e.g.
# python:3.11-slim) picks the base, and TMINUS_BALANCER_IMAGE=haproxy:2.6 in compose can replace
# the balancer image. Needs a Docker engine, `make retrain` (champions to bake in) and
# `make data` (the updater's seed).
#
# usage: scripts/deploy-build.sh
#   IMAGE, UPDATER_IMAGE, BALANCER_IMAGE   the three names (defaults above)
#   BASE_IMAGE                             the service's base (default: build tminus-base:bookworm)
set -euo pipefail
cd "$(dirname "$0")/.."

image="${IMAGE:-tminus:latest}"
updater="${UPDATER_IMAGE:-tminus-updater:latest}"
balancer="${BALANCER_IMAGE:-tminus-balancer:bookworm}"

say() { echo "deploy-build: $*"; }
die() {
    echo "deploy-build: error: $*" >&2
    exit 1
}

docker info >/dev/null 2>&1 || die "no Docker engine answers: start one (scripts/docker/dockerd-start.sh)"

if [[ -z "${BASE_IMAGE:-}" ]]; then
    start=$SECONDS
    scripts/docker/build-base.sh tminus-base:bookworm || die "building the local base image failed"
    say "base image tminus-base:bookworm ready in $((SECONDS - start))s"
    base="tminus-base:bookworm"
else
    base="$BASE_IMAGE"
fi
start=$SECONDS
scripts/docker/build-base.sh "$balancer" haproxy || die "building the balancer image $balancer failed"
say "balancer image $balancer ready in $((SECONDS - start))s"
BASE_IMAGE="$base" UPDATER_IMAGE="$updater" scripts/docker-build.sh "$image" \
    || die "building $image and $updater failed"
say "built $image, $updater and $balancer"
