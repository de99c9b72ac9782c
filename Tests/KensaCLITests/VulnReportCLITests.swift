import Foundation
import XCTest

/// Issue 4's reports end to end: the fixture Debian root filesystem and a Python project,
/// scanned against a DB built from ../shared/testdata/osv plus Debian records written here, in
/// every format; SARIF and CycloneDX checked by the official validators
/// (scripts/validate-sbom.py: the OASIS SARIF 2.1.0 schema, cyclonedx-python-lib strict 1.6).
final class VulnReportCLITests: XCTestCase {
    /// Debian advisories written for these tests (ours, not Debian's: IDs `KENSA-TEST-DSA-…`),
    /// in the shape of OSV's Debian records: keyed by source package, dpkg versions.
    /// glibc (libc6, libc-bin: 2.36-9+deb12u14 installed) fixed in a later revision; zlib
    /// (zlib1g 1:1.2.13.dfsg-1) without a fix; tar fixed in exactly the installed version, so
    /// it must not be reported.
    static let debianRecords: [String: String] = [
        "KENSA-TEST-DSA-0001.json": """
        {"schema_version": "1.6.0", "id": "KENSA-TEST-DSA-0001", "modified": "2026-01-02T00:00:00Z",
         "published": "2026-01-01T00:00:00Z", "summary": "glibc: buffer overflow in test fixture",
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}],
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "glibc"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.36-9+deb12u99"}]}]}],
         "references": [{"type": "ADVISORY", "url": "https://example.com/KENSA-TEST-DSA-0001"}]}
        """,
        "KENSA-TEST-DSA-0002.json": """
        {"schema_version": "1.6.0", "id": "KENSA-TEST-DSA-0002", "modified": "2026-01-02T00:00:00Z",
         "summary": "zlib: no fix yet in test fixture",
         "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}],
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "zlib"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
        """,
        "KENSA-TEST-DSA-0003.json": """
        {"schema_version": "1.6.0", "id": "KENSA-TEST-DSA-0003", "modified": "2026-01-02T00:00:00Z",
         "summary": "tar: already fixed in test fixture",
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "tar"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.34+dfsg-1.2+deb12u1"}]}]}]}
        """,
    ]

    private struct Setup {
        var work: URL
        var cache: URL
        var rootfs: URL
        var project: URL
    }

