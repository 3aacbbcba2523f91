#!/usr/bin/env bash
# Build a minimal Debian bookworm image for machines that cannot pull from a registry:
# debootstrap from this machine's own Debian mirror (read from its apt configuration), then
# `docker import`. By default the image has python3 + python3-venv, the base of the service
# image (bookworm's Python is 3.11, the Python the wheels are built for); other Debian packages
# make other bases, e.g. the load balancer of deploy/compose.yaml:
#
# usage: scripts/docker/build-base.sh [IMAGE [PACKAGES]]
#   IMAGE     default tminus-base:bookworm
#   PACKAGES  comma-separated Debian packages to install (default python3,python3-venv);
#             e.g. scripts/docker/build-base.sh tminus-balancer:bookworm haproxy
#   FORCE=1        rebuild even if IMAGE exists (otherwise the existing image is the cache)
#   DEBIAN_MIRROR  Debian archive URL to use instead of the one apt uses
# Downloaded packages are kept in .build/docker-base/cache, so a second base builds faster.
set -euo pipefail
cd "$(dirname "$0")/../.."

image="${1:-tminus-base:bookworm}"
packages="${2:-python3,python3-venv}"
suite="bookworm"
work=".build/docker-base"
[[ "$packages" =~ ^[a-z0-9][a-z0-9.+-]*(,[a-z0-9][a-z0-9.+-]*)*$ ]] || {
    echo "error: PACKAGES must be Debian package names separated by commas, not '$packages'" >&2
    exit 2
}

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

# One root filesystem per image, so two bases can be built at once.
rootfs="$work/rootfs-${image//[^A-Za-z0-9.-]/_}"
cache="$work/cache"
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
mkdir -p "$work" "$cache"
log="$rootfs.log"

start=$SECONDS
echo "debootstrap $suite (minbase + ${packages//,/, }) from $mirror ..."
if ! debootstrap --variant=minbase --include="$packages,ca-certificates" \
    --cache-dir="$(realpath "$cache")" "$suite" "$rootfs" "$mirror" >"$log" 2>&1; then
    echo "error: debootstrap failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
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
changes=(
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'ENV LANG=C.UTF-8'
)
if [[ -x "$rootfs/usr/bin/python3" ]]; then
    changes+=(--change 'CMD ["python3"]')
fi
tar --numeric-owner -C "$rootfs" -c . | docker import "${changes[@]}" \
    --message "debootstrap --variant=minbase $suite with ${packages//,/, }" \
    - "$image" >/dev/null
if [[ -x "$rootfs/usr/bin/python3" ]]; then
    docker run --rm "$image" python3 -c 'import sys, venv, ensurepip; print("base python", sys.version.split()[0])'
fi
echo "built $image in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
