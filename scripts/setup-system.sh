#!/usr/bin/env bash
# Installs the Debian packages kensa's build and tests need (idempotent; needs root):
# the C libraries of DESIGN.md (ISA-L inflate, libarchive, SQLite) and the tools the tests
# drive (debootstrap, umoci, skopeo, zstd, openssl, GNU time).
set -euo pipefail
BUILD=(pkg-config libisal-dev libarchive-dev libsqlite3-dev)
TEST=(debootstrap umoci skopeo zstd openssl time gzip xz-utils docker-registry apache2-utils)
want=("${BUILD[@]}")
[ "${1:-}" = "--test" ] && want+=("${TEST[@]}")
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "kensa: installing ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 || {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}
