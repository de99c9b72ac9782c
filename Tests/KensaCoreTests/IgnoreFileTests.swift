import Foundation
import KensaCore
import XCTest

final class IgnoreFileTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15

    func suppressed(_ yaml: String, _ findings: [Finding]) throws -> (findings: [Finding], warnings: [ScanWarning]) {
        var findings = findings
        let warnings = try IgnoreFile.parse(yaml, path: ".kensaignore").apply(to: &findings, now: now)
        return (findings, warnings)
    }

    func testEveryScannerByID() throws {
        let r = try suppressed("""
            - id: CVE-2018-18074
              reason: no proxies here
            - id: KNS-PSS-003
              reason: node agent
            - id: github-pat
              reason: revoked example token
            """, [SampleFindings.vulnerability("CVE-2018-18074"), SampleFindings.vulnerability("CVE-2023-32681"),
                  SampleFindings.check("KNS-PSS-003", path: "k8s/agent.yaml"), SampleFindings.check("KNS-PSS-001", path: "k8s/agent.yaml"),
                  SampleFindings.secret("github-pat", path: "docs/example.md"), SampleFindings.secret("aws-access-key-id", path: "docs/example.md")])
        XCTAssertEqual(r.findings.map { $0.suppression?.reason }, ["no proxies here", nil, "node agent", nil, "revoked example token", nil])
        XCTAssertEqual(r.findings.compactMap { $0.suppression?.source }, ["ignorefile", "ignorefile", "ignorefile"])
        XCTAssertEqual(r.warnings, [])
    }

    func testAliasesMatch() throws {
        // A CVE entry suppresses the finding keyed by a GHSA that lists it, and the reverse.
        let r = try suppressed("""
            - id: cve-2023-32681
              reason: case does not matter
            - id: GHSA-j8r2-6x86-q33q
              reason: by the advisory name
            """, [SampleFindings.vulnerability("GHSA-x84v-xcm2-53pg", aliases: ["CVE-2023-32681"]),
                  SampleFindings.vulnerability("CVE-2024-1", aliases: ["GHSA-j8r2-6x86-q33q"]),
                  SampleFindings.vulnerability("CVE-2024-2", aliases: ["GHSA-0000-0000-0000"])])
        XCTAssertEqual(r.findings.map { $0.suppression?.reason }, ["case does not matter", "by the advisory name", nil])
    }

    func testPaths() throws {
        let r = try suppressed("""
            - id: KNS-PSS-003
              paths: ["legacy/*", "charts/", "./one.yaml", "/abs/x.yaml", "dir"]
              reason: r
            """, ["legacy/a.yaml", "legacy/deep/b.yaml", "charts/c/d.yaml", "chartsx/e.yaml", "one.yaml", "two.yaml",
                  "abs/x.yaml", "dir/f.yaml", "dirt/g.yaml"].map { SampleFindings.check("KNS-PSS-003", path: $0) })
        XCTAssertEqual(r.findings.filter { $0.suppression != nil }.map(\.location.path),
                       ["legacy/a.yaml", "legacy/deep/b.yaml", "charts/c/d.yaml", "one.yaml", "abs/x.yaml", "dir/f.yaml"])
        // A single string works as well as a list.
        let single = try suppressed("- id: github-pat\n  paths: docs/*\n  reason: r\n",
                                    [SampleFindings.secret("github-pat", path: "docs/a.md"), SampleFindings.secret("github-pat", path: "src/a.go")])
        XCTAssertEqual(single.findings.map { $0.suppression != nil }, [true, false])
    }

    func testPurls() throws {
        let findings = [
            SampleFindings.vulnerability("CVE-1", purl: "pkg:pypi/requests@2.19.1"),
            SampleFindings.vulnerability("CVE-1", purl: "pkg:pypi/requests@2.31.0"),
            SampleFindings.vulnerability("CVE-1", purl: "pkg:pypi/urllib3@1.26.0"),
            SampleFindings.vulnerability("CVE-1", purl: "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12"),
            SampleFindings.vulnerability("CVE-1", purl: "pkg:deb/debian/openssl@3.0.11-1?arch=arm64&distro=debian-12"),
        ]
        let anyVersion = try suppressed("- id: CVE-1\n  purls: [pkg:pypi/Requests]\n  reason: r\n", findings)
        XCTAssertEqual(anyVersion.findings.map { $0.suppression != nil }, [true, true, false, false, false])
        let oneVersion = try suppressed("- id: CVE-1\n  purls: ['pkg:pypi/requests@2.31.0']\n  reason: r\n", findings)
        XCTAssertEqual(oneVersion.findings.map { $0.suppression != nil }, [false, true, false, false, false])
        let qualifierLess = try suppressed("- id: CVE-1\n  purls: ['pkg:deb/debian/openssl@3.0.11-1']\n  reason: r\n", findings)
        XCTAssertEqual(qualifierLess.findings.map { $0.suppression != nil }, [false, false, false, true, true])
        let arch = try suppressed("- id: CVE-1\n  purls: ['pkg:deb/debian/openssl?arch=arm64']\n  reason: r\n", findings)
        XCTAssertEqual(arch.findings.map { $0.suppression != nil }, [false, false, false, false, true])
        // purls never match a finding without a package, and paths and purls must both match.
        let both = try suppressed("- id: github-pat\n  purls: [pkg:pypi/requests]\n  reason: r\n- id: CVE-1\n  purls: [pkg:pypi/requests]\n  paths: [other/*]\n  reason: r\n",
                                  [SampleFindings.secret("github-pat", path: "a"), findings[0]])
        XCTAssertEqual(both.findings.map { $0.suppression != nil }, [false, false])
    }

    func testExpiryWarnsAndStopsSuppressing() throws {
        let r = try suppressed("""
            - id: KNS-DF-002
              expires: 2027-01-14
              reason: expired the day before
            - id: KNS-DF-003
              expires: 2027-01-15
              reason: good through today
            - id: KNS-DF-004
              expires: 2020-01-01
              reason: expired but matches nothing, so no warning
            """, [SampleFindings.check("KNS-DF-002", path: "Dockerfile"), SampleFindings.check("KNS-DF-003", path: "Dockerfile")])
        XCTAssertNil(r.findings[0].suppression)
        XCTAssertEqual(r.findings[1].suppression?.reason, "good through today")
        XCTAssertEqual(r.warnings, [ScanWarning(path: ".kensaignore", reason: "ignore entry KNS-DF-002 expired on 2027-01-14 and no longer suppresses")])
    }

    func testFirstLiveEntryWinsAndAlreadySuppressedFindingsAreKept() throws {
        var findings = [SampleFindings.check("KNS-PSS-003", path: "a.yaml")]
        findings[0].suppression = Finding.Suppression(source: "annotation", reason: "from the object")
        let r = try suppressed("- id: KNS-PSS-003\n  reason: file\n", findings)
        XCTAssertEqual(r.findings[0].suppression?.source, "annotation")
        let two = try suppressed("- id: KNS-PSS-003\n  reason: first\n- id: KNS-PSS-003\n  reason: second\n",
                                 [SampleFindings.check("KNS-PSS-003", path: "a.yaml")])
        XCTAssertEqual(two.findings[0].suppression?.reason, "first")
    }

    func testEmptyFilesAndDocuments() throws {
        XCTAssertEqual(try IgnoreFile.parse("", path: "x").entries, [])
        XCTAssertEqual(try IgnoreFile.parse("# nothing yet\n", path: "x").entries, [])
        XCTAssertEqual(try IgnoreFile.parse("- id: a\n  reason: r\n---\n- id: b\n  reason: r\n", path: "x").entries.map(\.id), ["a", "b"])
    }

    func testMalformed() {
        let cases: [(String, String)] = [
            ("- id: KNS-PSS-001\n", "has no reason"),
            ("- reason: r\n", "has no id"),
            ("- id: KNS-PSS-001\n  reason: '  '\n", "has no reason"),
            ("- id: KNS-PSS-001\n  reason: r\n  expires: soon\n", "expires must be a date"),
            ("- id: KNS-PSS-001\n  reason: r\n  expires: 2027-02-30\n", "expires must be a date"),
            ("- id: KNS-PSS-001\n  reason: r\n  path: [a]\n", "unknown key 'path'"),
            ("- id: CVE-1\n  reason: r\n  purls: [requests]\n", "not a package URL"),
            ("- id: CVE-1\n  reason: r\n  paths: [[a]]\n", "list of strings"),
            ("- id: CVE-1\n  reason: r\n  paths: {a: b}\n", "a string or a list"),
            ("id: CVE-1\nreason: r\n", "expected a YAML list"),
            ("- just a string\n", "not a mapping"),
            ("- id: [a\n", "invalid YAML"),
            ("- id: CVE-1\n  reason: \"unterminated\n", "invalid YAML"),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try IgnoreFile.parse(yaml, path: "ignore.yaml"), yaml) { error in
                let e = error as? KensaError
                XCTAssertEqual(e?.input, "ignore.yaml", yaml)
                XCTAssertTrue(e?.reason.contains(expected) == true, "\(yaml): \(String(describing: e))")
            }
        }
    }

    func testTruncatedHugeAndHostile() throws {
        let full = "- id: KNS-PSS-001\n  paths: [a, b]\n  reason: because\n"
        // Every prefix is either a valid (shorter) file or a KensaError (typed throws), never a crash.
        var refused = 0
        for cut in 1..<full.count where (try? IgnoreFile.parse(String(full.prefix(cut)), path: "t")) == nil { refused += 1 }
        XCTAssertGreaterThan(refused, full.count / 2, "most prefixes lack a reason")
        XCTAssertEqual(try IgnoreFile.parse(full, path: "t").entries.first?.paths, ["a", "b"])
        let huge = String(repeating: "- id: a\n  reason: r\n", count: IgnoreFile.maxBytes / 20 + 10)
        XCTAssertThrowsError(try IgnoreFile.parse(huge, path: "t")) { XCTAssertEqual(($0 as? KensaError)?.kind, .limitExceeded) }
        // Billion laughs: each alias doubles the tree.
        var bomb = "a0: &a0 [x, x]\n"
        for i in 1...40 { bomb += "a\(i): &a\(i) [*a\(i - 1), *a\(i - 1)]\n" }
        XCTAssertThrowsError(try IgnoreFile.parse(bomb, path: "t")) { XCTAssertEqual(($0 as? KensaError)?.kind, .limitExceeded) }
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        XCTAssertThrowsError(try IgnoreFile.parse(deep, path: "t")) { XCTAssertTrue($0 is KensaError) }
        XCTAssertThrowsError(try IgnoreFile.parse("- id: \u{0}\n  reason: r\n", path: "t")) { XCTAssertTrue($0 is KensaError) }
    }

    func testLongFileOverManyFindings() throws {
        // 20,000 entries against 5,000 findings: entries are looked up by ID, not scanned per finding.
        let yaml = (0..<20_000).map { "- id: CVE-2024-\($0)\n  reason: r\($0)\n" }.joined()
        let ignore = try IgnoreFile.parse(yaml, path: "t")
        var findings = (0..<5_000).map { SampleFindings.vulnerability("GHSA-\($0)", aliases: ["CVE-2024-\($0 * 20)"]) }
        XCTAssertEqual(ignore.apply(to: &findings, now: now), [])
        XCTAssertEqual(findings.filter { $0.suppression != nil }.count, 1_000, "CVE-2024-0 … CVE-2024-19980")
        XCTAssertEqual(findings[999].suppression?.reason, "r19980")
        XCTAssertNil(findings[1_000].suppression)
    }

    func testLoadFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-ignore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(".kensaignore")
        try Data("- id: a\n  reason: r\n".utf8).write(to: file)
        XCTAssertEqual(try IgnoreFile.load(path: file.path).entries, [IgnoreFile.Entry(id: "a", reason: "r")])
        XCTAssertThrowsError(try IgnoreFile.load(path: dir.appendingPathComponent("missing").path)) {
            XCTAssertEqual(($0 as? KensaError)?.kind, .unreadable)
        }
        XCTAssertThrowsError(try IgnoreFile.load(path: dir.path)) { XCTAssertEqual(($0 as? KensaError)?.kind, .unreadable) }
        try Data([0xff, 0xfe, 0x00]).write(to: file)
        XCTAssertThrowsError(try IgnoreFile.load(path: file.path)) { XCTAssertEqual(($0 as? KensaError)?.kind, .malformed) }
        try Data(count: IgnoreFile.maxBytes + 1).write(to: file)
        XCTAssertThrowsError(try IgnoreFile.load(path: file.path)) { XCTAssertEqual(($0 as? KensaError)?.kind, .limitExceeded) }
    }
}
