import Foundation
import KensaCore
@testable import KensaVulnDB
import XCTest

/// Matches against the real OSV records of ../shared/testdata/osv, and against distro records
/// written here for the tests (ours, not Debian's, Ubuntu's or Alpine's: IDs `KENSA-TEST-…`).
final class MatchTests: XCTestCase {
    private static let shared = SharedDB()

    private func db() throws -> VulnDB { try MatchTests.shared.get() }

    func testFixBoundaryOnRealRecords() throws {
        let m = try db().match([
            package(.pypi, "requests", "2.19.1"), package(.pypi, "requests", "2.20.0"),
            package(.pypi, "urllib3", "1.26.18"), package(.pypi, "urllib3", "1.26.19"),
            package(.pypi, "urllib3", "1.99"), package(.pypi, "urllib3", "2.0.0"), package(.pypi, "urllib3", "2.2.2"),
            package(.npm, "lodash", "4.17.20"), package(.npm, "lodash", "4.17.21"),
            package(.maven, "com.amazon.ion:ion-java", "1.10.4"), package(.maven, "com.amazon.ion:ion-java", "1.10.5"),
            package(.cargo, "futures-util", "0.3.1"), package(.cargo, "futures-util", "0.3.2"), package(.cargo, "futures-util", "0.2.9"),
            package(.gem, "actionpack", "4.0.10"), package(.gem, "actionpack", "4.0.11"), package(.gem, "actionpack", "4.1.6"),
            package(.golang, "github.com/revel/revel", "v0.21.0"), package(.golang, "github.com/revel/revel", "v1.0.0"),
        ], os: nil)
        let keys = m.keys
        for affected in ["requests@2.19.1 CVE-2018-18074", "urllib3@1.26.18 CVE-2024-37891", "urllib3@2.0.0 CVE-2024-37891",
                         "lodash@4.17.20 CVE-2020-28500", "com.amazon.ion:ion-java@1.10.4 CVE-2024-21634",
                         "futures-util@0.3.1 CVE-2020-35908", "actionpack@4.0.10 CVE-2014-7818", "actionpack@4.1.6 CVE-2014-7818",
                         "github.com/revel/revel@v0.21.0 CVE-2020-36568"] {
            XCTAssertTrue(keys.contains(affected), affected)
        }
        for notAffected in ["requests@2.20.0 CVE-2018-18074", "urllib3@1.26.19 CVE-2024-37891", "urllib3@1.99 CVE-2024-37891",
                            "urllib3@2.2.2 CVE-2024-37891", "lodash@4.17.21 CVE-2020-28500",
                            "com.amazon.ion:ion-java@1.10.5 CVE-2024-21634", "futures-util@0.3.2 CVE-2020-35908",
                            "futures-util@0.2.9 CVE-2020-35908", "actionpack@4.0.11 CVE-2014-7818",
                            "github.com/revel/revel@v1.0.0 CVE-2020-36568"] {
            XCTAssertFalse(keys.contains(notAffected), notAffected)
        }
        // The fix of the branch the version is on.
        let urllib3 = m.findings.filter { $0.id == "CVE-2024-37891" }.compactMap(\.vulnerability)
        XCTAssertEqual(Set(urllib3.map { "\($0.installedVersion)→\($0.fixedVersions)" }),
                       ["1.26.18→[\"1.26.19\"]", "2.0.0→[\"2.2.2\"]"])
        XCTAssertEqual(m.finding("CVE-2014-7818", "actionpack")?.vulnerability?.fixedVersions, ["4.0.11"])
    }

