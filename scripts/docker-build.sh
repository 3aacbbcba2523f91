#!/usr/bin/env bash
# Build the T-Minus service image (`make docker-build`).
#
# usage: scripts/docker-build.sh [IMAGE]                 (default tminus:latest)
#   BASE_IMAGE=...  the Dockerfile's base build argument (its default: python:3.11-slim);
#                   where no registry is reachable: tminus-base:bookworm from
#                   scripts/docker/build-base.sh (make docker-test does that itself)
#   VENV=...        the project's virtual environment (default .venv)
#   UPDATER_IMAGE=  also build the updater image of deploy/ (deploy/updater/Dockerfile) on
#                   IMAGE: the train extra, the data in datasets/ as a seed, the update loop
#
# The build itself needs no network: this script stages everything the Dockerfile copies
# into .build/docker/ first, from the host, where PyPI is reachable:
#   app/     the tminus wheel, built from this tree
#   wheels/  every runtime dependency as wheels for Linux on the engine's CPU and CPython 3.11,
#            pinned to the versions in $VENV (those the champion models were made with)
#   models/  the champion version of each model, exported by the registry
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-tminus:latest}"
venv="${VENV:-.venv}"
stage=".build/docker"
# The Python of the base image: python:3.11-slim, and Debian bookworm's python3.
py_version="3.11"
py_abi="cp311"
# Oldest glibc among the bases used: Debian bookworm's 2.36. A wheel for a newer glibc would
# not load there; every older manylinux tag is listed, since pip does not infer them.
glibc_minor=36

die() {
    echo "docker-build: error: $*" >&2
    exit 1
}
say() { echo "docker-build: $*"; }

[[ -x "$venv/bin/tminus" ]] || die "no $venv/bin/tminus: run 'make install' first"
command -v docker >/dev/null || die "no docker command: install Docker (Debian: apt-get install docker.io)"
if ! docker info >/dev/null 2>&1; then
    die "no Docker engine answers ('docker info' fails): start one, e.g." \
        "'scripts/docker/dockerd-start.sh' as root ('make docker-test' starts and stops its own)"
fi

# ---- 1. the champion models, through the registry (it alone knows the on-disk format) ----
tminus="$venv/bin/tminus"
if ! "$tminus" models --help >/dev/null 2>&1; then
    die "'$tminus models' is not available: this tree's tminus has no registry commands yet"
fi
if ! "$tminus" models list --require-champions >/dev/null 2>&1; then
    "$tminus" models list >&2 || true
    die "not every model has a promoted champion version, so there is nothing to serve." \
        "Run 'make retrain' (gets the data, trains every model, promotes the winners), then build again."
fi
rm -rf "$stage/models.new"
mkdir -p "$stage/models.new"
say "exporting the champion models to $stage/models"
"$tminus" models export --alias champion --to "$stage/models.new" \
    || die "'tminus models export --alias champion --to $stage/models' failed"
[[ -n "$(find "$stage/models.new" -mindepth 2 -print -quit)" ]] \
    || die "'tminus models export' left $stage/models empty"
