#!/usr/bin/env bash
# Run deploy/compose.yaml for real and test it (`make deploy-test`, run by .ci/run):
#   1. install the Docker engine, docker-compose and debootstrap from Debian packages if missing
#   2. start dockerd (unless an engine already runs) and stop it again at the end
#   3. make sure a champion is promoted and the data is there (the updater's seed)
#   4. build the images (scripts/deploy-build.sh; cached layers make a rebuild quick)
#   5. pytest -m docker tests/deploy: the images against deploy/contract.toml, then 3 replicas
#      behind HAProxy under 60 s of load while the champion moves, a replica is killed -9 and
#      the updater runs one cycle; the figures are printed at the end
# Exits non-zero, saying what failed, on any failure. Needs root (apt-get, dockerd, and the
# test hands the registry folder to the image's user). Reads no stdin.
#
# usage: scripts/deploy-test.sh [PYTEST ARGS...]
#   BASE_IMAGE=...  build the service on this base instead of the local Debian one
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${VENV:-.venv}"
tminus="$venv/bin/tminus"

say() { echo "deploy-test: $*"; }
fail() {
    echo "deploy-test: FAILED: $*" >&2
    exit 1
}

started_dockerd=0
cleanup() {
    local rc=$?
    if ((started_dockerd)); then
        scripts/docker/dockerd-stop.sh || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -x "$tminus" ]] || fail "no $tminus: run 'make install' first"
[[ "$(id -u)" == 0 ]] || fail "run as root: the test starts dockerd and hands the registry to uid 10001"

# ---- 1. tools, from Debian packages ----
packages=()
command -v docker >/dev/null || packages+=(docker.io)
if ! command -v dockerd >/dev/null && ! timeout 10 docker info >/dev/null 2>&1; then
    packages+=(docker.io)
fi
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || packages+=(docker-compose)
command -v debootstrap >/dev/null || packages+=(debootstrap)
if ((${#packages[@]})); then
    say "installing ${packages[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq </dev/null || fail "apt-get update failed"
    timeout 900 apt-get install -y -qq "${packages[@]}" </dev/null >/dev/null \
        || fail "apt-get install ${packages[*]} failed"
fi

# ---- 2. the engine, with a bridge network (the compose file's replicas talk over it) ----
state="$(scripts/docker/dockerd-start.sh)" || fail "could not start a Docker engine (.build/dockerd/dockerd.log)"
[[ "$state" == started ]] && started_dockerd=1
if ((started_dockerd)) && grep -q -- '--bridge=none' .build/dockerd/dockerd.flags 2>/dev/null; then
    fail "this Docker engine could only start without a bridge network (--bridge=none), and" \
        "deploy/compose.yaml needs one for the balancer to reach the replicas; see docs/DEPLOY.md"
fi

# ---- 3. a champion to serve and the data to seed the updater with ----
if [[ ! -d datasets/processed ]]; then
    say "no processed data: make data"
    "${MAKE:-make}" data || fail "'make data' failed (it needs the mirror in \$DATA_MIRROR)"
fi
if ! "$tminus" models list --require-champions >/dev/null 2>&1; then
    say "no champion is promoted: tminus train --model all --promote"
    "$tminus" train --model all --promote || fail "'tminus train --model all --promote' failed"
fi

# ---- 4. the images ----
start=$SECONDS
scripts/deploy-build.sh || fail "building the images failed"
say "images ready in $((SECONDS - start))s"

# ---- 5. the tests ----
say "pytest -m docker tests/deploy"
"$venv/bin/pytest" -m docker tests/deploy "$@" || fail "the deploy tests failed (figures and logs above)"
say "PASSED"
