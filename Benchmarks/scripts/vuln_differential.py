#!/usr/bin/env python3
"""Compares kensa's and Trivy's vulnerability findings on one target.

Usage: vuln_differential.py LABEL TRIVY.json KENSA.json

Each side becomes a set of (package, installed version, vulnerability ID). Package names are
compared case-insensitively (PyPI distribution names differ only in case between the tools).
A tuple on one side only is then looked up among the other side's aliases on the same package
and version (kensa's `aliases`, Trivy's `VendorIDs`): those are the same vulnerability under
another ID and are listed apart from the real differences. Exit status 0 either way; the
output is the evidence.
"""
import json
import sys


def trivy_findings(path):
    doc = json.load(open(path))
    out = {}
    for result in doc.get("Results") or []:
        for v in result.get("Vulnerabilities") or []:
            key = (v["PkgName"].lower(), v["InstalledVersion"], v["VulnerabilityID"])
            names = {v["VulnerabilityID"], *(v.get("VendorIDs") or [])}
            out.setdefault(key, {"names": set(), "fixed": set(), "targets": set()})
            out[key]["names"] |= names
            if v.get("FixedVersion"):
                out[key]["fixed"].add(v["FixedVersion"])
            out[key]["targets"].add(result.get("Target", ""))
    return out


def kensa_findings(path):
    doc = json.load(open(path))
    out = {}
    for f in doc.get("findings") or []:
        v = f.get("vulnerability")
        if f.get("kind") != "vulnerability" or not v:
            continue
        key = (v["packageName"].lower(), v["installedVersion"], f["id"])
        names = {f["id"], *(v.get("aliases") or []), *(v.get("advisoryIDs") or [])}
        out.setdefault(key, {"names": set(), "fixed": set(), "targets": set()})
        out[key]["names"] |= names
        out[key]["fixed"] |= set(v.get("fixedVersions") or [])
        out[key]["targets"].add(f.get("location", {}).get("path", ""))
    return out


def other_id(key, info, other):
    """The other side's finding on the same package and version that names this one."""
    pkg, version, vid = key
    for (p, ver, oid), oinfo in other.items():
        if p == pkg and ver == version and (vid in oinfo["names"] or oid in info["names"]):
            return oid
    return None


def main():
    label, trivy_path, kensa_path = sys.argv[1:4]
    trivy, kensa = trivy_findings(trivy_path), kensa_findings(kensa_path)
    both = sorted(set(trivy) & set(kensa))
    only_k = sorted(set(kensa) - set(trivy))
    only_t = sorted(set(trivy) - set(kensa))
    print(f"== {label}: kensa {len(kensa)}, trivy {len(trivy)}, both {len(both)}, "
          f"kensa only {len(only_k)}, trivy only {len(only_t)}")
    fixed_diff = [k for k in both if kensa[k]["fixed"] != trivy[k]["fixed"]]
    for k in fixed_diff:
        print(f"   fixed versions differ  {' '.join(k)}: kensa {sorted(kensa[k]['fixed'])} trivy {sorted(trivy[k]['fixed'])}")
    for side, keys, mine, other in (("kensa only", only_k, kensa, trivy), ("trivy only", only_t, trivy, kensa)):
        for k in keys:
            alt = other_id(k, mine[k], other)
            note = f"  (same vulnerability as {alt} on the other side)" if alt else ""
            print(f"   {side:10s}  {k[0]}  {k[1]}  {k[2]}{note}  [{', '.join(sorted(mine[k]['targets']))}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
