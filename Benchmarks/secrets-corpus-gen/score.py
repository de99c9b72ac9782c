#!/usr/bin/env python3
"""Score secret-scanner output against the bench kit's ground truth ($KENSA_BENCH/truth/secrets.json).

    score.py TRUTH.json trivy|kensa|kensa-cli|detect-secrets OUTPUT.json [--list]

kensa's bench driver writes Trivy's JSON shape, so `kensa` and `trivy` read the same way;
`kensa-cli` reads `kensa fs --scanners secret --format json` (kensa's own schema). A finding
matches a truth entry when it is in the same file and its line range overlaps [line, end_line].
"""
import json, re, sys

def norm(p):
    p = re.sub(r"^(\./)+", "", p.lstrip("/"))
    return p.split("secrets/", 1)[1] if "secrets/" in p else p

def findings(kind, doc):
    if kind in ("trivy", "kensa"):
        return [(norm(r["Target"]), s["StartLine"], s["EndLine"], s["RuleID"])
                for r in doc.get("Results") or [] for s in r.get("Secrets") or []]
    if kind == "kensa-cli":
        return [(norm(f["location"]["path"]), f["location"].get("startLine", 0), f["location"].get("endLine", 0), f["id"])
                for f in doc.get("findings", []) if f.get("kind") == "secret"]
    if kind == "detect-secrets":
        return [(norm(f), e["line_number"], e["line_number"], e["type"])
                for f, es in doc.get("results", {}).items() for e in es]
    raise SystemExit(f"unknown kind {kind}")

def main():
    truth = json.load(open(sys.argv[1]))
    finds = findings(sys.argv[2], json.load(open(sys.argv[3])))
    pos, dec = truth["positives"], truth["decoys"]
    hit_p, hit_d, unlabeled = set(), set(), []
    for f, lo, hi, rule in finds:
        matched = False
        for i, e in enumerate(pos):
            if e["file"] == f and lo <= e["end_line"] and hi >= e["line"]:
                hit_p.add(i); matched = True
        for i, e in enumerate(dec):
            if e["file"] == f and lo <= e["end_line"] and hi >= e["line"]:
                hit_d.add(i); matched = True
        if not matched:
            unlabeled.append(f"{f}:{lo} {rule}")
    print(f"{sys.argv[2]}: found {len(hit_p)}/{len(pos)} positives, flagged {len(hit_d)}/{len(dec)} decoys, "
          f"{len(finds)} findings, {len(unlabeled)} on unlabeled lines")
    if "--list" in sys.argv:
        for i, e in enumerate(pos):
            if i not in hit_p: print(f"  missed  {e['kind']} {e['file']}:{e['line']}")
        for i in sorted(hit_d): print(f"  decoy   {dec[i]['kind']} {dec[i]['file']}:{dec[i]['line']}")
        for u in unlabeled: print(f"  other   {u}")

main()
