import Foundation
@testable import KensaArtifact
import KensaCore

/// A small 3-layer image built with umoci (the OCI layout) and converted with skopeo to an
/// OCI archive and a docker-archive; built once per test run.
///   layer 1: base files; layer 2: a rewrite and additions; layer 3: deletions (whiteouts).
struct ImageFixture: Sendable {
    let dir: TempDir
    var layout: String { dir.file("oci") }
    var ociArchive: String { dir.file("image.oci.tar") }
    var dockerArchive: String { dir.file("image.docker.tar") }

    /// Regular files and their contents in the final image.
    static let finalFiles: [String: String] = [
        "etc/os-release": "ID=debian\nVERSION_ID=12\n",
        "usr/lib/python3/dist-packages/a-1.0.dist-info/METADATA": "Name: a\nVersion: 1.0\n",
        "usr/lib/python3/dist-packages/c-3.0.dist-info/METADATA": "Name: c\nVersion: 3.0\n",
        "srv/app/package.json": "{\"name\":\"app\",\"version\":\"1.2.3\"}",
        "opt/app/data.txt": "data",
    ]
    /// Files some layer added that the final image no longer has.
    static let deletedFiles = [
        "usr/lib/python3/dist-packages/b-2.0.dist-info/METADATA",
        "etc/motd",
        "usr/share/doc/x/README",
    ]

    static let shared: Result<ImageFixture, any Error> = Result { try ImageFixture() }

    private init() throws {
        dir = try TempDir()
        let script = #"""
        set -e
        umoci init --layout oci
        umoci new --image oci:t
        umoci unpack --image oci:t b > /dev/null
        r=b/rootfs
        mkdir -p $r/etc $r/usr/lib/python3/dist-packages/a-1.0.dist-info $r/usr/lib/python3/dist-packages/b-2.0.dist-info \
                 $r/usr/share/doc/x $r/opt/app $r/bin
        printf 'ID=debian\n' > $r/etc/os-release
        printf 'welcome\n' > $r/etc/motd
        printf 'Name: a\nVersion: 1.0\n' > $r/usr/lib/python3/dist-packages/a-1.0.dist-info/METADATA
        printf 'Name: b\nVersion: 2.0\n' > $r/usr/lib/python3/dist-packages/b-2.0.dist-info/METADATA
        printf 'readme\n' > $r/usr/share/doc/x/README
        printf 'data' > $r/opt/app/data.txt
        ln -s /usr/bin/busybox $r/bin/sh
        umoci repack --refresh-bundle --history.created_by 'layer one' --image oci:t b
        mkdir -p $r/srv/app $r/usr/lib/python3/dist-packages/c-3.0.dist-info
        printf 'ID=debian\nVERSION_ID=12\n' > $r/etc/os-release
        printf '{"name":"app","version":"1.2.3"}' > $r/srv/app/package.json
        printf 'Name: c\nVersion: 3.0\n' > $r/usr/lib/python3/dist-packages/c-3.0.dist-info/METADATA
        umoci repack --refresh-bundle --history.created_by 'layer two' --image oci:t b
        rm -rf $r/usr/lib/python3/dist-packages/b-2.0.dist-info $r/etc/motd $r/usr/share/doc
        umoci repack --refresh-bundle --history.created_by 'layer three' --image oci:t b
        umoci config --image oci:t --config.env FOO=bar --config.user 1000 --config.entrypoint /bin/sh \
            --config.exposedports 8080/tcp --config.label team=kensa --history.created_by 'config'
        skopeo --insecure-policy copy -q oci:oci:t oci-archive:image.oci.tar:t
        skopeo --insecure-policy copy -q oci:oci:t docker-archive:image.docker.tar:kensa/test:1
        """#
        try sh(script, in: dir.path)
    }
}
