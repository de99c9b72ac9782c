#!/usr/bin/env python3
"""Makes a large OSV data set for kensa's vulnerability DB benchmarks by varying real records.

    gen.py OUTPUT COUNT SOURCE_DIR...

OUTPUT ending in `.zip` is written as one archive shaped like OSV's `all.zip` (one JSON record
per entry); anything else is a directory of `<id>.json` files (what Trivy's DB converter in
../shared/bench/trivydb reads). SOURCE_DIRs are walked for `*.json` records, in sorted path
order, so the same inputs always give the same bytes.

Record `i` is real record `i mod N` (N real records): the first N unchanged, later copies get
`-GEN<k>` appended to their ID and aliases and `gen<k>` to every affected package name
(`k = i div N`; `-gen<k>` except for Maven, whose names are `group:artifact`). Version ranges,
`versions` lists, severities and references stay the real ones, so matching does the same work
per record as on real data; only the number of distinct package names grows.

Standard library only.
"""
import glob
import json
import os
import sys
import zipfile

FIXED_DATE = (2026, 1, 1, 0, 0, 0)


def load(dirs):
    paths = []
    for d in dirs:
        paths += glob.glob(os.path.join(d, "**", "*.json"), recursive=True)
    records = []
    for p in sorted(paths):
        with open(p, encoding="utf-8") as f:
            r = json.load(f)
        if isinstance(r, dict) and "id" in r:
            records.append(r)
    if not records:
        sys.exit(f"gen.py: no OSV records under {' '.join(dirs)}")
    return records


def vary(record, k):
    r = json.loads(json.dumps(record))
    if k == 0:
        return r
    r["id"] = f"{r['id']}-GEN{k}"
    r["aliases"] = [f"{a}-GEN{k}" for a in r.get("aliases", [])]
    for a in r.get("affected", []):
        p = a.get("package")
        if p and "name" in p:
            sep = "" if p.get("ecosystem") == "Maven" else "-"
            p["name"] = f"{p['name']}{sep}gen{k}"
    return r


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, count, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    records = load(dirs)
    n = len(records)
    if out.endswith(".zip"):
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(count):
                r = vary(records[i % n], i // n)
                info = zipfile.ZipInfo(r["id"] + ".json", FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, json.dumps(r))
    else:
        os.makedirs(out, exist_ok=True)
        for i in range(count):
            r = vary(records[i % n], i // n)
            with open(os.path.join(out, r["id"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(r, f)
    print(f"{count} records from {n} real ones -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
