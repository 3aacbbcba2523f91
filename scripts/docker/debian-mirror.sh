#!/usr/bin/env bash
# Print the Debian archive mirror this machine's apt already uses: the URI of the first enabled
# "deb" entry whose suite is this Debian release's own codename (so not -security, -updates,
# or a third-party repository), read from /etc/apt/sources.list and
# /etc/apt/sources.list.d/*.{list,sources}. That archive also serves the other releases.
# DEBIAN_MIRROR in the environment wins. Exits 1 with a message if none is found.
set -euo pipefail

if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    echo "${DEBIAN_MIRROR%/}"
    exit 0
fi

# shellcheck disable=SC1091  # the machine's own file
codename="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
if [[ -z "$codename" ]]; then
    echo "error: this machine has no Debian codename in /etc/os-release;" \
        "set DEBIAN_MIRROR=<Debian archive URL>" >&2
    exit 1
fi

# One-line format: deb [options] URI suite [component...]
from_list_file() {
    local line uri suite
    while read -r line; do
        line="${line%%#*}"
        [[ "$line" =~ ^[[:space:]]*deb[[:space:]] ]] || continue
        line="$(sed -E 's/\[[^]]*\]//' <<<"$line")"
        read -r _ uri suite _ <<<"$line"
        [[ -n "${uri:-}" && -n "${suite:-}" ]] || continue
        if [[ "$suite" == "$codename" ]]; then
            echo "$uri"
            return 0
        fi
    done <"$1"
    return 1
}

# deb822 format: stanzas separated by blank lines with Types:, URIs:, Suites:, Enabled:
from_sources_file() {
    awk -v want="$codename" '
        function flush() {
            if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "") {
                n = split(suites, s, " ")
                for (i = 1; i <= n; i++) if (s[i] == want) { split(uris, u, " "); print u[1]; found = 1; exit }
            }
            types = ""; uris = ""; suites = ""; enabled = ""
        }
        /^[[:space:]]*#/ { next }
        /^[[:space:]]*$/ { flush(); next }
        {
            key = tolower($1); sub(/:$/, "", key)
            val = $0; sub(/^[^:]*:[[:space:]]*/, "", val)
            if (key == "types") types = val
            else if (key == "uris") uris = val
            else if (key == "suites") suites = val
            else if (key == "enabled") enabled = tolower(val)
        }
        END { if (!found) flush() }
    ' "$1"
}

files=()
[[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
done

for f in "${files[@]}"; do
    if [[ "$f" == *.sources ]]; then
        uri="$(from_sources_file "$f" || true)"
    else
        uri="$(from_list_file "$f" || true)"
    fi
    if [[ -n "$uri" ]]; then
        echo "${uri%/}"
        exit 0
    fi
done

echo "error: no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/;" \
    "set DEBIAN_MIRROR=<Debian archive URL>" >&2
exit 1
