import Foundation
import Testing
@testable import KensaArtifact
import KensaCore

/// Hostile layers: each gives a clear KensaError or a logged skip, never a crash, a hang or a
/// write. The archives are built here, byte by byte; the big ones are streamed.
@Suite struct HostileArchiveTests {
    @Test func dotDotAndAbsoluteNames() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("../evil", "x")
        tar.file("a/../../evil2", "x")
        tar.file("/etc/passwd", "root:x:0:0")
        tar.file("./usr/./lib/../lib/ok", "ok")
        tar.file("/", "")
        tar.finish()
        let (walk, contents, _) = try walkFile(try dir.write("dotdot.tar", tar.bytes))
        #expect(walk.paths == ["etc/passwd", "usr/lib/ok"])
        #expect(contents.keys.sorted() == ["etc/passwd", "usr/lib/ok"])
        #expect(walk.warnings.map(\.path).sorted() == ["../evil", "a/../../evil2"])
        #expect(walk.warnings.allSatisfy { $0.reason.contains("climbs above the root") })
    }

    @Test func linksPointingOutsideAreRecordedNeverFollowed() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.symlink("etc/shadow-link", to: "../../../../etc/shadow")
        tar.symlink("etc/abs-link", to: "/etc/shadow")
        tar.hardlink("etc/hard", to: "../../etc/shadow")
        tar.finish()
        var visited: [String] = []
        let walk = try LayerFile.walk(path: try dir.write("links.tar", tar.bytes), wants: { _ in true }) { h, _ in
            visited.append(h.path)
        }
        #expect(walk.paths == ["etc/shadow-link", "etc/abs-link", "etc/hard"])
        #expect(visited.isEmpty)
        #expect(walk.symlinks == ["etc/shadow-link": "../../../../etc/shadow", "etc/abs-link": "/etc/shadow"])
        // An absolute target resolves inside the image's own root: normal, not a warning.
        #expect(walk.warnings.map(\.path).sorted() == ["etc/hard", "etc/shadow-link"])
        #expect(walk.warnings.allSatisfy { $0.reason.contains("outside the tree") })
    }

    @Test func linkLoopsDoNotHang() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.symlink("a", to: "b")
        tar.symlink("b", to: "a")
        tar.symlink("d/self", to: "../d/self")
        tar.symlink("d/up", to: "..")
        tar.hardlink("h", to: "h")
        tar.hardlink("h1", to: "h2")
        tar.hardlink("h2", to: "h1")
        tar.finish()
        let (walk, contents, _) = try walkFile(try dir.write("loop.tar", tar.bytes))
        #expect(walk.paths == ["a", "b", "d/self", "d/up", "h", "h1", "h2"])
        #expect(contents.isEmpty)
        // The hard links name no earlier regular file: reported, not resolved.
        #expect(walk.warnings.map(\.path).sorted() == ["h", "h1", "h2"])
    }

    /// 4 GiB of zeros inside one tar member, gzip'd: 64 identical gzip members of 64 MiB of
    /// zeros each (about 4 MB on disk), so the bomb is never materialised.
    @Test func gzipBombStops() throws {
        let dir = try TempDir()
        let zeros = dir.file("zeros.gz")
        try sh("head -c 64M /dev/zero | gzip -9 -n > '\(zeros)'")
        let member = try Data(contentsOf: URL(fileURLWithPath: zeros))
        let header = try gzip(TarBuilder.header(name: "zeros", size: 4 << 30), in: dir)
        let bomb = dir.file("bomb.tar.gz")
        #expect(FileManager.default.createFile(atPath: bomb, contents: Data(header)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bomb))
        try handle.seekToEnd()
        for _ in 0..<64 { try handle.write(contentsOf: member) }
        try handle.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: bomb)[.size] as? Int)
        #expect(size < 8 << 20)
        let error = try #require(throws: KensaError.self) {
            try LayerFile.walk(path: bomb, wants: { _ in false }, visit: { _, _ in })
        }
        #expect(error.kind == .limitExceeded)
        #expect(error.reason.contains("gzip bomb"))
    }

    /// The same bomb as zstd frames (zstd concatenates frames like gzip members).
    @Test func zstdBombStops() throws {
        let dir = try TempDir()
        let zeros = dir.file("zeros.zst")
        try sh("head -c 64M /dev/zero | zstd -q -19 -c > '\(zeros)'")
        let member = try Data(contentsOf: URL(fileURLWithPath: zeros))
        let headerFile = try dir.write("header", TarBuilder.header(name: "zeros", size: 4 << 30))
        try sh("zstd -q -c '\(headerFile)' > '\(headerFile).zst'")
        let bomb = dir.file("bomb.tar.zst")
        try sh("cp '\(headerFile).zst' '\(bomb)'")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bomb))
        try handle.seekToEnd()
        for _ in 0..<64 { try handle.write(contentsOf: member) }
        try handle.close()
        let error = try #require(throws: KensaError.self) {
            try LayerFile.walk(path: bomb, wants: { _ in false }, visit: { _, _ in })
        }
        #expect(error.kind == .limitExceeded)
        #expect(error.reason.contains("zstd bomb"))
    }

    @Test func truncatedZstd() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        for i in 0..<50 { tar.file("f\(i)", String(repeating: "content \(i) ", count: 500)) }
        tar.finish()
        let raw = try dir.write("t.tar", tar.bytes)
        try sh("zstd -q -c '\(raw)' > '\(raw).zst'")
        let zst = Array(try Data(contentsOf: URL(fileURLWithPath: raw + ".zst")))
        for cut in [zst.count / 2, zst.count - 2] {
            let path = try dir.write("t\(cut).tar.zst", Array(zst[..<cut]))
            let error = try #require(throws: KensaError.self) { try walkFile(path, wants: { _ in false }) }
            #expect(error.kind == .malformed, "cut at \(cut): \(error)")
        }
    }

    @Test func highRatioBelowTheFloorIsFine() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("zeros", bytes: [UInt8](repeating: 0, count: 4 << 20))
        tar.finish()
        let path = try dir.write("z.tar.gz", try gzip(tar.bytes, in: dir, level: 9))
        let (walk, _, _) = try walkFile(path, wants: { _ in false })
        #expect(walk.paths == ["zeros"])
        var strict = ReadLimits()
        strict.inflateFloor = 1 << 20
        let error = try #require(throws: KensaError.self) { try walkFile(path, limits: strict, wants: { _ in false }) }
        #expect(error.kind == .limitExceeded)
    }

    /// A pax extended header or GNU long name that claims a gigabyte: refused before it is
    /// read into memory (libarchive caps these "special" headers).
    @Test(arguments: [UInt8(ascii: "x"), UInt8(ascii: "L"), UInt8(ascii: "K")])
    func oversizedSpecialHeaders(type: UInt8) throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.appendHeader(Array("././@Special".utf8), rawType: type, size: 1 << 30, mode: 0, link: [])
        tar.bytes += [UInt8](repeating: 0x41, count: 4096)
        let error = try #require(throws: KensaError.self) { try walkFile(try dir.write("special.tar", tar.bytes)) }
        #expect(error.kind == .malformed)
    }

    @Test func truncatedGzip() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        for i in 0..<50 { tar.file("f\(i)", String(repeating: "content \(i) ", count: 500)) }
        tar.finish()
        let gz = try gzip(tar.bytes, in: dir)
        for cut in [gz.count / 2, gz.count - 4, 11] {
            let path = try dir.write("t\(cut).tar.gz", Array(gz[..<cut]))
            let error = try #require(throws: KensaError.self) { try walkFile(path, wants: { _ in false }) }
            #expect(error.kind == .malformed)
            #expect(error.reason.contains("truncated gzip"), "cut at \(cut): \(error.reason)")
        }
    }

    @Test func truncatedTar() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("a", String(repeating: "a", count: 3000))
        tar.file("b", String(repeating: "b", count: 3000))
        tar.finish()
        // Inside b's content (wanted and unwanted) and inside b's header.
        for (cut, wanted) in [(512 * 9, true), (512 * 9, false), (512 * 7 + 100, false)] {
            let path = try dir.write("t\(cut).tar", Array(tar.bytes[..<cut]))
            let error = try #require(throws: KensaError.self) { try walkFile(path, wants: { _ in wanted }) }
            #expect(error.kind == .malformed)
            #expect(error.reason.contains("truncated"), "\(error.reason)")
            let gzPath = try dir.write("t\(cut)-\(wanted).tar.gz", try gzip(Array(tar.bytes[..<cut]), in: dir))
            let gzError = try #require(throws: KensaError.self) { try walkFile(gzPath, wants: { _ in wanted }) }
            #expect(gzError.kind == .malformed)
        }
    }

    @Test func invalidUTF8NamesAreKeptLossily() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.entry([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74], type: .file, content: Array("x".utf8), mode: 0o644)
        tar.entry(Array("caf\u{e9}/ok.txt".utf8), type: .file, content: Array("y".utf8), mode: 0o644)
        tar.finish()
        let (walk, contents, _) = try walkFile(try dir.write("utf8.tar", tar.bytes))
        #expect(walk.paths == ["bad\u{fffd}\u{fffd}.txt", "caf\u{e9}/ok.txt"])
        #expect(text(contents["bad\u{fffd}\u{fffd}.txt"]) == "x")
        #expect(text(contents["caf\u{e9}/ok.txt"]) == "y")
        #expect(walk.warnings.count == 1)
        #expect(walk.warnings.first?.reason.contains("not valid UTF-8") == true)
    }

    @Test func paxAndGNULongNamesFromPython() throws {
        let dir = try TempDir()
        try sh(#"""
        python3 - <<'PY'
        import tarfile, io
        for fmt, name in [(tarfile.PAX_FORMAT, 'pax.tar'), (tarfile.GNU_FORMAT, 'gnu.tar')]:
            with tarfile.open(name, 'w', format=fmt, encoding='utf-8') as t:
                for n, data in [('caf\u00e9/na\u00efve.txt', b'hi'), ('x' * 120 + '/long.txt', b'long')]:
                    ti = tarfile.TarInfo(n); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
                ti = tarfile.TarInfo('lnk'); ti.type = tarfile.SYMTYPE; ti.linkname = 'y' * 150; t.addfile(ti)
        PY
        """#, in: dir.path)
        for name in ["pax.tar", "gnu.tar"] {
            var headers: [FileHeader] = []
            let walk = try LayerFile.walk(path: dir.file(name), wants: { _ in true }) { h, _ in headers.append(h) }
            #expect(walk.paths == ["caf\u{e9}/na\u{ef}ve.txt", String(repeating: "x", count: 120) + "/long.txt", "lnk"], "\(name)")
            #expect(walk.warnings.isEmpty, "\(name): \(walk.warnings)")
            #expect(headers.map(\.size) == [2, 4])
            #expect(walk.symlinks == ["lnk": String(repeating: "y", count: 150)], "\(name)")
        }
    }

    @Test func hundredThousandEntryDirectory() throws {
        let dir = try TempDir()
        let path = dir.file("wide.tar.gz")
        // Streamed through gzip: headers only (empty files), about 51 MB of tar.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -1 > '\(path)'"]
        let pipe = Pipe()
        p.standardInput = pipe
        try p.run()
        var tar = TarBuilder()
        tar.directory("wide/")
        for i in 0..<100_000 {
            tar.file("wide/f\(i)", "")
            if tar.bytes.count > 1 << 20 {
                try pipe.fileHandleForWriting.write(contentsOf: tar.bytes)
                tar = TarBuilder()
            }
        }
        tar.finish()
        try pipe.fileHandleForWriting.write(contentsOf: tar.bytes)
        try pipe.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let (walk, _, _) = try walkFile(path, wants: { $0.path == "wide/f99999" })
        #expect(walk.paths.count == 100_001)
        #expect(walk.paths.last == "wide/f99999")
        var limits = ReadLimits()
        limits.maxEntries = 50_000
        let error = try #require(throws: KensaError.self) { try walkFile(path, limits: limits, wants: { _ in false }) }
        #expect(error.kind == .limitExceeded)
    }
}
