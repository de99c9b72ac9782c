import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct RpmTests {
    let analyzer = RpmDatabaseAnalyzer()

    @Test func sqliteDatabaseBuiltByRpm() throws {
        let out = try analyzer.run(InstalledFixtures.input("rpm/rpmdb.sqlite", at: "var/lib/rpm/rpmdb.sqlite"))
        #expect(out.warnings.isEmpty)
        #expect(out.packages.map(\.name) == ["kensa-hello", "kensa-lib"])
        let hello = out.packages[0]
        #expect(hello.version == "2:1.2.3-4.el9")
        #expect(hello.architecture == "x86_64")
        #expect(hello.sourceName == "kensa-hello")
        #expect(hello.sourceVersion == "2:1.2.3-4.el9")
        #expect(hello.licenses == ["MIT AND Apache-2.0"])
        #expect(hello.purl.description == "pkg:rpm/redhat/kensa-hello@1.2.3-4.el9?arch=x86_64&epoch=2")
        let lib = out.packages[1]
        #expect(lib.version == "0.9-1")
        #expect(lib.purl.description == "pkg:rpm/redhat/kensa-lib@0.9-1?arch=noarch")
        // `Requires: hello-virtual` resolves through kensa-hello's Provides.
        #expect(lib.dependsOn == [hello.purl.description])
        #expect(Set(out.ownedFiles) == ["/usr/bin/kensa-hello", "/usr/share/doc/kensa-hello/README",
                                        "/usr/lib/kensa/lib.txt"])
        #expect(analyzer.wants(path: "usr/lib/sysimage/rpm/rpmdb.sqlite", size: 1, mode: 0o644))
    }

    @Test func sourceRPMNames() {
        #expect(RpmPackage.parseSourceRPM("bash-5.1.8-6.el9.src.rpm")! == ("bash", "5.1.8-6.el9"))
        #expect(RpmPackage.parseSourceRPM("python3-pip-21.2.3-7.el9.src.rpm")! == ("python3-pip", "21.2.3-7.el9"))
        #expect(RpmPackage.parseSourceRPM("nodash.src.rpm") == nil)
    }

    @Test func berkeleyDatabasesGiveTheSamePackages() throws {
        let sqlite = try analyzer.run(InstalledFixtures.input("rpm/rpmdb.sqlite", at: "var/lib/rpm/rpmdb.sqlite"))
        for fixture in ["rpm/Packages", "rpm/Packages-512"] {
            let out = try analyzer.run(InstalledFixtures.input(fixture, at: "var/lib/rpm/Packages"))
            #expect(out.warnings.isEmpty)
            var expected = sqlite.packages
            for i in expected.indices { expected[i].location.path = "var/lib/rpm/Packages" }
            #expect(out.packages == expected, "\(fixture)")
            #expect(Set(out.ownedFiles) == Set(sqlite.ownedFiles))
        }
    }

    /// Debian's rpm has no ndb backend to make a fixture with, so the test writes the
    /// format (rpm's rpmpkg.c layout) around the headers of the SQLite fixture.
    @Test func ndbDatabaseGivesTheSamePackages() throws {
        let path = "usr/lib/sysimage/rpm/Packages.db"
        let sqlite = try analyzer.run(InstalledFixtures.input("rpm/rpmdb.sqlite", at: "var/lib/rpm/rpmdb.sqlite"))
        let blobs = try RpmDatabaseAnalyzer.headerBlobs(InstalledFixtures.input("rpm/rpmdb.sqlite", at: "x/rpmdb.sqlite"))
        let out = try analyzer.run(AnalyzerInput(path: path, content: NdbWriter.database(blobs)))
        var expected = sqlite.packages
        for i in expected.indices { expected[i].location.path = path }
        #expect(out.packages == expected)
        #expect(out.warnings.isEmpty)
    }

    @Test func hostileNdb() throws {
        let path = "usr/lib/sysimage/rpm/Packages.db"
        let blobs = try RpmDatabaseAnalyzer.headerBlobs(InstalledFixtures.input("rpm/rpmdb.sqlite", at: "x/rpmdb.sqlite"))
        let good = NdbWriter.database(blobs)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: Data("RpmP".utf8) + Data(count: 4) + garbage(9000))) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: Data("RpmP\u{7}\0\0\0".utf8) + Data(count: 9000))) } == .unsupported)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: good.prefix(good.count - 100))) } == .malformed)
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(9000))) } == .malformed)
        for offset in stride(from: 0, to: good.count, by: 5) {
            var damaged = good
            damaged[offset] ^= 0xa5
            _ = try? analyzer.run(AnalyzerInput(path: path, content: damaged))
        }
    }

    @Test func hostileBerkeleyDatabases() throws {
        let path = "var/lib/rpm/Packages"
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(8192))) } == .malformed)
        let real = try InstalledFixtures.data("rpm/Packages-512")
        // Truncated: the overflow chains leave the file.
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: real.prefix(real.count - 1024))) } == .malformed)
        // Every single-byte corruption of the pages after the meta page: an error or a
        // result, never a trap or a hang.
        for offset in stride(from: 512, to: real.count, by: 3) {
            var damaged = real
            damaged[offset] ^= 0xff
            _ = try? analyzer.run(AnalyzerInput(path: path, content: damaged))
        }
        // An overflow chain that loops back on itself.
        var looped = [UInt8](real)
        for page in 1..<(looped.count / 512) where looped[page * 512 + 25] == 7 {
            let own = UInt32(page).littleEndian
            withUnsafeBytes(of: own) { looped.replaceSubrange((page * 512 + 16)..<(page * 512 + 20), with: $0) }
            looped[page * 512 + 22] = 0
            looped[page * 512 + 23] = 0
        }
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: Data(looped))) } == .malformed)
    }

    @Test func hostileDatabases() throws {
        let path = "var/lib/rpm/rpmdb.sqlite"
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: garbage(10_000))) } == .malformed)
        let real = try InstalledFixtures.data("rpm/rpmdb.sqlite")
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: real.prefix(4096))) } == .malformed)
        // A valid SQLite file whose header pages are garbage.
        var scrambled = real
        for i in stride(from: 4096, to: scrambled.count, by: 7) { scrambled[i] ^= 0x5a }
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: path, content: scrambled)) } == .malformed)
    }

    @Test func hostileHeaders() throws {
        #expect(kensaErrorKind { _ = try RpmHeader([0, 0, 0], input: "h") } == .malformed)
        // 0x7fffffff entries claimed.
        #expect(kensaErrorKind { _ = try RpmHeader([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0], input: "h") } == .malformed)
        // One entry pointing a string past the data, one claiming 2^31 ints.
        var blob: [UInt8] = [0, 0, 0, 2, 0, 0, 0, 4]
        blob += be(1000) + be(6) + be(2) + be(1)
        blob += be(1116) + be(4) + be(0) + be(0x7fff_ffff)
        blob += [0x41, 0x42, 0x43, 0x44]
        let header = try RpmHeader(blob, input: "h")
        #expect(header.string(.name) == nil)
        #expect(header.int32s(.dirIndexes).count == 1)
        #expect(RpmPackage(header) == nil)
    }

    private func be(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}

