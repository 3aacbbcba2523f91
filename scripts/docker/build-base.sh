#!/usr/bin/env bash
# Build a minimal Debian bookworm image with python3 + python3-venv, for machines that cannot
# pull python:3.11-slim from a registry. debootstrap from this machine's own Debian mirror
# (read from its apt configuration), then `docker import`. Bookworm's Python is 3.11, the
# Python the wheels are built for.
#
# usage: scripts/docker/build-base.sh [IMAGE]      (default tminus-base:bookworm)
#   FORCE=1        rebuild even if IMAGE exists (otherwise the existing image is the cache)
#   DEBIAN_MIRROR  Debian archive URL to use instead of the one apt uses
set -euo pipefail
cd "$(dirname "$0")/../.."

image="${1:-tminus-base:bookworm}"
suite="bookworm"
work=".build/docker-base"

if [[ "${FORCE:-0}" != 1 ]] && docker image inspect "$image" >/dev/null 2>&1; then
    echo "base image $image exists; not rebuilding (FORCE=1 to rebuild)"
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "error: debootstrap needs root to build the base image $image" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null; then
    echo "error: debootstrap is not installed (apt-get install debootstrap)" >&2
    exit 1
fi
mirror="$(scripts/docker/debian-mirror.sh)"

rootfs="$work/rootfs"
cleanup() {
    # debootstrap mounts /proc and /sys in the chroot; never leave them behind, and never
    # `rm -rf` through a live mount.
    local m
    for m in proc sys dev/pts; do
        if mountpoint -q "$rootfs/$m" 2>/dev/null; then umount -l "$rootfs/$m" || true; fi
    done
    if [[ -d "$rootfs" ]] && ! grep -q " $(realpath "$rootfs")/" /proc/mounts; then
        rm -rf "$rootfs"
    fi
}
trap cleanup EXIT
cleanup
mkdir -p "$work"

start=$SECONDS
echo "debootstrap $suite (minbase + python3, python3-venv) from $mirror ..."
if ! debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    echo "error: debootstrap failed; last lines of $work/debootstrap.log:" >&2
    tail -n 20 "$work/debootstrap.log" >&2
    if [[ -f "$rootfs/debootstrap/debootstrap.log" ]]; then
        tail -n 20 "$rootfs/debootstrap/debootstrap.log" >&2
    fi
    exit 1
fi

# Slim it: no package caches or lists, docs, man pages, translations or logs.
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/debootstrap
# The image never reaches this machine's mirror; keep it out of the image.
: >"$rootfs/etc/apt/sources.list"
# Keep the Debian policy of not starting services in a container.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"

echo "importing $rootfs as $image ..."
tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --message "debootstrap --variant=minbase $suite with python3, python3-venv" \
    - "$image" >/dev/null
docker run --rm "$image" python3 -c 'import sys, venv, ensurepip; print("base python", sys.version.split()[0])'
echo "built $image in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
