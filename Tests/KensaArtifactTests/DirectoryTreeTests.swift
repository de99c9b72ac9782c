import Foundation
import Testing
@testable import KensaArtifact
import KensaCore

@Suite struct DirectoryTreeTests {
    @Test func walksWithoutFollowingLinks() throws {
        let dir = try TempDir()
        let root = dir.file("root")
        try sh("""
        set -e
        mkdir -p root/etc root/usr/lib root/proc/1 root/loop root/.wh.keep
        printf 'ID=debian\\n' > root/etc/os-release
        printf 'secret' > root/proc/1/environ
        ln -s ../usr/lib/os-release root/etc/os-release-link
        ln -s b root/loop/a
        ln -s a root/loop/b
        ln -s .. root/loop/up
        ln -s ../../../../../../etc/shadow root/loop/escape
        ln -s /etc/passwd root/etc/passwd-abs
        mkfifo root/usr/lib/fifo
        printf 'whiteout-looking name' > root/.wh.keep/file
        """, in: dir.path)
        var visited: [String: String] = [:]
        let walk = try DirectoryTree.walk(root: root, skipDirs: ["proc"], wants: { $0.kind == .regular }) { h, data in
            visited[h.path] = String(decoding: data, as: UTF8.self)
        }
        #expect(walk.paths == [".wh.keep", ".wh.keep/file", "etc", "etc/os-release", "etc/os-release-link", "etc/passwd-abs",
                               "loop", "loop/a", "loop/b", "loop/escape", "loop/up", "usr", "usr/lib", "usr/lib/fifo"])
        #expect(visited == ["etc/os-release": "ID=debian\n", ".wh.keep/file": "whiteout-looking name"])
        #expect(walk.symlinks["loop/up"] == "..")
        #expect(walk.symlinks["etc/os-release-link"] == "../usr/lib/os-release")
        #expect(walk.whiteouts.isEmpty)
        #expect(Set(walk.directories) == [".wh.keep", "etc", "loop", "usr", "usr/lib"])
        #expect(walk.warnings.map(\.path) == ["loop/escape"])
        #expect(walk.bytesRead == 10 + 21)
    }

    @Test func passesModeAndSizeAndHonoursTheSizeLimit() throws {
        let dir = try TempDir()
        try sh("mkdir r && printf 12345 > r/small && head -c 9000 /dev/zero > r/big && chmod 4750 r/small", in: dir.path)
        var limits = ReadLimits()
        limits.maxWantedFileSize = 8192
        var headers: [FileHeader] = []
        let walk = try DirectoryTree.walk(root: dir.file("r"), skipDirs: [], limits: limits, wants: { _ in true }) { h, _ in
            headers.append(h)
        }
        #expect(headers == [FileHeader(path: "small", size: 5, mode: 0o4750, kind: .regular)])
        #expect(walk.warnings.map(\.path) == ["big"])
    }

    /// Root can read any file, so the unreadable one is a kernel file: /proc/self/mem is a
    /// regular file whose first page is never mapped, so reading it fails with EIO.
    @Test func unreadableFileBecomesAWarning() throws {
        let skip = ["task", "fd", "fdinfo", "ns", "net", "attr", "map_files"]
        var visited: [String] = []
        let walk = try DirectoryTree.walk(root: "/proc/self", skipDirs: skip, wants: { $0.path == "mem" }) { h, _ in
            visited.append(h.path)
        }
        #expect(visited.isEmpty)
        let warning = try #require(walk.warnings.first { $0.path == "mem" })
        #expect(warning.reason.contains("unreadable"))
        #expect(walk.paths.contains("mem"))
    }

    @Test func missingRootIsAnError() throws {
        let error = try #require(throws: KensaError.self) {
            try DirectoryTree.walk(root: "/nonexistent/kensa", skipDirs: [], wants: { _ in true }, visit: { _, _ in })
        }
        #expect(error.kind == .unreadable)
    }

    @Test func deepTreesStopAtTheDepthLimit() throws {
        let dir = try TempDir()
        try sh("mkdir -p r/" + Array(repeating: "d", count: 40).joined(separator: "/"), in: dir.path)
        var limits = ReadLimits()
        limits.maxDepth = 10
        let walk = try DirectoryTree.walk(root: dir.file("r"), skipDirs: [], limits: limits, wants: { _ in true }, visit: { _, _ in })
        #expect(walk.paths.count == 10)
        #expect(walk.warnings.count == 1)
    }
}
