import Foundation
import Testing
@testable import KensaAnalyzers
import KensaCore

@Suite struct ApkTests {
    let analyzer = ApkInstalledAnalyzer()

    @Test func installedDatabase() throws {
        let out = try analyzer.run(InstalledFixtures.input("apk/installed", at: "lib/apk/db/installed"))
        #expect(out.warnings.isEmpty)
        #expect(out.packages.map(\.name) == ["alpine-baselayout", "busybox", "libcrypto3", "libssl3", "musl"])
        let ssl = try #require(out.packages.first { $0.name == "libssl3" })
        #expect(ssl.version == "3.1.4-r5")
        #expect(ssl.sourceName == "openssl")
        #expect(ssl.sourceVersion == "3.1.4-r5")
        #expect(ssl.licenses == ["Apache-2.0"])
        #expect(ssl.architecture == "x86_64")
        #expect(ssl.purl.description == "pkg:apk/alpine/libssl3@3.1.4-r5?arch=x86_64")
        // so: provides resolve; the `!libressl` conflict is not a dependency.
        #expect(ssl.dependsOn == ["pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64",
                                  "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64"])
        // `/bin/sh` (a file dependency) and the absent data package stay unresolved.
        #expect(out.packages.first { $0.name == "alpine-baselayout" }?.dependsOn == [])
        #expect(out.ownedFiles == ["/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1", "/bin/busybox",
                                   "/etc/securetty", "/lib/libcrypto.so.3", "/lib/libssl.so.3", "/etc/motd"])
    }

    @Test func hostileInput() throws {
        #expect(kensaErrorKind { _ = try analyzer.run(AnalyzerInput(path: "lib/apk/db/installed", content: garbage(50_000))) } == .malformed)
        let text = try String(decoding: InstalledFixtures.data("apk/installed"), as: UTF8.self)
        // Cut inside the third entry, before its V: line.
        let cut = String(text[..<text.range(of: "P:libcrypto3\n")!.upperBound])
        let truncated = try analyzer.run("lib/apk/db/installed", cut)
        #expect(truncated.packages.map(\.name) == ["busybox", "musl"])
        #expect(truncated.warnings.count == 1)
        let huge = try analyzer.run("lib/apk/db/installed", "P:x\nV:1\nT:" + String(repeating: "y", count: 8 << 20) + "\n")
        #expect(huge.packages.map(\.name) == ["x"])
        let cyclic = try analyzer.run("lib/apk/db/installed", "P:a\nV:1\nD:b\n\nP:b\nV:1\nD:a a\n")
        #expect(cyclic.packages.map(\.dependsOn) == [["pkg:apk/alpine/b@1"], ["pkg:apk/alpine/a@1"]])
        #expect(kensaErrorKind {
            _ = try analyzer.run(AnalyzerInput(path: "lib/apk/db/installed", content: Data(count: InstalledLimits.database + 1)))
        } == .limitExceeded)
    }
}
