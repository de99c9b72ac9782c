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

    @Test func berkeleyAndNdbAreRefusedClearly() throws {
        let bdb = AnalyzerInput(path: "var/lib/rpm/Packages", content: Data([0, 0, 0, 0, 1, 0x15, 0x61, 0]))
        do {
            _ = try analyzer.run(bdb)
            Issue.record("Berkeley DB accepted")
        } catch let error as KensaError {
            #expect(error.kind == .unsupported)
            #expect(error.description.hasPrefix("var/lib/rpm/Packages: Berkeley DB rpm databases are not supported;"))
        }
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "usr/lib/sysimage/rpm/Packages.db", content: Data())) } == .unsupported)
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
