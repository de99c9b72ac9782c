import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct DpkgTests {
    let analyzer = DpkgStatusAnalyzer()

    @Test func realStatusSnippet() throws {
        let out = try analyzer.run(InstalledFixtures.input("dpkg/status", at: "var/lib/dpkg/status"))
        #expect(out.warnings.isEmpty)
        // 26 stanzas: 24 installed, one config-files, one half-installed.
        #expect(out.packages.count == 24)
        #expect(!out.packages.contains { $0.name == "oldlib" || $0.name == "brokenpkg" })

        let bash = try #require(out.packages.first { $0.name == "bash" })
        #expect(bash.version == "5.2.15-2+b8")
        #expect(bash.architecture == "amd64")
        #expect(bash.sourceName == "bash")
        #expect(bash.sourceVersion == "5.2.15-2")
        #expect(bash.purl.description == "pkg:deb/debian/bash@5.2.15-2%2Bb8?arch=amd64")
        #expect(bash.foundBy == "dpkg")
        #expect(bash.location.path == "var/lib/dpkg/status")
        // libtinfo6 is not in the snippet: unresolved dependencies are left out.
        #expect(bash.dependsOn == [
            "pkg:deb/debian/base-files@12.4%2Bdeb12u11?arch=amd64",
            "pkg:deb/debian/debianutils@5.7-0.5~deb12u1?arch=amd64",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64",
        ])

        // `Source: glibc` without a version: the package's own version.
        let libc = try #require(out.packages.first { $0.name == "libc6" })
        #expect(libc.sourceName == "glibc")
        #expect(libc.sourceVersion == "2.36-9+deb12u14")
        // libc6 ⇄ libgcc-s1 depend on each other (a real cycle); both edges are kept.
        #expect(libc.dependsOn == ["pkg:deb/debian/libgcc-s1@12.2.0-14%2Bdeb12u1?arch=amd64"])
        let libgcc = try #require(out.packages.first { $0.name == "libgcc-s1" })
        #expect(libgcc.dependsOn.contains(libc.purl.description))

        // `Pre-Depends: awk` is the virtual package mawk provides.
        let baseFiles = try #require(out.packages.first { $0.name == "base-files" })
        #expect(baseFiles.dependsOn == ["pkg:deb/debian/mawk@1.3.4.20200120-3.1?arch=amd64"])
        // Epochs stay in the version.
        #expect(out.packages.first { $0.name == "libattr1" }?.version == "1:2.5.1-4")
        #expect(out.packages == out.packages.sorted())
    }

    @Test func alternativesArchQualifiersAndProvides() throws {
        let status = """
        Package: app
        Status: install ok installed
        Architecture: amd64
        Version: 1.0
        Depends: missing-one | perl:any (>= 5), default-mta | mail-transport-agent, libfoo:amd64 [amd64], app

        Package: perl
        Status: install ok installed
        Architecture: amd64
        Version: 5.36.0-7

        Package: exim4
        Status: install ok installed
        Architecture: amd64
        Version: 4.96-15
        Provides: mail-transport-agent

        Package: libfoo
        Status: install ok installed
        Architecture: i386
        Version: 2

        Package: libfoo
        Status: install ok installed
        Architecture: amd64
        Version: 2
        """
        let out = try analyzer.run("var/lib/dpkg/status", status)
        let app = try #require(out.packages.first { $0.name == "app" })
        #expect(app.dependsOn == [
            "pkg:deb/debian/exim4@4.96-15?arch=amd64",
            "pkg:deb/debian/libfoo@2?arch=amd64",
            "pkg:deb/debian/perl@5.36.0-7?arch=amd64",
        ])
        #expect(out.packages.filter { $0.name == "libfoo" }.map(\.architecture) == ["amd64", "i386"])
    }

    @Test func statesThatCountAsInstalled() throws {
        var text = ""
        for (i, status) in ["install ok installed", "hold ok installed", "deinstall ok installed",
                            "install ok triggers-pending", "install ok triggers-awaited", "install reinstreq installed",
                            "install ok unpacked", "install ok half-configured", "install reinstreq half-installed",
                            "deinstall ok config-files", "purge ok not-installed", "install ok"].enumerated() {
            text += "Package: p\(i)\nStatus: \(status)\nVersion: 1\nArchitecture: amd64\n\n"
        }
        let out = try analyzer.run("var/lib/dpkg/status", text)
        #expect(out.packages.map(\.name) == ["p0", "p1", "p2", "p3", "p4", "p5"])
    }

    @Test func distrolessStatusD() throws {
        #expect(analyzer.wants(path: "var/lib/dpkg/status.d/base-files", size: 100, mode: 0o644))
        #expect(!analyzer.wants(path: "var/lib/dpkg/status.d/base-files.md5sums", size: 100, mode: 0o644))
        #expect(!analyzer.wants(path: "var/lib/dpkg/status-old", size: 100, mode: 0o644))
        let out = try analyzer.run("var/lib/dpkg/status.d/libssl3", """
            Package: libssl3
            Version: 3.0.11-1~deb12u2
            Architecture: amd64
            Source: openssl
            Depends: libc6 (>= 2.34)
            """)
        #expect(out.packages.map(\.name) == ["libssl3"])
        #expect(out.packages.first?.sourceName == "openssl")
        #expect(out.packages.first?.dependsOn == [])
    }

    @Test func fileLists() throws {
        let lists = DpkgFileListAnalyzer()
        #expect(lists.wants(path: "var/lib/dpkg/info/bash.list", size: 1, mode: 0o644))
        #expect(!lists.wants(path: "var/lib/dpkg/info/bash.md5sums", size: 1, mode: 0o644))
        let out = try lists.run(InstalledFixtures.input("dpkg/bash.list", at: "var/lib/dpkg/info/bash.list"))
        #expect(out.ownedFiles.contains("/bin/bash"))
        #expect(out.ownedFiles.contains("/etc/skel/.bashrc"))
        #expect(!out.ownedFiles.contains("/."))
        #expect(out.ownedFiles.count == 166)
        // Distroless: md5sums beside the status.d stanzas.
        #expect(lists.wants(path: "var/lib/dpkg/status.d/libssl3.md5sums", size: 1, mode: 0o644))
        let md5 = try lists.run("var/lib/dpkg/status.d/libssl3.md5sums", """
            0e5f0f9c3d4a4b1f8b2d8a0c9e1f2a3b  usr/lib/x86_64-linux-gnu/libssl.so.3
            4d9c0b6a1e2f3a4b5c6d7e8f9a0b1c2d  usr/share/doc/libssl3/copyright
            garbage
            """)
        #expect(md5.ownedFiles == ["/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/share/doc/libssl3/copyright"])
    }

    @Test func hostileStatus() throws {
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "var/lib/dpkg/status", content: garbage(100_000))) } == .malformed)
        // Truncated mid-stanza: the complete stanzas survive, the cut one is reported.
        let full = try String(decoding: InstalledFixtures.data("dpkg/status"), as: UTF8.self)
        let cut = String(full.prefix(while: { _ in true }).prefix(full.count / 2))
        let truncated = try analyzer.run("var/lib/dpkg/status", cut)
        #expect(truncated.packages.count > 5 && truncated.packages.count < 24)
        // A stanza without Status, a huge single line, and a stanza without a version.
        let huge = String(repeating: "x", count: 4 << 20)
        let odd = try analyzer.run("var/lib/dpkg/status", """
            Package: nostatus
            Version: 1

            Package: big
            Status: install ok installed
            Version: 1
            Description: \(huge)

            Package: noversion
            Status: install ok installed
            """)
        #expect(odd.packages.map(\.name) == ["big"])
        #expect(odd.warnings.count == 2)
        // Over the size limit.
        let oversized = AnalyzerInput(path: "var/lib/dpkg/status", content: Data(count: InstalledLimits.database + 1))
        #expect(kensaErrorKind { _ = try analyzer.run(oversized) } == .limitExceeded)
        // Empty file: nothing installed, no error.
        #expect(try analyzer.run("var/lib/dpkg/status", "").packages.isEmpty)
    }

    @Test func selfAndCyclicDependenciesTerminate() throws {
        var text = ""
        for i in 0..<2000 {
            text += "Package: p\(i)\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
            text += "Provides: v\(i)\nDepends: v\((i + 1) % 2000), p\(i)\n\n"
        }
        let out = try analyzer.run("var/lib/dpkg/status", text)
        #expect(out.packages.count == 2000)
        #expect(out.packages.first { $0.name == "p1999" }?.dependsOn == ["pkg:deb/debian/p0@1?arch=all"])
    }

    /// Acceptance shape: on this machine, kensa's installed set equals what dpkg-query says
    /// is installed (`dpkg-query -W` also lists config-files packages, so it is filtered on
    /// the status the same way).
    @Test func matchesDpkgQueryOnThisMachine() throws {
        let statusPath = "/var/lib/dpkg/status"
        guard FileManager.default.isReadableFile(atPath: statusPath),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-query") else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg-query")
        process.arguments = ["-W", "-f", "${db:Status-Status} ${Package} ${Version} ${Architecture}\n"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = Set(String(decoding: output, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("installed ") }.map { String($0.dropFirst("installed ".count)) })
        let out = try analyzer.run(AnalyzerInput(path: "var/lib/dpkg/status",
                                                 content: Data(contentsOf: URL(fileURLWithPath: statusPath))))
        let actual = Set(out.packages.map { "\($0.name) \($0.version) \($0.architecture ?? "")" })
        #expect(!expected.isEmpty)
        #expect(actual == expected)
    }
}
