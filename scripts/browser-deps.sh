#!/usr/bin/env bash
# What the dashboard's browser tests (tests/e2e) need: Debian's chromium and chromium-driver.
# Idempotent and quiet: does nothing when both are on PATH, else installs them with apt-get.
# When apt-get fails the script fails, showing apt's last lines. When it cannot even try (no
# apt-get, not root and no password-less sudo) it fails under CI (CI set) and otherwise only
# warns: the browser tests then skip, saying why.
set -euo pipefail

packages=(chromium chromium-driver)
say() { echo "browser-deps: $*" >&2; }

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi

cannot() {
    if [[ -n "${CI:-}" ]]; then
        say "error: $*"
        exit 1
    fi
    say "warning: $*; the browser tests will be skipped"
    exit 0
}

command -v apt-get >/dev/null 2>&1 \
    || cannot "chromium or chromedriver is missing and there is no apt-get: install Chromium and its chromedriver by hand"
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        cannot "installing ${packages[*]} needs root: run 'sudo scripts/browser-deps.sh'"
    fi
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
say "installing ${packages[*]} with apt-get"
if ! { "${sudo[@]}" apt-get update -qq \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"; } \
        >"$log" 2>&1; then
    say "error: apt-get could not install ${packages[*]}; its last lines:"
    tail -n 20 "$log" >&2
    exit 1
fi
for tool in chromium chromedriver; do
    command -v "$tool" >/dev/null 2>&1 || { say "error: apt-get succeeded but '$tool' is not on PATH"; exit 1; }
done
say "installed $(chromium --version 2>/dev/null | head -n 1)"
