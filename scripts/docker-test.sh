#!/usr/bin/env bash
# Build the service image and run it for real (`make docker-test`, run by .ci/run):
#   1. install the Docker engine and debootstrap from Debian packages if missing
#   2. start dockerd (unless an engine already runs) and stop it again at the end
#   3. make sure a champion is promoted (make data; tminus train --model all --promote)
#   4. build the local base image (no registry here) and the service image on it
#   5. run the image on a free loopback port, wait for its HEALTHCHECK to say healthy,
#      send a prediction and check it names the champion version; remove the container
# Prints the image size and the time from `docker run` to healthy. Exits non-zero, with a
# message saying what failed, on any failure. Needs root (apt-get, dockerd) unless the engine
# and debootstrap are already there. Reads no stdin.
#
# usage: scripts/docker-test.sh [IMAGE]                  (default tminus:latest)
#   BASE_IMAGE=...       use this base instead of building tminus-base:bookworm (e.g.
#                        python:3.11-slim where a registry is reachable)
#   HEALTH_TIMEOUT=120   seconds to wait for the container to become healthy
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-tminus:latest}"
venv="${VENV:-.venv}"
tminus="$venv/bin/tminus"
python="$venv/bin/python"
local_base="tminus-base:bookworm"
health_timeout="${HEALTH_TIMEOUT:-120}"
container="tminus-docker-test-$$"

say() { echo "docker-test: $*"; }
fail() {
    echo "docker-test: FAILED: $*" >&2
    exit 1
}

started_dockerd=0
container_started=0
cleanup() {
    local rc=$?
    if ((container_started)); then
        if ((rc != 0)); then
            echo "---- last container logs ----" >&2
            docker logs --tail 40 "$container" >&2 2>&1 || true
        fi
        docker rm --force "$container" >/dev/null 2>&1 || true
    fi
    if ((started_dockerd)); then
        scripts/docker/dockerd-stop.sh || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ -x "$tminus" ]] || fail "no $tminus: run 'make install' first"

# ---- 1. the engine and debootstrap, from Debian packages ----
packages=()
command -v docker >/dev/null || packages+=(docker.io)
if ! command -v dockerd >/dev/null && ! timeout 10 docker info >/dev/null 2>&1; then
    packages+=(docker.io)
fi
if [[ -z "${BASE_IMAGE:-}" ]] && ! command -v debootstrap >/dev/null; then
    packages+=(debootstrap)
