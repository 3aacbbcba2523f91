#!/usr/bin/env bash
# Stop the dockerd that scripts/docker/dockerd-start.sh started (and only that one: the pid in
# .build/dockerd/dockerd.pid). SIGTERM lets it stop its containers and its containerd; after
# DOCKERD_STOP_TIMEOUT seconds (default 30) both get SIGKILL.
set -euo pipefail
cd "$(dirname "$0")/../.."

pidfile=".build/dockerd/dockerd.pid"
timeout_s="${DOCKERD_STOP_TIMEOUT:-30}"

msg() { echo "dockerd-stop: $*" >&2; }

if [[ ! -f "$pidfile" ]]; then
    msg "no $pidfile: no dockerd of ours to stop"
    exit 0
fi
pid="$(cat "$pidfile")"
if ! kill -0 "$pid" 2>/dev/null || [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]]; then
    msg "dockerd $pid is not running"
    rm -f "$pidfile"
    exit 0
fi
# Its own containerd, to be sure it goes too if dockerd has to be killed.
children="$(pgrep -P "$pid" 2>/dev/null || true)"
kill -TERM "$pid"
deadline=$((SECONDS + timeout_s))
while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
    sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
    msg "dockerd $pid did not stop in ${timeout_s}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
fi
for child in $children; do
    if kill -0 "$child" 2>/dev/null; then
        kill -KILL "$child" 2>/dev/null || true
    fi
done
rm -f "$pidfile"
msg "stopped dockerd $pid"
