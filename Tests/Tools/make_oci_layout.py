#!/usr/bin/env python3
"""Test helper: wraps existing layer blobs (tar, or gzip'd tar) into an OCI image layout.

usage: make_oci_layout.py OUTDIR LAYER [LAYER...]
The diff_id of a gzip layer is computed by streaming it through zlib, so a layer that
inflates to gigabytes is never held in memory or written out inflated."""
import gzip, hashlib, json, os, shutil, sys, zlib

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

def diff_id(path):
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    if not gz:
        return sha256_file(path)
    h = hashlib.sha256()
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            while chunk:
                h.update(d.decompress(chunk, 1 << 24))
                chunk = d.unconsumed_tail
        h.update(d.flush())
    return h.hexdigest()

def main():
    out, layers = sys.argv[1], sys.argv[2:]
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    def put(data):
        digest = hashlib.sha256(data).hexdigest()
        open(os.path.join(blobs, digest), "wb").write(data)
        return digest, len(data)
    descs, diffs = [], []
    for layer in layers:
        digest = sha256_file(layer)
        shutil.copyfile(layer, os.path.join(blobs, digest))
        with open(layer, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
        media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if gz else "")
        descs.append({"mediaType": media, "digest": "sha256:" + digest, "size": os.path.getsize(layer)})
        diffs.append("sha256:" + diff_id(layer))
    config = {"architecture": "amd64", "os": "linux", "config": {"User": "0"},
              "rootfs": {"type": "layers", "diff_ids": diffs},
              "history": [{"created_by": "test layer %d" % i} for i in range(len(layers))]}
    cdig, csize = put(json.dumps(config, sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cdig, "size": csize},
                "layers": descs}
    mdig, msize = put(json.dumps(manifest, sort_keys=True).encode())
    index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": "sha256:" + mdig, "size": msize, "annotations": {"org.opencontainers.image.ref.name": "test"}}]}
    json.dump(index, open(os.path.join(out, "index.json"), "w"))
    json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "oci-layout"), "w"))

main()
