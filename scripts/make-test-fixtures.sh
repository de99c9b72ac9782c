#!/usr/bin/env bash
# Builds the expensive test fixtures once per test run and prints nothing but progress:
#   $DIR/rootfs/          Debian bookworm minbase (debootstrap) + PyPI packages installed with
#                         `pip install --target`, minus the files layer 3 deletes
#   $DIR/image/oci/       the same tree as a 3-layer OCI layout (tag `test`): 1 = debootstrap,
#                         2 = pip packages, 3 = deletions (whiteouts)
#   $DIR/image/test.oci.tar      OCI archive (skopeo)
#   $DIR/image/test.docker.tar   docker-archive, tag kensa-test/app:latest (skopeo)
#   $DIR/truth/dpkg.txt   dpkg-query's (name version arch) of the rootfs
#   $DIR/truth/pip.json   `pip list --path` of the rootfs's site-packages
# A stage is skipped when its marker matches the inputs, so reruns are quick.
# Usage: scripts/make-test-fixtures.sh DIR
set -euo pipefail
DIR=${1:?usage: make-test-fixtures.sh DIR}
SUITE=bookworm
SITE=usr/local/lib/python3.11/dist-packages
PIP_PKGS=(six==1.16.0 idna==3.7 attrs==23.2.0 PyJWT==2.8.0 python_dateutil==2.9.0.post0 charset_normalizer==3.3.2)
DELETED=("$SITE/jwt" "$SITE/PyJWT-2.8.0.dist-info" "usr/share/doc/apt" "etc/update-motd.d")
log() { printf '[fixtures %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

mirror() {
  local m=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    m=$(awk -v s="$SUITE" '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i==s){print u; exit}}' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ]; then
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk -v s="$SUITE" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while (i<=NF && $i !~ /\]$/) i++; i++ } if ($(i+1)==s) { print $i; exit } }' || true)
  fi
  echo "${DEBIAN_MIRROR:-${m:-http://deb.debian.org/debian}}"
}

fingerprint=$(printf '%s\n' v3 "$SUITE" "${PIP_PKGS[@]}" "${DELETED[@]}" | sha256sum | cut -c1-16)
if [ -f "$DIR/done" ] && [ "$(cat "$DIR/done")" = "$fingerprint" ]; then
  log "up to date: $DIR"
  exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR/build" "$DIR/image" "$DIR/truth"

BASE="$DIR/build/base"
log "debootstrap --variant=minbase $SUITE (a few minutes)"
debootstrap --variant=minbase "$SUITE" "$BASE" "$(mirror)" > "$DIR/build/debootstrap.log" 2>&1 ||
  { tail -20 "$DIR/build/debootstrap.log" >&2; exit 1; }
rm -rf "$BASE"/var/cache/apt/archives/*.deb "$BASE"/var/lib/apt/lists/*_Packages

OCI="$DIR/image/oci"
BUNDLE="$DIR/build/bundle"
umoci init --layout "$OCI"
umoci new --image "$OCI:test"
umoci config --image "$OCI:test" --os linux --architecture amd64 --config.user 10001 \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.entrypoint /bin/sh --history.created_by "umoci config"
umoci unpack --image "$OCI:test" "$BUNDLE" > /dev/null
log "layer 1: debootstrap base"
cp -a "$BASE/." "$BUNDLE/rootfs/"
umoci repack --refresh-bundle --image "$OCI:test" --history.created_by "debootstrap --variant=minbase $SUITE" "$BUNDLE"
log "layer 2: pip install --target /$SITE ${PIP_PKGS[*]}"
python3 -m pip install --quiet --no-deps --no-compile --disable-pip-version-check --only-binary :all: \
  --target "$BUNDLE/rootfs/$SITE" "${PIP_PKGS[@]}" >&2
rm -rf "$BUNDLE/rootfs/$SITE/bin"
umoci repack --refresh-bundle --image "$OCI:test" --history.created_by "pip install --target /$SITE ${PIP_PKGS[*]}" "$BUNDLE"
log "layer 3: deletions"
for p in "${DELETED[@]}"; do rm -rf "${BUNDLE:?}/rootfs/$p"; done
umoci repack --refresh-bundle --image "$OCI:test" --history.created_by "rm -rf ${DELETED[*]}" "$BUNDLE"
umoci gc --layout "$OCI"
mv "$BUNDLE/rootfs" "$DIR/rootfs"
rm -rf "$BUNDLE" "$BASE"
log "OCI archive and docker-archive (skopeo)"
skopeo --insecure-policy copy --quiet "oci:$OCI:test" "oci-archive:$DIR/image/test.oci.tar:test"
skopeo --insecure-policy copy --quiet "oci:$OCI:test" "docker-archive:$DIR/image/test.docker.tar:kensa-test/app:latest"

log "ground truth"
dpkg-query --admindir="$DIR/rootfs/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' | sort > "$DIR/truth/dpkg.txt"
python3 -m pip list --disable-pip-version-check --path "$DIR/rootfs/$SITE" --format json > "$DIR/truth/pip.json"
printf '%s\n' "${DELETED[@]}" > "$DIR/truth/deleted.txt"
echo "$fingerprint" > "$DIR/done"
log "done: $(wc -l < "$DIR/truth/dpkg.txt") deb packages"
