#!/usr/bin/env bash
# Run the service image in the foreground (`make docker-run`); Ctrl-C stops and removes it.
#
# usage: scripts/docker-run.sh [IMAGE [COMMAND...]]      (default tminus:latest)
#   PORT=8000               host port to publish the service on
#   HOST=127.0.0.1          host address to publish on (0.0.0.0: every interface)
#   MODELS=path             serve this models folder (a registry layout, e.g. from
#                           `tminus models export`) instead of the one baked into the image;
#                           mounted read-only at /app/models (moving aliases on the host,
#                           e.g. `tminus promote`, switches the served version live)
#   MODELS_MODE=rw          mount it read-write instead, for the admin API to move aliases
#                           (the folder's <model>/aliases/ must be writable by uid 10001)
#   TMINUS_ADMIN_KEY=...    passed to the container (by name, so it stays off the command
#                           line); enables the admin routes
# COMMAND replaces the image's command, e.g. `tminus serve --host 0.0.0.0 --port 8000 --workers 2`.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-tminus:latest}"
shift || true
port="${PORT:-8000}"
host="${HOST:-127.0.0.1}"

die() {
    echo "docker-run: error: $*" >&2
    exit 1
}

command -v docker >/dev/null || die "no docker command: install Docker"
docker image inspect "$image" >/dev/null 2>&1 \
    || die "no image $image: build it first with 'make docker-build'"

args=(--rm --name "tminus-${port}" --publish "$host:$port:8000")
if [[ -n "${MODELS:-}" ]]; then
    [[ -d "$MODELS" ]] || die "MODELS=$MODELS is not a folder"
    mode="${MODELS_MODE:-ro}"
    [[ "$mode" == ro || "$mode" == rw ]] || die "MODELS_MODE must be ro or rw, not '$mode'"
    args+=(--volume "$(realpath "$MODELS"):/app/models:$mode")
fi
if [[ -n "${TMINUS_ADMIN_KEY:-}" ]]; then
    args+=(--env TMINUS_ADMIN_KEY)
fi
if [[ -t 0 && -t 1 ]]; then
    args+=(--interactive --tty)
fi

echo "docker-run: serving $image on http://$host:$port${MODELS:+ with models from $MODELS}"
exec docker run "${args[@]}" "$image" "$@"
