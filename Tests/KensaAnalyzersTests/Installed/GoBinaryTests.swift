import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct GoBinaryTests {
    let analyzer = GoBinaryAnalyzer()

    private func expectOrders(_ out: AnalyzerOutput, path: String) {
        #expect(out.packages.map(\.purl.description) == [
            "pkg:golang/example.com/greet@v1.2.3",
            "pkg:golang/example.com/new@v0.2.0",
            "pkg:golang/stdlib@v1.19.8",
        ])
        #expect(out.packages.map(\.name) == ["example.com/greet", "example.com/new", "stdlib"])
        #expect(out.packages.allSatisfy { $0.ecosystem == .golang && $0.location.path == path && $0.foundBy == "gobinary" })
    }

    @Test func goBuildBinaries() throws {
        for arch in ["amd64", "386"] {
            let path = "usr/local/bin/orders-\(arch)"
            let out = try analyzer.run(InstalledFixtures.input("go/orders-\(arch)", at: path, mode: 0o100755))
            // The main module is a work-tree build: reported with Go's `(devel)`.
            #expect(out.packages.contains { $0.name == "example.com/kensa/orders" && $0.version == "(devel)" })
            var rest = out
            rest.packages.removeAll { $0.name == "example.com/kensa/orders" }
            expectOrders(rest, path: path)
        }
    }

    @Test func sectionTableStripped() throws {
        // Zero e_shnum: the build info must be found in the writable segment instead.
        var data = try InstalledFixtures.data("go/orders-amd64")
        data[0x3c] = 0
        data[0x3d] = 0
        var out = try analyzer.run(AnalyzerInput(path: "bin/orders", content: data, mode: 0o755))
        out.packages.removeAll { $0.name == "example.com/kensa/orders" }
        expectOrders(out, path: "bin/orders")
    }

    @Test func wantsExecutablesOnly() {
        #expect(analyzer.wants(path: "usr/bin/app", size: 1 << 20, mode: 0o100755))
        #expect(!analyzer.wants(path: "usr/bin/app", size: 1 << 20, mode: 0o100644))
        #expect(!analyzer.wants(path: "usr/bin/app", size: 10, mode: 0o755))
    }

    @Test func nonGoExecutablesGiveNothing() throws {
        #expect(try analyzer.run("usr/bin/script", "#!/bin/sh\necho hello there, this is a shell script, long enough to be wanted\n", mode: 0o755) == .empty)
        if let ls = FileManager.default.contents(atPath: "/bin/ls") {
            #expect(try analyzer.run(AnalyzerInput(path: "bin/ls", content: ls, mode: 0o755)) == .empty)
        }
    }

    @Test func modinfoText() {
        let info = GoBuildInfo.parse(goVersion: "go1.22.1 X:boringcrypto", modinfo: """
            path\tgithub.com/acme/tool/cmd/tool
            mod\tgithub.com/acme/tool\tv1.4.0\th1:abc=
            dep\tgolang.org/x/sys\tv0.18.0\th1:def=
            dep\tgithub.com/acme/lib\tv1.0.0\t
            =>\t../lib\t\t
            build\t-compiler=gc
            """)
        #expect(info.mainModule?.version == "v1.4.0")
        #expect(info.dependencies.count == 2)
        #expect(info.dependencies[1].replacement?.path == "../lib")
        #expect(GoBinaryAnalyzer.stdlibVersion(info.goVersion) == "v1.22.1")
        #expect(GoBinaryAnalyzer.stdlibVersion("devel go1.23-abc") == nil)
    }

    /// Go < 1.18 stored two pointers to Go string headers instead of inline strings.
    @Test func pointerFormat() throws {
        let modinfo = "path\texample.com/legacy\nmod\texample.com/legacy\tv0.9.0\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n"
        let elf = SyntheticELF.pointerFormat(goVersion: "go1.16.15", modinfo: modinfo)
        let out = try analyzer.run(AnalyzerInput(path: "app", content: elf, mode: 0o755))
        #expect(out.packages.map(\.purl.description) == [
            "pkg:golang/example.com/legacy@v0.9.0",
            "pkg:golang/github.com/pkg/errors@v0.9.1",
            "pkg:golang/stdlib@v1.16.15",
        ])
    }

    @Test func hostileBinaries() throws {
        // Garbage after a valid ELF magic: no build info, no crash.
        var junk = Data([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
        junk.append(garbage(100_000))
        #expect(try analyzer.run(AnalyzerInput(path: "x", content: junk, mode: 0o755)) == .empty)
        // Every truncation point of the real binary's first pages and of its build info.
        let real = try InstalledFixtures.data("go/orders-amd64")
        for cut in stride(from: 0, to: 8192, by: 61) {
            _ = try? analyzer.run(AnalyzerInput(path: "x", content: real.prefix(cut), mode: 0o755))
        }
        // A pointer-format blob whose pointers point far outside the file.
        let wild = SyntheticELF.pointerFormat(goVersion: "go1.16", modinfo: "", corruptPointers: true)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "x", content: wild, mode: 0o755)) } == .malformed)
        // A segment claiming to start at the largest offset and to span the address space.
        var huge64 = [UInt8](SyntheticELF.pointerFormat(goVersion: "go1.16", modinfo: ""))
        SyntheticELF.put(&huge64, 72, UInt64(Int64.max), 8)
        SyntheticELF.put(&huge64, 96, UInt64(Int64.max), 8)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "x", content: Data(huge64), mode: 0o755)) } == nil)
        huge64.withUnsafeBytes { bytes in
            let elf = ELFFile(bytes)
            #expect(elf?.read(address: SyntheticELF.base + 0x140, size: 16) == nil)
        }
        // Inline format claiming a 2^62-byte string.
        let huge = SyntheticELF.inlineFormat(payload: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f])
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "x", content: huge, mode: 0o755)) } == .malformed)
        // A varint that never ends.
        let endless = SyntheticELF.inlineFormat(payload: [UInt8](repeating: 0x80, count: 64))
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "x", content: endless, mode: 0o755)) } == .malformed)
    }
}