fi
if ((${#packages[@]})); then
    [[ "$(id -u)" == 0 ]] || fail "${packages[*]} missing and installing needs root"
    say "installing ${packages[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq </dev/null || fail "apt-get update failed"
    timeout 900 apt-get install -y -qq "${packages[@]}" </dev/null >/dev/null \
        || fail "apt-get install ${packages[*]} failed"
fi

# ---- 2. the engine ----
state="$(scripts/docker/dockerd-start.sh)" || fail "could not start a Docker engine (.build/dockerd/dockerd.log)"
[[ "$state" == started ]] && started_dockerd=1
network_args=()
if ((started_dockerd)) && grep -q -- '--bridge=none' .build/dockerd/dockerd.flags 2>/dev/null; then
    network_args=(--network host)
fi

# ---- 3. a champion to serve ----
if ! "$tminus" models list --require-champions >/dev/null 2>&1; then
    say "no champion is promoted: getting the data and training (make data; tminus train --model all --promote)"
    "${MAKE:-make}" data || fail "'make data' failed (it needs the mirror in \$DATA_MIRROR, default ../shared/datasets)"
    "$tminus" train --model all --promote || fail "'tminus train --model all --promote' failed"
    "$tminus" models list --require-champions >/dev/null \
        || fail "training promoted no champion for some model ('tminus models list' says which)"
fi
champion="$("$tminus" models show launch_failure --json | "$python" -c '
import json, sys
print(json.load(sys.stdin)["aliases"]["champion"])
')" || fail "could not read the champion version of launch_failure ('tminus models show launch_failure --json')"
say "host champion of launch_failure: $champion"

# ---- 4. the images ----
if [[ -z "${BASE_IMAGE:-}" ]]; then
    start=$SECONDS
    scripts/docker/build-base.sh "$local_base" || fail "building the local base image $local_base failed"
    say "base image $local_base ready in $((SECONDS - start))s"
    base="$local_base"
else
    base="$BASE_IMAGE"
fi
BASE_IMAGE="$base" scripts/docker-build.sh "$image" || fail "building $image failed"
size="$(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"

# ---- 5. run it ----
user="$(docker image inspect --format '{{.Config.User}}' "$image")"
[[ -n "$user" && "$user" != root && "$user" != 0 && "$user" != 0:* ]] \
    || fail "the image runs as '${user:-root}', not as a non-root user"
port_is_free() {
    "$python" -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
if ((${#network_args[@]})); then
    # No bridge in this engine: the container shares the host's network, so it serves on the
    # image's own port 8000, which its HEALTHCHECK asks.
    port=8000
    port_is_free "$port" || fail "the engine has no bridge network, so the container needs 127.0.0.1:8000, which is taken"
    run_args=("${network_args[@]}")
else
    port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    run_args=(--publish "127.0.0.1:$port:8000")
fi
# A throwaway admin key, to check the admin API can move an alias inside the image.
TMINUS_ADMIN_KEY="$("$python" -c 'import secrets; print(secrets.token_hex(16))')"
export TMINUS_ADMIN_KEY
run_args+=(--env TMINUS_ADMIN_KEY)
say "docker run $image on 127.0.0.1:$port"
t0="$(date +%s.%N)"
docker run --detach --name "$container" "${run_args[@]}" "$image" >/dev/null \
    || fail "docker run $image failed"
container_started=1

status=""
deadline=$((SECONDS + health_timeout))
while ((SECONDS < deadline)); do
    status="$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$container" 2>/dev/null || true)"
    running="$(docker inspect --format '{{.State.Running}}' "$container" 2>/dev/null || echo false)"
    [[ "$status" == healthy ]] && break
    if [[ "$running" != true ]]; then
        fail "the container stopped before it was healthy (exit code $(docker inspect --format '{{.State.ExitCode}}' "$container"))"
    fi
    if [[ "$status" == unhealthy ]]; then
        docker inspect --format '{{range .State.Health.Log}}{{.Output}}{{end}}' "$container" | tail -n 5 >&2
        fail "the container is unhealthy: /readyz did not answer 200"
    fi
    [[ -n "$status" ]] || fail "the image has no HEALTHCHECK"
    sleep 0.2
done
[[ "$status" == healthy ]] || fail "the container was not healthy within ${health_timeout}s (status: ${status:-none})"
t1="$(date +%s.%N)"
to_healthy="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
say "healthy ${to_healthy}s after docker run"

uid="$(docker exec "$container" id -u)" || fail "docker exec id -u failed"
[[ "$uid" != 0 ]] || fail "the service runs as root"
say "the service runs as uid $uid"

say "POST /v1/launch-failure"
URL="http://127.0.0.1:$port" CHAMPION="$champion" "$python" - <<'PY' || fail "the prediction check failed (see above)"
import json
import os
import sys
import urllib.error
import urllib.request

url, champion = os.environ["URL"], os.environ["CHAMPION"]
with urllib.request.urlopen(f"{url}/healthz", timeout=10) as r:
    if r.status != 200:
        sys.exit(f"/healthz answered {r.status}, expected 200")
request = urllib.request.Request(
    f"{url}/v1/launch-failure",
    data=json.dumps({"vehicle": "Falcon 9", "date": "2026-01-15"}).encode(),
    headers={"Content-Type": "application/json"},
    method="POST",
)
try:
    with urllib.request.urlopen(request, timeout=30) as r:
        status, body = r.status, r.read().decode()
except urllib.error.HTTPError as e:
    sys.exit(f"POST /v1/launch-failure answered {e.code}: {e.read().decode()[:500]}")
print(f"  {status} {body[:400]}")
answer = json.loads(body)
if answer.get("model") != "launch_failure":
    sys.exit(f"the answer names model {answer.get('model')!r}, expected 'launch_failure'")
if answer.get("version") != champion:
    sys.exit(f"the answer names version {answer.get('version')!r}, expected the champion {champion!r}")
print(f"  the answer names the champion version {champion}")

# The admin API moves an alias: champion onto the version it already names, so nothing changes.
move = urllib.request.Request(
    f"{url}/v1/models/launch_failure/aliases/champion",
    data=json.dumps({"version": champion}).encode(),
    headers={"Content-Type": "application/json", "X-API-Key": os.environ["TMINUS_ADMIN_KEY"]},
    method="PUT",
)
try:
    with urllib.request.urlopen(move, timeout=30) as r:
        moved = json.loads(r.read())
except urllib.error.HTTPError as e:
    sys.exit(f"PUT /v1/models/launch_failure/aliases/champion answered {e.code}: {e.read().decode()[:500]}")
if moved.get("version") != champion:
    sys.exit(f"the admin API set champion to {moved.get('version')!r}, expected {champion!r}")
print("  the admin API moved champion (onto the same version) with TMINUS_ADMIN_KEY")
PY

# `docker stop` sends SIGTERM; a server that ignores it (as PID 1 does without a handler) is
# killed after the grace period, dropping requests in flight on every deploy.
t2=$SECONDS
docker stop --time 20 "$container" >/dev/null || fail "docker stop failed"
code="$(docker inspect --format '{{.State.ExitCode}}' "$container")"
[[ "$code" == 0 ]] || fail "the service did not stop cleanly on SIGTERM (exit code $code; 137 means it was killed)"
say "stopped cleanly on SIGTERM in $((SECONDS - t2))s"

say "PASSED: image $image ($size), healthy ${to_healthy}s after docker run, prediction from champion $champion"
