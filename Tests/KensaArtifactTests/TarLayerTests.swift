import Foundation
import Testing
@testable import KensaArtifact
import KensaCore

@Suite struct TarLayerTests {
    @Test func readsWantedFilesAndSkipsOthers() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.directory("etc/")
        tar.file("etc/os-release", "ID=debian\n")
        tar.file("usr/bin/big", String(repeating: "x", count: 10_000))
        tar.symlink("usr/lib/os-release", to: "../../etc/os-release")
        tar.hardlink("etc/os-release.bak", to: "etc/os-release")
        tar.file(String(repeating: "d/", count: 80) + "deep.txt", "deep")
        tar.finish()
        for (name, bytes) in [("plain.tar", tar.bytes), ("layer.tar.gz", try gzip(tar.bytes, in: dir))] {
            let path = try dir.write(name, bytes)
            let (walk, contents, headers) = try walkFile(path) { $0.path.hasPrefix("etc/") || $0.path.hasSuffix("deep.txt") }
            #expect(walk.paths == ["etc", "etc/os-release", "usr/bin/big", "usr/lib/os-release", "etc/os-release.bak",
                                   String(repeating: "d/", count: 80) + "deep.txt"])
            #expect(walk.directories == ["etc"])
            #expect(text(contents["etc/os-release"]) == "ID=debian\n")
            #expect(text(contents["etc/os-release.bak"]) == "ID=debian\n")
            #expect(text(contents[String(repeating: "d/", count: 80) + "deep.txt"]) == "deep")
            #expect(contents["usr/bin/big"] == nil)
            let link = try #require(headers.first { $0.path == "etc/os-release.bak" })
            #expect(link.kind == .hardlink)
            #expect(link.linkTarget == "etc/os-release")
            #expect(link.size == 10)
            #expect(walk.warnings.isEmpty)
            #expect(walk.bytesRead >= Int64(tar.bytes.count) - 1024)
        }
    }

    @Test func recordsWhiteoutsAndOpaqueDirectories() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("etc/.wh.motd", "")
        tar.file("usr/share/.wh..wh..opq", "")
        tar.file("usr/share/new", "n")
        tar.file(".wh.top", "")
        tar.file("x/.wh..wh.plnk", "")
        tar.finish()
        let (walk, contents, _) = try walkFile(try dir.write("w.tar", tar.bytes))
        #expect(walk.whiteouts == ["etc/motd", "top"])
        #expect(walk.opaqueDirs == ["usr/share"])
        #expect(walk.paths == ["usr/share/new"])
        #expect(Array(contents.keys) == ["usr/share/new"])
    }

    @Test func headerFieldsAreReported() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("bin/tool", "#!/bin/sh\n", mode: 0o4755)
        tar.entry(Array("run/fifo".utf8), type: .fifo, content: [], mode: 0o600)
        tar.finish()
        var seen: [FileHeader] = []
        let walk = try LayerFile.walk(path: try dir.write("h.tar", tar.bytes), wants: { _ in true }) { h, _ in seen.append(h) }
        #expect(seen == [FileHeader(path: "bin/tool", size: 10, mode: 0o4755, kind: .regular)])
        #expect(walk.paths == ["bin/tool", "run/fifo"])
    }

    @Test func gzipMultiMemberStreamsAreOneLayer() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("a", "first")
        tar.file("b", "second")
        tar.finish()
        let half = tar.bytes.count / 2
        let joined = try gzip(Array(tar.bytes[..<half]), in: dir) + gzip(Array(tar.bytes[half...]), in: dir)
        let (walk, contents, _) = try walkFile(try dir.write("m.tar.gz", joined))
        #expect(walk.paths == ["a", "b"])
        #expect(text(contents["b"]) == "second")
    }

    /// Every optional gzip header field (FEXTRA, FNAME, FCOMMENT, FHCRC), written by hand.
    @Test func gzipHeadersWithAllOptionalFields() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("etc/hostname", "kensa\n")
        tar.finish()
        let raw = try dir.write("h.tar", tar.bytes)
        try sh(#"""
        python3 - h.tar h.tar.gz <<'PY'
        import sys, zlib, struct
        data = open(sys.argv[1], 'rb').read()
        head = bytes([0x1f, 0x8b, 8, 0x1e]) + struct.pack('<I', 0) + bytes([0, 3])
        head += struct.pack('<H', 6) + b'AB\x02\x00hi' + b'layer.tar\0' + b'a comment\0'
        head += struct.pack('<H', zlib.crc32(head) & 0xffff)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = c.compress(data) + c.flush()
        open(sys.argv[2], 'wb').write(head + body + struct.pack('<II', zlib.crc32(data), len(data)))
        PY
        """#, in: dir.path)
        _ = raw
        let (walk, contents, _) = try walkFile(dir.file("h.tar.gz"))
        #expect(walk.paths == ["etc/hostname"])
        #expect(text(contents["etc/hostname"]) == "kensa\n")
    }

    @Test func zstdLayersAreRead() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("etc/os-release", "ID=alpine\n")
        tar.finish()
        let raw = try dir.write("z.tar", tar.bytes)
        try sh("zstd -q -c '\(raw)' > '\(raw).zst'")
        let (walk, contents, _) = try walkFile(raw + ".zst")
        #expect(walk.paths == ["etc/os-release"])
        #expect(text(contents["etc/os-release"]) == "ID=alpine\n")
    }

    @Test func corruptGzipChecksumIsAnError() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("a", "content")
        // Enough incompressible-ish data that the trailer is read after libarchive has stopped.
        tar.file("b", bytes: (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        tar.finish()
        var gz = try gzip(tar.bytes, in: dir)
        gz[gz.count - 6] ^= 0xff  // inside the CRC-32 trailer
        let path = try dir.write("bad.tar.gz", gz)
        let error = try #require(throws: KensaError.self) { try walkFile(path) }
        #expect(error.kind == .malformed)
        #expect(error.reason.contains("CRC"))
    }

    @Test func oversizedWantedFileIsSkippedWithWarning() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("big", String(repeating: "x", count: 5000))
        tar.file("small", "ok")
        tar.finish()
        var limits = ReadLimits()
        limits.maxWantedFileSize = 4096
        let (walk, contents, _) = try walkFile(try dir.write("o.tar", tar.bytes), limits: limits)
        #expect(contents.keys.sorted() == ["small"])
        #expect(walk.warnings.map(\.path) == ["big"])
    }

    @Test func otherCompressionsAreRefused() throws {
        let dir = try TempDir()
        let path = try dir.write("x.tar.xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0])
        let error = try #require(throws: KensaError.self) { try walkFile(path) }
        #expect(error.kind == .unsupported)
    }

    @Test func notATarIsMalformed() throws {
        let dir = try TempDir()
        let path = try dir.write("junk", Array(String(repeating: "not a tar at all ", count: 100).utf8))
        let error = try #require(throws: KensaError.self) { try walkFile(path) }
        #expect(error.kind == .malformed)
    }
}
