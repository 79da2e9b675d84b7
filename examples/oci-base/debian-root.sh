#!/usr/bin/env bash
# Prints the path of a Debian bookworm root (minbase, no docs, manuals or translations) as a tar,
# with the packages named in $1 (comma-separated, may be empty), built once with mmdebstrap from
# Debian's mirror and kept in ${WISP_EXAMPLES_CACHE:-~/.cache/wisp-examples}.
# Why: Docker Hub is not reachable from every machine Wisp runs on; Debian's mirror is.
set -euo pipefail
pkgs="${1:-}"
cache="${WISP_EXAMPLES_CACHE:-$HOME/.cache/wisp-examples}"
mkdir -p "$cache"
tar="$cache/debian-bookworm-minbase${pkgs:+-${pkgs//,/-}}.tar"
if [ ! -s "$tar" ]; then
  command -v mmdebstrap >/dev/null || { echo "debian-root.sh: mmdebstrap is needed: apt-get install mmdebstrap" >&2; exit 2; }
  echo "building a Debian root with mmdebstrap (once; kept in $cache)..." >&2
  mmdebstrap --quiet --variant=minbase --format=tar ${pkgs:+--include="$pkgs"} \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    bookworm "$tar.part"
  mv "$tar.part" "$tar"
fi
echo "$tar"