/// Writes rpm's ndb `Packages.db` layout: header, one slot page, 16-byte-aligned blobs.
enum NdbWriter {
    static func database(_ blobs: [(Int64, [UInt8])]) -> Data {
        var out = [UInt8](repeating: 0, count: 4096)
        put(&out, 0, 0x506d_7052); put(&out, 4, 0); put(&out, 8, 1); put(&out, 12, 1); put(&out, 16, UInt32(blobs.count + 1))
        for slot in stride(from: 32, to: 4096, by: 16) { put(&out, slot, 0x746f_6c53) }
        for (i, (hnum, blob)) in blobs.enumerated() {
            let start = out.count
            let total = (16 + blob.count + 12 + 15) / 16 * 16
            out += [UInt8](repeating: 0, count: total)
            put(&out, start, 0x5362_6c42); put(&out, start + 4, UInt32(hnum)); put(&out, start + 8, 0); put(&out, start + 12, UInt32(blob.count))
            out.replaceSubrange((start + 16)..<(start + 16 + blob.count), with: blob)
            put(&out, start + total - 8, UInt32(blob.count)); put(&out, start + total - 4, 0x4562_6c42)
            let slot = 32 + i * 16
            put(&out, slot + 4, UInt32(hnum)); put(&out, slot + 8, UInt32(start / 16)); put(&out, slot + 12, UInt32(total / 16))
        }
        return Data(out)
    }

    static func put(_ b: inout [UInt8], _ at: Int, _ value: UInt32) {
        for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }
}