    func testAliasesMergeIntoOneFinding() throws {
        let m = try db().match([package(.pypi, "requests", "2.19.1")], os: nil)
        let hits = m.findings.filter { $0.id == "CVE-2018-18074" }
        XCTAssertEqual(hits.count, 1)
        let finding = try XCTUnwrap(hits.first)
        let v = try XCTUnwrap(finding.vulnerability)
        XCTAssertEqual(v.aliases, ["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"])
        XCTAssertEqual(v.advisoryIDs, ["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"])
        XCTAssertEqual(v.fixedVersions, ["2.20.0"])
        XCTAssertEqual(v.status, .fixed)
        XCTAssertEqual(finding.kind, .vulnerability)
        XCTAssertEqual(finding.severity, .high)
        XCTAssertEqual(v.severitySource, "CVSS_V3")
        XCTAssertEqual(v.cvss, [.init(type: "CVSS_V3", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", score: 7.5)])
        XCTAssertEqual(v.dataSource, "PyPI")
        XCTAssertEqual(finding.title, "Moderate severity vulnerability that affects requests")
        XCTAssertEqual(finding.message, "requests 2.19.1 is affected by CVE-2018-18074; fixed in 2.20.0")
        XCTAssertEqual(finding.location.path, "app/lock")
        XCTAssertFalse(v.references.isEmpty)
    }

    func testNamesAreNormalised() throws {
        let m = try db().match([package(.pypi, "Requests", "2.19.1"), package(.npm, "LoDash", "4.17.20")], os: nil)
        XCTAssertTrue(m.keys.contains("Requests@2.19.1 CVE-2018-18074"))
        XCTAssertTrue(m.keys.contains("LoDash@4.17.20 CVE-2020-28500"))
    }

    func testLastAffectedWithoutFixIsFixNotAvailable() throws {
        let m = try db().match([package(.pypi, "py", "1.11.0"), package(.pypi, "py", "1.11.1")], os: nil)
        let finding = try XCTUnwrap(m.finding("CVE-2022-42969", "py"))
        XCTAssertEqual(finding.vulnerability?.installedVersion, "1.11.0")
        XCTAssertEqual(finding.vulnerability?.status, .affected)
        XCTAssertEqual(finding.vulnerability?.fixedVersions, [])
        XCTAssertTrue(finding.message.hasSuffix("fix not available"), finding.message)
        XCTAssertFalse(m.keys.contains("py@1.11.1 CVE-2022-42969"))
    }

    func testIntroducedLowerBoundAndDatabaseSeverity() throws {
        let m = try db().match([package(.npm, "@hapi/hoek", "8.3.1"), package(.npm, "@hapi/hoek", "8.5.0"),
                                package(.npm, "@hapi/hoek", "8.5.1"), package(.npm, "@hapi/hoek", "9.0.2")], os: nil)
        XCTAssertEqual(m.keys.filter { $0.hasSuffix("GHSA-22h7-7wwg-qmgg") }.sorted(),
                       ["@hapi/hoek@8.5.0 GHSA-22h7-7wwg-qmgg", "@hapi/hoek@9.0.2 GHSA-22h7-7wwg-qmgg"])
        let finding = try XCTUnwrap(m.findings.first { $0.id == "GHSA-22h7-7wwg-qmgg" })
        // No CVSS vector: the record's own (GitHub) severity.
        XCTAssertEqual(finding.severity, .low)
        XCTAssertEqual(finding.vulnerability?.severitySource, "database_specific")
    }

    func testWithdrawnRecordsAreSkipped() throws {
        let m = try db().match([package(.golang, "github.com/gorilla/sessions", "v1.2.1"),
                                package(.cargo, "spin", "0.0.0-alpha")], os: nil)
        XCTAssertFalse(m.findings.contains { $0.vulnerability?.advisoryIDs.contains("GO-2024-2730") == true })
        XCTAssertFalse(m.findings.contains { $0.vulnerability?.advisoryIDs.contains("RUSTSEC-2019-0031") == true })
    }

    // MARK: distro records (ours)

    func testDebianSourcePackageEpochAndTilde() throws {
        let db = try MatchTests.shared.distro(self)
        let debian = OperatingSystem(family: "debian", version: "12.7")
        func deb(_ name: String, _ version: String, source: String? = nil, sourceVersion: String? = nil) -> Package {
            package(.deb, name, version, source: source, sourceVersion: sourceVersion, path: "var/lib/dpkg/status")
        }
        let m = try db.match([
            deb("libssl3", "3.0.14-1~deb12u2", source: "openssl"),
            deb("libssl3", "3.0.15-1~deb12u1", source: "openssl"),
            deb("openssl", "3.0.15-1", source: "openssl"),           // ~ sorts before: 3.0.15-1 is newer than the fix
            deb("libfoo1", "2.5-1", source: "foo"),                   // epoch 0 < 1:2.0-1
            deb("libfoo1", "1:2.0-1", source: "foo"),
            deb("libfoo1", "1:1.4-1", source: "foo"),
            deb("libfoo1", "1:1.5-1", source: "foo"),
            deb("bar", "1.2-3"), deb("bar", "1.2-3+deb12u1"),
            deb("libbaz1", "1.0-1+b1", source: "baz", sourceVersion: "1.0-1"),
            deb("withdrawn", "1.0-1"),
        ], os: debian)
        XCTAssertEqual(m.keys, [
            "libssl3@3.0.14-1~deb12u2 CVE-2099-0001",
            "libfoo1@2.5-1 CVE-2099-0002", "libfoo1@1:1.5-1 CVE-2099-0002",
            "bar@1.2-3 KENSA-TEST-DEB-0003",
            "libbaz1@1.0-1+b1 KENSA-TEST-DEB-0004",
        ])
        let ssl = try XCTUnwrap(m.finding("CVE-2099-0001", "libssl3"))
        XCTAssertEqual(ssl.vulnerability?.fixedVersions, ["3.0.15-1~deb12u1"])
        XCTAssertEqual(ssl.vulnerability?.dataSource, "Debian:12")
        XCTAssertEqual(ssl.vulnerability?.aliases, ["KENSA-TEST-DEB-0001"])
        XCTAssertEqual(ssl.message, "libssl3 3.0.14-1~deb12u2 (source openssl 3.0.14-1~deb12u2) is affected by CVE-2099-0001; fixed in 3.0.15-1~deb12u1")
        XCTAssertEqual(ssl.location.path, "var/lib/dpkg/status")
        XCTAssertEqual(ssl.severity, .critical)  // CVSS v4 vector 9.3
        XCTAssertEqual(m.finding("KENSA-TEST-DEB-0003", "bar")?.vulnerability?.status, .affected)

        // The same packages on another release match nothing.
        XCTAssertEqual(try db.match([deb("libssl3", "3.0.14-1~deb12u2", source: "openssl")],
                                    os: OperatingSystem(family: "debian", version: "11.9")).findings, [])
        // OS packages without a known OS are not matched.
        XCTAssertEqual(try db.match([deb("libssl3", "3.0.14-1~deb12u2", source: "openssl")], os: nil).findings, [])
    }

    func testUbuntuAndAlpineEcosystems() throws {
        let db = try MatchTests.shared.distro(self)
        let ubuntu = try db.match([package(.deb, "libxml2", "2.9.13+dfsg-1ubuntu0.3", source: "libxml2")],
                                  os: OperatingSystem(family: "ubuntu", version: "22.04"))
        XCTAssertEqual(ubuntu.keys, ["libxml2@2.9.13+dfsg-1ubuntu0.3 KENSA-TEST-UBUNTU-0001"])
        XCTAssertEqual(ubuntu.findings.first?.severity, .medium)  // Ubuntu's word "medium"
        let alpine = try db.match([package(.apk, "libcrypto3", "3.1.4-r0", source: "openssl"),
                                   package(.apk, "libcrypto3", "3.1.4-r1", source: "openssl")],
                                  os: OperatingSystem(family: "alpine", version: "3.19.1"))
        XCTAssertEqual(alpine.keys, ["libcrypto3@3.1.4-r0 KENSA-TEST-ALPINE-0001"])
    }

    func testFindingsAreSortedAndDeterministic() throws {
        let packages = [package(.npm, "lodash", "4.17.20", path: "b/package-lock.json"),
                        package(.pypi, "requests", "2.19.1", path: "a/requirements.txt")]
        let first = try db().match(packages, os: nil)
        let second = try db().match(packages.reversed(), os: nil)
        XCTAssertEqual(first.findings, second.findings)
        XCTAssertEqual(first.findings.map(\.location.path), first.findings.map(\.location.path).sorted())
    }

    func testVersionsListComparesUnderTheScheme() throws {
        let dir = try temporaryDirectory(self)
        try write(#"{"id": "OURS-LIST-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "Listed_Only"}, "versions": ["1.10.0", "2.0.post1"]}]}"#,
                  to: dir.appendingPathComponent("src/a.json"))
        try write(#"{"id": "OURS-LIST-2", "affected": [{"package": {"ecosystem": "Maven", "name": "g:a"}, "versions": ["1.0"]}]}"#,
                  to: dir.appendingPathComponent("src/b.json"))
        let summary = try VulnDBBuilder.build(from: [dir.appendingPathComponent("src").path],
                                              output: dir.appendingPathComponent("k.db").path)
        let m = try VulnDB(path: summary.path).match([
            package(.pypi, "listed-only", "1.10"), package(.pypi, "listed.only", "2.0-post1"),
            package(.pypi, "listed-only", "1.10.0"), package(.pypi, "listed-only", "1.11"), package(.pypi, "listed-only", "2.0"),
            package(.maven, "g:a", "1.0.0"), package(.maven, "g:a", "1.1"),
        ], os: nil)
        XCTAssertEqual(m.keys, ["listed-only@1.10 OURS-LIST-1", "listed.only@2.0-post1 OURS-LIST-1",
                                "listed-only@1.10.0 OURS-LIST-1", "g:a@1.0.0 OURS-LIST-2"])
        XCTAssertEqual(m.finding("OURS-LIST-1", "listed-only")?.vulnerability?.status, .affected)
    }

    func testUnparseableInstalledVersionIsAWarning() throws {
        let m = try db().match([package(.pypi, "requests", "not a version!")], os: nil)
        XCTAssertEqual(m.findings, [])
        XCTAssertFalse(m.warnings.isEmpty)
        XCTAssertTrue(m.warnings.allSatisfy { $0.reason.contains("requests not a version!") })
    }
}

/// One DB of the shared records for the whole class (building takes a moment).
private final class SharedDB: @unchecked Sendable {
    private let lock = NSLock()
    private var db: VulnDB?
    private var distroDB: VulnDB?
    private let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-vulndb-match-\(UUID().uuidString)")

    deinit { try? FileManager.default.removeItem(at: dir) }

    func get() throws -> VulnDB {
        try lock.withLock {
            if let db { return db }
            let summary = try VulnDBBuilder.build(from: [sharedOSVData()], output: dir.appendingPathComponent("shared.db").path)
            let opened = try VulnDB(path: summary.path)
            db = opened
            return opened
        }
    }

    func distro(_ test: XCTestCase) throws -> VulnDB {
        try lock.withLock {
            if let distroDB { return distroDB }
            let src = dir.appendingPathComponent("distro")
            for (name, text) in distroRecords { try write(text, to: src.appendingPathComponent(name)) }
            let summary = try VulnDBBuilder.build(from: [src.path], output: dir.appendingPathComponent("distro.db").path)
            XCTAssertEqual(summary.warnings, [])
            let opened = try VulnDB(path: summary.path)
            distroDB = opened
            return opened
        }
    }
}

/// Distro advisories written for these tests (ours): the shapes Debian, Ubuntu and Alpine
/// publish in OSV, with made-up IDs and CVE numbers from the unused 2099 range.
private let distroRecords: [(String, String)] = [
    ("KENSA-TEST-DEB-0001.json", """
    {"id": "KENSA-TEST-DEB-0001", "modified": "2026-11-24T00:00:00Z", "aliases": ["CVE-2099-0001"],
     "summary": "openssl: test advisory (kensa's own)",
     "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
     "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}]}]},
                  {"package": {"ecosystem": "Debian:11", "name": "openssl"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.1w-0+deb11u2"}]}]}]}
    """),
    ("KENSA-TEST-DEB-0002.json", """
    {"id": "KENSA-TEST-DEB-0002", "modified": "2026-11-24T00:00:00Z", "aliases": ["CVE-2099-0002"],
     "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.0-1"}, {"introduced": "1:1.5-1"}, {"fixed": "1:2.0-1"}]}]}]}
    """),
    ("KENSA-TEST-DEB-0003.json", """
    {"id": "KENSA-TEST-DEB-0003", "modified": "2026-11-24T00:00:00Z",
     "affected": [{"package": {"ecosystem": "Debian:12", "name": "bar"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "1.2-3"}]}]}]}
    """),
    ("KENSA-TEST-DEB-0004.json", """
    {"id": "KENSA-TEST-DEB-0004", "modified": "2026-11-24T00:00:00Z",
     "affected": [{"package": {"ecosystem": "Debian:12", "name": "baz"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-1+a1"}]}]}]}
    """),
    ("KENSA-TEST-DEB-0005.json", """
    {"id": "KENSA-TEST-DEB-0005", "modified": "2026-11-24T00:00:00Z", "withdrawn": "2026-11-24T00:00:00Z",
     "affected": [{"package": {"ecosystem": "Debian:12", "name": "withdrawn"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
    """),
    ("KENSA-TEST-UBUNTU-0001.json", """
    {"id": "KENSA-TEST-UBUNTU-0001", "modified": "2026-11-24T00:00:00Z",
     "severity": [{"type": "Ubuntu", "score": "medium"}],
     "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "libxml2"},
                   "ecosystem_specific": {"severity": "medium"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.9.13+dfsg-1ubuntu0.4"}]}]}]}
    """),
    ("KENSA-TEST-ALPINE-0001.json", """
    {"id": "KENSA-TEST-ALPINE-0001", "modified": "2026-11-24T00:00:00Z",
     "affected": [{"package": {"ecosystem": "Alpine:v3.19", "name": "openssl"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.4-r1"}]}]}]}
    """),
]