# The same versions as the last build: keep that copy, whose alias files differ only by when
# they were written, so that Docker's layer cache holds (for the updater image too).
same_versions() {
    diff -rq --exclude=aliases "$1" "$2" >/dev/null 2>&1 || return 1
    local alias
    for alias in "$1"/*/aliases/*; do
        [[ "$(grep -o '"version": *"[^"]*"' "$alias")" == \
            "$(grep -o '"version": *"[^"]*"' "$2/${alias#"$1"/}" 2>/dev/null)" ]] || return 1
    done
}
if [[ -d "$stage/models" ]] && same_versions "$stage/models.new" "$stage/models" \
    && same_versions "$stage/models" "$stage/models.new"; then
    rm -rf "$stage/models.new"
else
    rm -rf "$stage/models"
    mv "$stage/models.new" "$stage/models"
fi

# ---- 2. wheels: the package from a clean copy of the source, its dependencies for Linux ----
case "$(docker version --format '{{.Server.Arch}}')" in
    amd64 | x86_64) arch="x86_64" ;;
    arm64 | aarch64) arch="aarch64" ;;
    *) die "unsupported engine CPU '$(docker version --format '{{.Server.Arch}}')'" ;;
esac
rm -rf "$stage/wheels" "$stage/app" "$stage/src"
mkdir -p "$stage/wheels" "$stage/app" "$stage/src"
# A copy, so the build writes no build/ or egg-info into the tree and stale files there can
# never reach the wheel.
tar --exclude=__pycache__ --exclude='*.egg-info' -c pyproject.toml README.md service \
    | tar -x -C "$stage/src"
say "building the tminus wheel"
# Timestamps in the wheel from the last commit, not the clock: the same source gives the same
# wheel, so Docker's layer cache holds across builds (and the updater image built on this one).
epoch="$(git log -1 --format=%ct 2>/dev/null || echo 315532800)"
if ! SOURCE_DATE_EPOCH="$epoch" "$venv/bin/pip" wheel --no-deps --wheel-dir "$stage/app" "$stage/src" \
    >"$stage/pip-wheel.log" 2>&1; then
    tail -n 30 "$stage/pip-wheel.log" >&2
    die "building the tminus wheel failed (pip wheel $stage/src; log in $stage/pip-wheel.log)"
fi
wheel="$(find "$stage/app" -name 'tminus-*.whl' -print -quit)"
[[ -n "$wheel" ]] || die "pip wheel produced no tminus-*.whl in $stage/app"

# Pin to what the venv has, so the image runs the library versions the models were made with.
"$venv/bin/pip" freeze --exclude-editable | grep -E '^[A-Za-z0-9._-]+==' >"$stage/constraints.txt"
platforms=()
for ((minor = glibc_minor; minor >= 17; minor--)); do
    platforms+=(--platform "manylinux_2_${minor}_${arch}")
done
platforms+=(--platform "manylinux2014_${arch}")
# download_wheels DEST REQUIREMENT: REQUIREMENT and its dependencies as wheels for the image.
download_wheels() {
    local log="$1.log"
    if ! "$venv/bin/pip" download --dest "$1" \
        --only-binary=:all: "${platforms[@]}" \
        --python-version "$py_version" --implementation cp --abi "$py_abi" \
        --constraint "$stage/constraints.txt" "$2" >"$log" 2>&1; then
        grep -v '^WARNING: Location' "$log" | tail -n 30 >&2
        die "could not download Linux wheels of $2's dependencies (log in $log)"
    fi
    rm -f "$1"/tminus-*.whl
}
say "downloading the runtime dependencies (CPython $py_version, manylinux $arch)"
download_wheels "$stage/wheels" "$wheel"
say "staged $(find "$stage/wheels" -name '*.whl' | wc -l) dependency wheels" \
    "($(du -sh "$stage/wheels" | cut -f1)) and $(du -sh "$stage/models" | cut -f1) of models"

# ---- 3. the image: the context is the repo root; .dockerignore lets in only $stage ----
build_args=()
if [[ -n "${BASE_IMAGE:-}" ]]; then
    build_args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
fi
if revision="$(git rev-parse --short HEAD 2>/dev/null)"; then
    build_args+=(--label "org.opencontainers.image.revision=$revision")
fi
say "docker build -t $image ${BASE_IMAGE:+(base $BASE_IMAGE)}"
start=$SECONDS
base="${BASE_IMAGE:-$(sed -n 's/^ARG BASE_IMAGE=//p' Dockerfile)}"
if ! docker image inspect "$base" >/dev/null 2>&1 && ! docker pull "$base"; then
    die "cannot pull the base image $base. Without a registry, build a local base and use it:" \
        "scripts/docker/build-base.sh && make docker-build BASE_IMAGE=tminus-base:bookworm"
fi
docker build "${build_args[@]}" --tag "$image" --file Dockerfile . \
    || die "docker build failed (see its output above)"
size="$(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"
say "built $image in $((SECONDS - start))s; image size $size"

# ---- 4. the updater image of deploy/, on this one ----
[[ -n "${UPDATER_IMAGE:-}" ]] || exit 0
updater=".build/docker-updater"
[[ -d datasets/raw && -d datasets/processed ]] \
    || die "the updater image takes datasets/raw and datasets/processed as its seed: run 'make data'"
rm -rf "$updater"
mkdir -p "$updater/wheels" "$updater/seed/datasets"
say "downloading the train extra's dependencies for the updater"
download_wheels "$updater/wheels" "$wheel[train]"
# The service image has the runtime ones already.
for have in "$stage/wheels"/*.whl; do
    rm -f "$updater/wheels/$(basename "$have")"
done
cp -R datasets/raw datasets/processed datasets/sources.toml datasets/reference "$updater/seed/datasets/"
# The image's user reads the seed (tminus data fetch leaves its files readable by root alone).
chmod -R a+rX "$updater/seed"
cp deploy/updater/Dockerfile deploy/updater/tminus-update-loop "$updater/"
say "docker build -t $UPDATER_IMAGE (on $image)"
start=$SECONDS
updater_args=(--build-arg "SERVICE_IMAGE=$image")
if [[ -n "${BASE_IMAGE:-}" ]]; then
    updater_args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
fi
if [[ -n "${revision:-}" ]]; then
    updater_args+=(--label "org.opencontainers.image.revision=$revision")
fi
docker build "${updater_args[@]}" --tag "$UPDATER_IMAGE" "$updater" \
    || die "docker build of the updater image failed (see its output above)"
size="$(docker image inspect --format '{{.Size}}' "$UPDATER_IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}')"
say "built $UPDATER_IMAGE in $((SECONDS - start))s; image size $size"
