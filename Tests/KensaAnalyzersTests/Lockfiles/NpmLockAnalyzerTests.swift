import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct NpmLockAnalyzerTests {
    let analyzer = NpmLockAnalyzer()

    @Test func wantsLockFilesOutsideNodeModules() {
        #expect(analyzer.wants(path: "app/package-lock.json", size: 100, mode: 0o644))
        #expect(analyzer.wants(path: "npm-shrinkwrap.json", size: 100, mode: 0o644))
        #expect(!analyzer.wants(path: "app/node_modules/x/package-lock.json", size: 100, mode: 0o644))
        #expect(!analyzer.wants(path: "app/package.json", size: 100, mode: 0o644))
        #expect(!analyzer.wants(path: "package-lock.json", size: Int64(Lockfile.maxBytes) + 1, mode: 0o644))
    }

    @Test func version3PackagesMap() throws {
        let output = try analyzer.analyze(Fixtures.input("npm/package-lock-v3.json", as: "srv/package-lock.json"))
        #expect(golden(output) == [
            "@types/node 20.10.5 pkg:npm/%40types/node@20.10.5 dev -> pkg:npm/undici-types@5.26.5",
            "accepts 1.3.8 pkg:npm/accepts@1.3.8 -> pkg:npm/mime-types@2.1.35, pkg:npm/negotiator@0.6.3",
            "ansi-regex 5.0.1 pkg:npm/ansi-regex@5.0.1",
            "big.js 6.2.1 pkg:npm/big.js@6.2.1",
            "express 4.18.2 pkg:npm/express@4.18.2 -> pkg:npm/accepts@1.3.8, pkg:npm/mime-types@2.1.34",
            "fsevents 2.3.3 pkg:npm/fsevents@2.3.3 dev",
            "jest-mock 29.7.0 pkg:npm/jest-mock@29.7.0 dev -> pkg:npm/%40types/node@20.10.5, pkg:npm/fsevents@2.3.3",
            "mime-db 1.51.0 pkg:npm/mime-db@1.51.0",
            "mime-db 1.52.0 pkg:npm/mime-db@1.52.0",
            "mime-types 2.1.34 pkg:npm/mime-types@2.1.34 -> pkg:npm/mime-db@1.51.0",
            "mime-types 2.1.35 pkg:npm/mime-types@2.1.35 -> pkg:npm/mime-db@1.52.0",
            "negotiator 0.6.3 pkg:npm/negotiator@0.6.3",
            "string-width 4.2.3 pkg:npm/string-width@4.2.3 -> pkg:npm/strip-ansi@6.0.1",
            "strip-ansi 6.0.1 pkg:npm/strip-ansi@6.0.1 -> pkg:npm/ansi-regex@5.0.1",
            "undici-types 5.26.5 pkg:npm/undici-types@5.26.5 dev",
        ])
        #expect(output.warnings.isEmpty)
        expectProvenance(output, path: "srv/package-lock.json", foundBy: "npm-lock", ecosystem: .npm)
    }

    @Test func version1Tree() throws {
        let output = try analyzer.analyze(Fixtures.input("npm/package-lock-v1.json", as: "package-lock.json"))
        #expect(golden(output) == [
            "@babel/code-frame 7.12.13 pkg:npm/%40babel/code-frame@7.12.13 dev -> pkg:npm/%40babel/highlight@7.13.10",
            "@babel/highlight 7.13.10 pkg:npm/%40babel/highlight@7.13.10 dev -> pkg:npm/chalk@2.4.2, pkg:npm/js-tokens@4.0.0",
            "chalk 2.4.2 pkg:npm/chalk@2.4.2 dev",
            "chalk 4.1.2 pkg:npm/chalk@4.1.2",
            "js-tokens 4.0.0 pkg:npm/js-tokens@4.0.0",
            "lodash 4.17.21 pkg:npm/lodash@4.17.21",
            "wrap-ansi 7.0.0 pkg:npm/wrap-ansi@7.0.0 -> pkg:npm/chalk@4.1.2",
        ])
    }

    /// Generated here by npm 10.8.2 (`npm install --package-lock-only --lockfile-version 2`)
    /// from two local tarballs: v2 holds both the `packages` map and the v1 tree.
    @Test func generatedVersion2PrefersPackagesMapAndReadsLicenses() throws {
        let output = try analyzer.analyze(Fixtures.input("npm/package-lock-npm10-v2.json", as: "package-lock.json"))
        #expect(golden(output) == [
            "@acme/dep-a 1.2.0 pkg:npm/%40acme/dep-a@1.2.0",
            "dep-b 2.0.1 pkg:npm/dep-b@2.0.1 -> pkg:npm/%40acme/dep-a@1.2.0",
        ])
        #expect(output.packages.map(\.licenses) == [["MIT"], ["ISC"]])
    }

    @Test func emptyLockHasNoPackages() throws {
        let data = Data(#"{"name":"x","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"x"}}}"#.utf8)
        #expect(try analyzer.analyze(AnalyzerInput(path: "package-lock.json", content: data)).packages.isEmpty)
    }

    @Test func entryWithoutVersionIsAWarning() throws {
        let data = Data(#"{"lockfileVersion":3,"packages":{"node_modules/a":{"resolved":"x"},"node_modules/b":{"version":"1.0.0"}}}"#.utf8)
        let output = try analyzer.analyze(AnalyzerInput(path: "package-lock.json", content: data))
        #expect(golden(output) == ["b 1.0.0 pkg:npm/b@1.0.0"])
        #expect(output.warnings == [ScanWarning(path: "package-lock.json", reason: "node_modules/a: no version, skipped")])
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("npm/package-lock-v3.json"))
        expectRefusal(analyzer, Hostile.truncated(fixture), path: "package-lock.json")
        expectRefusal(analyzer, Data(), path: "package-lock.json")
        expectRefusal(analyzer, Data("[1,2]".utf8), path: "package-lock.json")
        expectRefusal(analyzer, Data("{\"name\":\"x\"}".utf8), path: "package-lock.json")
        let deep = expectRefusal(analyzer, Hostile.deepJSON(100_000), path: "package-lock.json")
        #expect(deep?.kind == .limitExceeded)
        expectRefusal(analyzer, Hostile.deepJSONObject(100_000), path: "package-lock.json")
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "{\"lockfileVersion\":3,\"packages\":{\"node_modules/a\":{\"version\":\""), path: "package-lock.json")
        let huge = expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "package-lock.json")
        #expect(huge?.kind == .limitExceeded)
    }

    @Test func tenMegabyteVersionIsReadNotRefused() throws {
        // A valid file with one enormous string: parsed in linear time, reported as written.
        var text = #"{"lockfileVersion":3,"packages":{"node_modules/a":{"version":""#
        text += String(repeating: "9", count: 10 << 20) + #""}}}"#
        let output = try analyzer.analyze(AnalyzerInput(path: "package-lock.json", content: Data(text.utf8)))
        #expect(output.packages.count == 1)
        #expect(output.packages.first?.version.count == 10 << 20)
    }
}