    private func setup() throws -> Setup {
        let rootfs = try Fixtures.rootfs()
        let work = try temporaryDirectory(self)
        let debian = work.appendingPathComponent("osv-debian")
        try FileManager.default.createDirectory(at: debian, withIntermediateDirectories: true)
        for (name, text) in Self.debianRecords {
            try text.write(to: debian.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let cache = work.appendingPathComponent("cache")
        let build = try Kensa.run(["db", "build", "--from", Kensa.sharedTestdata.appendingPathComponent("osv").path,
                                   "--from", debian.path, "--cache-dir", cache.path])
        XCTAssertEqual(build.status, 0, build.err)
        // requests 2.19.1: CVE-2018-18074 (HIGH, fixed in 2.20.0) in the shared records.
        let project = work.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try "requests==2.19.1\n".write(to: project.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        return Setup(work: work, cache: cache, rootfs: rootfs, project: project)
    }

    /// Writes the report to a file and runs the validator on it.
    private func scan(_ s: Setup, _ target: [String], format: String, extra: [String] = []) throws -> Data {
        let file = s.work.appendingPathComponent("report-\(UUID().uuidString).json")
        let run = try Kensa.run(target + ["--scanners", "vuln", "--cache-dir", s.cache.path, "--format", format,
                                          "-o", file.path, "-q"] + extra)
        XCTAssertEqual(run.status, 0, run.err)
        let data = try Data(contentsOf: file)
        if format == "sarif" || format == "cyclonedx" {
            let python = ProcessInfo.processInfo.environment["KENSA_TEST_PYTHON"] ?? "python3"
            let script = Kensa.packageRoot.appendingPathComponent("scripts/validate-sbom.py").path
            let output = try sh("'\(python)' '\(script)' \(format) '\(file.path)' 2>&1 || echo \"exit $?\"")
            XCTAssertFalse(output.contains("exit "), "\(format) validation failed for \(target): \(output)")
        }
        return data
    }

    private func object(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func sarifResults(_ data: Data) throws -> (rules: [[String: Any]], results: [[String: Any]]) {
        let run = try XCTUnwrap((try object(data)["runs"] as? [[String: Any]])?.first)
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        return (rules, run["results"] as? [[String: Any]] ?? [])
    }

    func testRootfsSARIF() throws {
        let s = try setup()
        let (rules, results) = try sarifResults(try scan(s, ["rootfs", s.rootfs.path], format: "sarif"))
        let ids = Set(results.compactMap { $0["ruleId"] as? String })
        XCTAssertTrue(ids.isSuperset(of: ["KENSA-TEST-DSA-0001", "KENSA-TEST-DSA-0002"]), "\(ids)")
        XCTAssertFalse(ids.contains("KENSA-TEST-DSA-0003"), "tar is installed at the fixed version")
        let glibc = results.filter { $0["ruleId"] as? String == "KENSA-TEST-DSA-0001" }
        // libc6 and libc-bin both come from glibc.
        let purls = Set(glibc.compactMap { ($0["properties"] as? [String: Any])?["purl"] as? String }.map { $0.components(separatedBy: "@")[0] })
        XCTAssertTrue(purls.isSuperset(of: ["pkg:deb/debian/libc6", "pkg:deb/debian/libc-bin"]), "\(purls)")
        XCTAssertEqual(Set(glibc.compactMap { $0["level"] as? String }), ["error"])
        let uri = (((glibc.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"]
                   as? [String: Any])?["uri"] as? String
        XCTAssertEqual(uri, "var/lib/dpkg/status")
        let zlib = try XCTUnwrap(results.first { $0["ruleId"] as? String == "KENSA-TEST-DSA-0002" })
        XCTAssertEqual(zlib["level"] as? String, "warning")
        XCTAssertEqual((zlib["properties"] as? [String: Any])?["status"] as? String, "affected")
        let rule = try XCTUnwrap(rules.first { $0["id"] as? String == "KENSA-TEST-DSA-0001" })
        XCTAssertEqual((rule["properties"] as? [String: Any])?["security-severity"] as? String, "7.8")
        XCTAssertEqual(rule["helpUri"] as? String, "https://osv.dev/vulnerability/KENSA-TEST-DSA-0001")
    }

    func testRootfsCycloneDXWithVulnerabilities() throws {
        let s = try setup()
        let bom = try object(try scan(s, ["rootfs", s.rootfs.path], format: "cyclonedx"))
        let components = bom["components"] as? [[String: Any]] ?? []
        let refs = Dictionary(components.compactMap { c in (c["name"] as? String).map { ($0, c["bom-ref"] as? String ?? "") } }) { a, _ in a }
        let vulnerabilities = try XCTUnwrap(bom["vulnerabilities"] as? [[String: Any]])
        let ids = vulnerabilities.compactMap { $0["id"] as? String }
        XCTAssertTrue(Set(ids).isSuperset(of: ["KENSA-TEST-DSA-0001", "KENSA-TEST-DSA-0002"]), "\(ids)")
        XCTAssertFalse(ids.contains("KENSA-TEST-DSA-0003"))
        let glibc = try XCTUnwrap(vulnerabilities.first { $0["id"] as? String == "KENSA-TEST-DSA-0001" })
        let affected = Set((glibc["affects"] as? [[String: Any]] ?? []).compactMap { $0["ref"] as? String })
        XCTAssertTrue(affected.isSuperset(of: [refs["libc6"] ?? "?", refs["libc-bin"] ?? "?"]), "\(affected)")
        let rating = (glibc["ratings"] as? [[String: Any]])?.first
        XCTAssertEqual(rating?["method"] as? String, "CVSSv31")
        XCTAssertEqual(rating?["score"] as? Double, 7.8)
        XCTAssertEqual(glibc["recommendation"] as? String, "Upgrade libc-bin, libc6 to 2.36-9+deb12u99.")
        let zlib = try XCTUnwrap(vulnerabilities.first { $0["id"] as? String == "KENSA-TEST-DSA-0002" })
        XCTAssertEqual((zlib["ratings"] as? [[String: Any]])?.first?["method"] as? String, "CVSSv4")

        // Without --scanners vuln the SBOM is inventory only.
        let plain = try Kensa.run(["rootfs", s.rootfs.path, "--cache-dir", s.cache.path, "--format", "cyclonedx", "-q"])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertNil(try object(plain.stdout)["vulnerabilities"])
    }

    /// A suppressed finding leaves the table (counted), stays in JSON with the reason, is a
    /// SARIF suppression and a CycloneDX `not_affected` analysis.
    func testSuppressedFindingInEveryFormat() throws {
        let s = try setup()
        let ignore = s.work.appendingPathComponent("kensaignore.yaml")
        try "- id: KENSA-TEST-DSA-0002\n  reason: zlib is only used by dpkg here\n".write(to: ignore, atomically: true, encoding: .utf8)
        let target = ["rootfs", s.rootfs.path]
        let flags = ["--ignorefile", ignore.path]

        let table = try Kensa.run(target + ["--scanners", "vuln", "--cache-dir", s.cache.path, "-q"] + flags)
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("debian 12"), table.out)
        XCTAssertTrue(table.out.contains("KENSA-TEST-DSA-0001"), table.out)
        XCTAssertFalse(table.out.contains("KENSA-TEST-DSA-0002"), table.out)
        XCTAssertTrue(table.out.contains("1 finding suppressed (see JSON)"), table.out)
        XCTAssertNotNil(table.out.range(of: #"Total: \d+ \(UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: \d+, CRITICAL: 0\)"#,
                                        options: .regularExpression), table.out)
        XCTAssertNotNil(table.out.range(of: #"libc6 +KENSA-TEST-DSA-0001 +HIGH +fixed +2\.36-9\+deb12u14 +2\.36-9\+deb12u99"#,
                                        options: .regularExpression), table.out)

        let json = try object(try scan(s, target, format: "json", extra: flags))
        let zlibJSON = try XCTUnwrap((json["findings"] as? [[String: Any]])?.first { $0["id"] as? String == "KENSA-TEST-DSA-0002" })
        XCTAssertEqual((zlibJSON["suppressed"] as? [String: String])?["reason"], "zlib is only used by dpkg here")

        let (_, results) = try sarifResults(try scan(s, target, format: "sarif", extra: flags))
        let zlibSARIF = try XCTUnwrap(results.first { $0["ruleId"] as? String == "KENSA-TEST-DSA-0002" })
        XCTAssertEqual(zlibSARIF["suppressions"] as? [[String: String]],
                       [["kind": "external", "justification": "zlib is only used by dpkg here"]])
        XCTAssertNil(results.first { $0["ruleId"] as? String == "KENSA-TEST-DSA-0001" }?["suppressions"])

        let bom = try object(try scan(s, target, format: "cyclonedx", extra: flags))
        let zlibCDX = try XCTUnwrap((bom["vulnerabilities"] as? [[String: Any]])?.first { $0["id"] as? String == "KENSA-TEST-DSA-0002" })
        XCTAssertEqual((zlibCDX["analysis"] as? [String: String])?["state"], "not_affected")
        XCTAssertEqual((zlibCDX["analysis"] as? [String: String])?["detail"], "suppressed by ignorefile: zlib is only used by dpkg here")
    }

    /// An OpenVEX `not_affected` statement: SARIF keeps the finding as a suppression, CycloneDX
    /// says `not_affected` with the statement's justification in CycloneDX's words.
    func testVEXStatementInSARIFAndCycloneDX() throws {
        let s = try setup()
        let vex = s.work.appendingPathComponent("app.openvex.json")
        try """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/report-test", "author": "kensa tests",
         "timestamp": "2026-11-01T00:00:00Z", "version": 1,
         "statements": [{"vulnerability": {"name": "CVE-2018-18074"}, "products": [{"@id": "pkg:pypi/requests@2.19.1"}],
                         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
        """.write(to: vex, atomically: true, encoding: .utf8)
        let target = ["fs", s.project.path]
        let (_, results) = try sarifResults(try scan(s, target, format: "sarif", extra: ["--vex", vex.path]))
        let requests = try XCTUnwrap(results.first { $0["ruleId"] as? String == "CVE-2018-18074" })
        let suppression = try XCTUnwrap((requests["suppressions"] as? [[String: String]])?.first)
        XCTAssertEqual(suppression["kind"], "external")
        XCTAssertTrue(suppression["justification"]?.contains("vulnerable_code_not_in_execute_path") == true, "\(suppression)")

        let bom = try object(try scan(s, target, format: "cyclonedx", extra: ["--vex", vex.path]))
        let entry = try XCTUnwrap((bom["vulnerabilities"] as? [[String: Any]])?.first { $0["id"] as? String == "CVE-2018-18074" })
        let analysis = try XCTUnwrap(entry["analysis"] as? [String: String])
        XCTAssertEqual(analysis["state"], "not_affected")
        XCTAssertEqual(analysis["justification"], "code_not_reachable")
    }

    /// A language lock file: the shared OSV record of CVE-2018-18074 in every format.
    func testProjectRequirementsInSARIFAndCycloneDX() throws {
        let s = try setup()
        let target = ["fs", s.project.path]
        let (rules, results) = try sarifResults(try scan(s, target, format: "sarif"))
        let requests = try XCTUnwrap(results.first { $0["ruleId"] as? String == "CVE-2018-18074" })
        XCTAssertEqual(requests["level"] as? String, "error")
        let uri = (((requests["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"]
                   as? [String: Any])?["uri"] as? String
        XCTAssertEqual(uri, "requirements.txt")
        XCTAssertEqual((requests["properties"] as? [String: Any])?["fixedVersions"] as? [String], ["2.20.0"])
        XCTAssertNotNil(rules.first { $0["id"] as? String == "CVE-2018-18074" })

        let bom = try object(try scan(s, target, format: "cyclonedx"))
        let entry = try XCTUnwrap((bom["vulnerabilities"] as? [[String: Any]])?.first { $0["id"] as? String == "CVE-2018-18074" })
        XCTAssertEqual((entry["affects"] as? [[String: Any]])?.first?["ref"] as? String, "pkg:pypi/requests@2.19.1")
        let aliases = (entry["references"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertFalse(aliases.isEmpty, "the record's GHSA/PYSEC IDs")

        let table = try Kensa.run(target + ["--scanners", "vuln", "--cache-dir", s.cache.path, "-q"])
        XCTAssertTrue(table.out.contains("requirements.txt (pip-requirements)\n"), table.out)
        XCTAssertNotNil(table.out.range(of: #"requests +CVE-2018-18074 +HIGH +fixed +2\.19\.1 +2\.20\.0"#, options: .regularExpression),
                        table.out)
    }
}
