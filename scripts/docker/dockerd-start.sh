#!/usr/bin/env bash
# Start a Docker engine (dockerd) in the background for a build-and-run test, unless one
# already answers. Prints "started" (and leaves its pid in .build/dockerd/dockerd.pid, for
# scripts/docker/dockerd-stop.sh) or "running" (someone else's engine: leave it alone).
#
# Sandboxes and CI containers differ in what dockerd can do, so it tries, in order:
#   1. the defaults (overlay2 storage, bridge network with iptables NAT)
#   2. --storage-driver=vfs                      (no overlay mounts, e.g. nested overlayfs)
#   3. vfs and --iptables=false                  (no iptables/NAT; docker-proxy still
#                                                 publishes ports on the loopback address)
#   4. vfs, --iptables=false and --bridge=none   (no bridge at all: containers then need
#                                                 --network host; see dockerd.flags)
# DOCKERD_FLAGS="..." tries only those flags. The flags that worked are written to
# .build/dockerd/dockerd.flags; the engine's log is .build/dockerd/dockerd.log.
#   DOCKERD_START_TIMEOUT  seconds to wait for each attempt (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."

state=".build/dockerd"
pidfile="$state/dockerd.pid"
log="$state/dockerd.log"
timeout_s="${DOCKERD_START_TIMEOUT:-60}"

msg() { echo "dockerd-start: $*" >&2; }

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

mkdir -p "$state"
if engine_answers; then
    msg "a Docker engine is already running; using it and leaving it running"
    echo running
    exit 0
fi
# A pid file whose process is gone is stale: a previous run that was killed.
if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    rm -f "$pidfile"
fi
if [[ -f "$pidfile" ]]; then
    msg "error: dockerd $(cat "$pidfile") from an earlier run is alive but does not answer;" \
        "stop it with scripts/docker/dockerd-stop.sh"
    exit 1
fi
if [[ "$(id -u)" != 0 ]]; then
    msg "error: no Docker engine answers and starting dockerd needs root"
    exit 1
fi
if ! command -v dockerd >/dev/null; then
    msg "error: dockerd is not installed (Debian: apt-get install docker.io)"
    exit 1
fi

if [[ -n "${DOCKERD_FLAGS+set}" ]]; then
    attempts=("$DOCKERD_FLAGS")
else
    attempts=(
        ""
        "--storage-driver=vfs"
        "--storage-driver=vfs --iptables=false"
        "--storage-driver=vfs --iptables=false --bridge=none"
    )
fi

: >"$log"
rm -f "$state/dockerd.flags"
for flags in "${attempts[@]}"; do
    msg "starting dockerd ${flags:-(default flags)}"
    echo "=== dockerd $flags" >>"$log"
    # dockerd writes its pid file itself (and refuses to start over a live one).
    # shellcheck disable=SC2086  # flags is a list of words
    dockerd --pidfile "$PWD/$pidfile" $flags </dev/null >>"$log" 2>&1 &
    pid=$!
    deadline=$((SECONDS + timeout_s))
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
        if engine_answers; then
            echo "$flags" >"$state/dockerd.flags"
            msg "dockerd $pid is up ($(docker info --format '{{.Driver}}' 2>/dev/null) storage)"
            echo started
            exit 0
        fi
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        msg "dockerd ${flags:-(default flags)} did not answer in ${timeout_s}s; last log lines:"
    else
        msg "dockerd ${flags:-(default flags)} exited; last log lines:"
    fi
    tail -n 5 "$log" >&2
    if kill -0 "$pid" 2>/dev/null; then
        echo "$pid" >"$pidfile"
        scripts/docker/dockerd-stop.sh >/dev/null 2>&1 || true
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "$pidfile"
done
msg "error: dockerd would not start with any of the flag sets tried; see $log"
exit 1
