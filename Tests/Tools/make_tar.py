#!/usr/bin/env python3
"""Test helper: writes a hostile or odd tar to stdout, by name of the case.

Cases: traversal, absolute, symlink-escape, hardlink-escape, link-loop, bad-utf8,
secret (a GitHub token in app/config/deploy.env), secret-whiteout (deletes that file),
many-entries (100,000 files in one directory), bomb-header (the header of one 2 GiB file:
the caller streams the zeros and the padding), ok (a small valid layer)."""
import io, sys, tarfile

def add(t, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = 0o644
    ti.mtime = 1700000000
    for k, v in kw.items():
        setattr(ti, k, v)
    t.addfile(ti, io.BytesIO(data) if data else None)

OSREL = b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'
META = lambda n, v: ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n\n" % (n, v)).encode()

def main():
    case = sys.argv[1]
    out = sys.stdout.buffer
    if case == "bomb-header":
        ti = tarfile.TarInfo("var/zeros.bin")
        ti.size = 2 << 30
        ti.mode = 0o644
        out.write(ti.tobuf(format=tarfile.GNU_FORMAT))
        return
    t = tarfile.open(fileobj=out, mode="w|", format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape")
    add(t, "etc/os-release", OSREL)
    add(t, "usr/lib/python3/dist-packages/good-1.0.dist-info/METADATA", META("good", "1.0"))
    if case == "traversal":
        add(t, "../../../tmp/kensa-escape/evil-1.0.dist-info/METADATA", META("evil", "1.0"))
        add(t, "usr/../../outside/x.dist-info/METADATA", META("evil2", "1.0"))
    elif case == "absolute":
        add(t, "/usr/lib/python3/dist-packages/abs-1.0.dist-info/METADATA", META("abs", "1.0"))
    elif case == "symlink-escape":
        add(t, "usr/lib/python3/dist-packages/esc-1.0.dist-info", type=tarfile.SYMTYPE, linkname="../../../../../../etc")
        add(t, "etc/passwd-link", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    elif case == "hardlink-escape":
        add(t, "usr/lib/python3/dist-packages/hl-1.0.dist-info/METADATA", type=tarfile.LNKTYPE, linkname="../../etc/shadow")
    elif case == "link-loop":
        add(t, "a", type=tarfile.SYMTYPE, linkname="b")
        add(t, "b", type=tarfile.SYMTYPE, linkname="a")
        add(t, "usr/lib/python3/dist-packages/loop-1.0.dist-info", type=tarfile.SYMTYPE, linkname="loop-1.0.dist-info")
    elif case == "bad-utf8":
        add(t, "usr/lib/python3/dist-packages/bad\udcff\udcfe-1.0.dist-info/METADATA", META("bad", "1.0"))
    elif case == "secret":
        add(t, "app/config/deploy.env", b"GITHUB_TOKEN=ghp_Zx8Kq2Lm5Np7Rt9Vw3Yb6Cd1Fg4Hj0Ks8Qu2\n")
    elif case == "secret-whiteout":
        add(t, "app/config/.wh.deploy.env")
    elif case == "many-entries":
        for i in range(100000):
            add(t, "var/many/f%06d" % i, b"x")
    t.close()

main()
