#!/usr/bin/env bash
# Issue 4 acceptance 1: kensa vs Trivy on the same advisories and the same targets.
# Builds a Trivy DB (../shared/bench/trivydb/osv2trivydb.py) and a kensa DB (kensa db build)
# from the same OSV directories (../shared/testdata/osv + Tests/Fixtures/osv-ours), scans the
# bench root file system and docker-archive image with both, offline, and prints the set
# differences of (package, installed version, vulnerability ID). Each difference is explained
# in docs/benchmarks/vuln-differential.md.
# Prerequisites: ../shared/bench/setup-peers.sh and make-image.sh have run; kensa built
# (KENSA=path, default .build/release/kensa, else .build/debug/kensa).
# Usage (from the repository root): Benchmarks/scripts/vuln-differential.sh [OSV_DIR...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$(cd "$ROOT/../shared/bench" && pwd)"
KENSA_BENCH="${KENSA_BENCH:-$HOME/.cache/kensa-bench}"
KENSA="${KENSA:-$ROOT/.build/release/kensa}"
[ -x "$KENSA" ] || KENSA="$ROOT/.build/debug/kensa"
[ -x "$KENSA" ] || { echo "build kensa first (swift build -c release) or set KENSA" >&2; exit 2; }
TRIVY="$KENSA_BENCH/peers/bin/trivy"
[ -x "$TRIVY" ] || { echo "missing $TRIVY: run ../shared/bench/setup-peers.sh" >&2; exit 2; }
[ -f "$KENSA_BENCH/image/bench.docker.tar" ] || { echo "run ../shared/bench/make-image.sh first" >&2; exit 2; }
if [ $# -gt 0 ]; then OSV=("$@"); else OSV=("$(cd "$ROOT/../shared/testdata/osv" && pwd)" "$ROOT/Tests/Fixtures/osv-ours"); fi

OUT="$KENSA_BENCH/vuln-differential"
rm -rf "$OUT"
mkdir -p "$OUT/trivy-cache" "$OUT/kensa-cache"

# Trivy keys its OS advisories by CVE (trivy id mode), as its real DB does.
python3 "$BENCH/trivydb/osv2trivydb.py" -o "$OUT/trivy-cache/db" --report "$OUT/trivydb-report.json" "${OSV[@]}" > "$OUT/trivydb-summary.json"
cp -r "$KENSA_BENCH/trivy-cache/java-db" "$OUT/trivy-cache/"
FROM=()
for d in "${OSV[@]}"; do FROM+=(--from "$d"); done
"$KENSA" db build "${FROM[@]}" --cache-dir "$OUT/kensa-cache" > "$OUT/kensa-db-build.txt"

OFF=(--cache-dir "$OUT/trivy-cache" --cache-backend memory --skip-db-update --skip-java-db-update --offline-scan
     --no-progress --skip-version-check --disable-telemetry --scanners vuln --format json -q)
cd "$KENSA_BENCH"
"$TRIVY" rootfs "${OFF[@]}" -o "$OUT/trivy-rootfs.json" rootfs
"$TRIVY" image "${OFF[@]}" -o "$OUT/trivy-image.json" --input image/bench.docker.tar
"$KENSA" rootfs rootfs --scanners vuln --cache-dir "$OUT/kensa-cache" --format json -q -o "$OUT/kensa-rootfs.json"
"$KENSA" image --input image/bench.docker.tar --scanners vuln --cache-dir "$OUT/kensa-cache" --format json -q -o "$OUT/kensa-image.json"

python3 "$ROOT/Benchmarks/scripts/vuln_differential.py" rootfs "$OUT/trivy-rootfs.json" "$OUT/kensa-rootfs.json"
python3 "$ROOT/Benchmarks/scripts/vuln_differential.py" image "$OUT/trivy-image.json" "$OUT/kensa-image.json"
echo "converter: skipped affected[] entries and warnings (Trivy cannot express them) in $OUT/trivydb-report.json:"
python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))
for s in r['skipped_affected']: print('   skipped', s)
for w in r['warnings']: print('   warning', w)
print('   withdrawn', ' '.join(r['withdrawn']))" "$OUT/trivydb-report.json"
echo "raw outputs: $OUT"
