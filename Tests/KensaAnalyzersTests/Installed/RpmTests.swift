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

    @Test func ndbIsRefusedClearly() throws {
        do {
            _ = try analyzer.run(AnalyzerInput(path: "usr/lib/sysimage/rpm/Packages.db", content: Data("RpmP".utf8)))
            Issue.record("ndb accepted")
        } catch let error as KensaError {
            #expect(error.kind == .unsupported)
            #expect(error.description.hasPrefix("usr/lib/sysimage/rpm/Packages.db: ndb rpm databases are not supported;"))
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