/// Minimal little-endian ELF64 files with one writable PT_LOAD segment covering the whole
/// file at 0x400000 and no section table, holding a Go build info blob at offset 0x100.
enum SyntheticELF {
    static let base: UInt64 = 0x400000
    static let sentinelStart = [UInt8](repeating: 0x30, count: 16)
    static let sentinelEnd = [UInt8](repeating: 0x31, count: 16)

    static func skeleton(size: Int) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        b.replaceSubrange(0..<8, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
        put(&b, 0x10, 2, 2)          // e_type EXEC
        put(&b, 0x12, 0x3e, 2)       // e_machine x86-64
        put(&b, 0x20, 64, 8)         // e_phoff
        put(&b, 0x36, 56, 2)         // e_phentsize
        put(&b, 0x38, 1, 2)          // e_phnum
        put(&b, 64, 1, 4)            // p_type PT_LOAD
        put(&b, 68, 6, 4)            // p_flags RW
        put(&b, 72, 0, 8)            // p_offset
        put(&b, 80, base, 8)         // p_vaddr
        put(&b, 96, UInt64(size), 8) // p_filesz
        put(&b, 104, UInt64(size), 8)
        let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
        b.replaceSubrange(0x100..<0x100 + magic.count, with: magic)
        b[0x100 + 14] = 8
        return b
    }

    static func pointerFormat(goVersion: String, modinfo: String, corruptPointers: Bool = false) -> Data {
        var b = skeleton(size: 0x1000)
        b[0x100 + 15] = 0
        put(&b, 0x110, corruptPointers ? 0xdead_beef_0000 : base + 0x140, 8)
        put(&b, 0x118, base + 0x150, 8)
        let version = Array(goVersion.utf8)
        let mod = modinfo.isEmpty ? [] : sentinelStart + Array(modinfo.utf8) + sentinelEnd
        put(&b, 0x140, base + 0x200, 8); put(&b, 0x148, UInt64(version.count), 8)
        put(&b, 0x150, base + 0x300, 8); put(&b, 0x158, UInt64(mod.count), 8)
        b.replaceSubrange(0x200..<0x200 + version.count, with: version)
        b.replaceSubrange(0x300..<0x300 + mod.count, with: mod)
        return Data(b)
    }

    static func inlineFormat(payload: [UInt8]) -> Data {
        var b = skeleton(size: 0x1000)
        b[0x100 + 15] = 2
        b.replaceSubrange(0x120..<0x120 + payload.count, with: payload)
        return Data(b)
    }

    static func put(_ b: inout [UInt8], _ at: Int, _ value: UInt64, _ size: Int) {
        for i in 0..<size { b[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
}
