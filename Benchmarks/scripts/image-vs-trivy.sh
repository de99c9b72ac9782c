#!/usr/bin/env bash
# Issue 2 benchmark: kensa vs Trivy on the shared bench image (../shared/bench), same sitting.
# Prerequisites: ../shared/bench/setup-peers.sh and make-image.sh have run; kensa built with
#   swift build -c release
# Usage (from the repository root): Benchmarks/scripts/image-vs-trivy.sh [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/../shared/bench"
KENSA="${KENSA:-$ROOT/.build/release/kensa}"
RUNS=${1:-5}
KENSA_BENCH="${KENSA_BENCH:-$HOME/.cache/kensa-bench}"
[ -x "$KENSA" ] || { echo "build kensa first: swift build -c release" >&2; exit 2; }

"$BENCH/compare.sh" -n "$RUNS" -l "image docker-archive (uncompressed layers)" \
  "$KENSA image --input image/bench.docker.tar --format cyclonedx -o /dev/null" \
  '$TRIVY image $TRIVY_OFFLINE --input image/bench.docker.tar --format cyclonedx -o /dev/null'
"$BENCH/compare.sh" -n "$RUNS" -l "image OCI layout (gzip layers)" \
  "$KENSA image --input image/oci --format cyclonedx -o /dev/null" \
  '$TRIVY image $TRIVY_OFFLINE --input image/oci --format cyclonedx -o /dev/null'
"$BENCH/compare.sh" -n "$RUNS" -l "rootfs" \
  "$KENSA rootfs rootfs --format cyclonedx -o /dev/null" \
  '$TRIVY rootfs $TRIVY_OFFLINE rootfs --format cyclonedx -o /dev/null'

# The floor: only inflating the image's gzip layers with igzip (Debian's isal), one after the other.
echo "floor: igzip -d of every layer blob of image/oci (sequential)"
cd "$KENSA_BENCH"
blobs=$(python3 -c "
import json,os
idx=json.load(open('image/oci/index.json'))
m=json.load(open('image/oci/blobs/sha256/'+idx['manifests'][0]['digest'].split(':')[1]))
print(' '.join('image/oci/blobs/sha256/'+l['digest'].split(':')[1] for l in m['layers']))")
for i in 1 2 3; do /usr/bin/time -f "  igzip all layers: %e s wall, %U s user, %M KiB" bash -c "for b in $blobs; do igzip -d -c \$b > /dev/null; done"; done
