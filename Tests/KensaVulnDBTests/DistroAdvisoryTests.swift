import Foundation
import KensaCore
@testable import KensaVulnDB
import XCTest

/// Debian's own OSV shape: DSA/DLA/DEBIAN-CVE records that name their CVE in `upstream`, and
/// advisories for several CVEs at once. Records are kensa's (Tests/Fixtures/osv-ours, invented).
final class DistroAdvisoryTests: XCTestCase {
    private let debian = OperatingSystem(family: "debian", version: "12.15")

    private func ours() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/osv-ours").path
    }

    private func deb(_ name: String, _ version: String, source: String, sourceVersion: String? = nil) -> Package {
        package(.deb, name, version, source: source, sourceVersion: sourceVersion, path: "var/lib/dpkg/status")
    }

    func testUpstreamIsReadAsAliases() throws {
        let json = #"{"id": "X-1", "aliases": ["GHSA-1"], "upstream": ["CVE-1", "GHSA-1", "X-1", "CVE-1"]}"#
        let record = try OSVRecord.decode(Data(json.utf8), source: "x.json")
        XCTAssertEqual(record.aliases, ["GHSA-1", "CVE-1"])
        let plain = try OSVRecord.decode(Data(#"{"id": "X-2", "upstream": ["CVE-2"]}"#.utf8), source: "y.json")
        XCTAssertEqual(plain.aliases, ["CVE-2"])
        XCTAssertNil(try OSVRecord.decode(Data(#"{"id": "X-3"}"#.utf8), source: "z.json").aliases)
        XCTAssertThrowsError(try OSVRecord.decode(Data(#"{"id": "X-4", "upstream": "CVE-4"}"#.utf8), source: "w.json")) { error in
            XCTAssertEqual((error as? KensaError)?.input, "w.json")
        }
    }

    func testHugeUpstreamListIsReadInLinearTime() throws {
        // 200,000 IDs, every one twice: a quadratic de-duplication would take minutes.
        let ids = (0..<200_000).map { "\"CVE-0000-\($0)\"" }.joined(separator: ",")
        let json = "{\"id\": \"X-5\", \"upstream\": [\(ids),\(ids)]}"
        let record = try OSVRecord.decode(Data(json.utf8), source: "big.json")
        XCTAssertEqual(record.aliases?.count, 200_000)
    }

    func testDebianAdvisoriesGiveOneFindingPerCVE() throws {
        let dir = try temporaryDirectory(self)
        let summary = try VulnDBBuilder.build(from: [ours()], output: dir.appendingPathComponent("k.db").path)
        XCTAssertEqual(summary.warnings, [])
        let db = try VulnDB(path: summary.path)
        let m = try db.match([
            deb("libgnutls30", "3.7.9-2+deb12u7", source: "gnutls28"),
            deb("bsdutils", "1:2.38.1-5+deb12u3", source: "util-linux", sourceVersion: "2.38.1-5+deb12u3"),
            deb("perl-base", "5.36.0-7+deb12u3", source: "perl"),
            deb("libc6", "2.36-9+deb12u14", source: "glibc"),
        ], os: debian)
        XCTAssertEqual(m.keys, [
            "libgnutls30@3.7.9-2+deb12u7 CVE-0000-0023", "libgnutls30@3.7.9-2+deb12u7 CVE-0000-0024",
            "bsdutils@1:2.38.1-5+deb12u3 CVE-0000-0019", "perl-base@5.36.0-7+deb12u3 CVE-0000-0021",
            "libc6@2.36-9+deb12u14 CVE-0000-0001",
        ])
        // A DSA for two CVEs: each CVE's finding names the DSA.
        for cve in ["CVE-0000-0023", "CVE-0000-0024"] {
            let v = try XCTUnwrap(m.finding(cve, "libgnutls30")?.vulnerability)
            XCTAssertEqual(v.advisoryIDs, ["KENSA-TEST-DSA-0023-1"])
            XCTAssertEqual(v.aliases, ["KENSA-TEST-DSA-0023-1"])
            XCTAssertEqual(v.fixedVersions, ["3.7.9-2+deb12u99"])
        }
        // A DSA and the per-CVE record joined by their upstream CVE; the binary has an epoch its source lacks.
        let util = try XCTUnwrap(m.finding("CVE-0000-0019", "bsdutils"))
        XCTAssertEqual(util.vulnerability?.advisoryIDs, ["KENSA-TEST-DEBIAN-CVE-0000-0019", "KENSA-TEST-DSA-0019-1"])
        XCTAssertEqual(util.vulnerability?.aliases, ["KENSA-TEST-DEBIAN-CVE-0000-0019", "KENSA-TEST-DSA-0019-1"])
        XCTAssertEqual(util.message, "bsdutils 1:2.38.1-5+deb12u3 (source util-linux 2.38.1-5+deb12u3) is affected by CVE-0000-0019; fixed in 2.38.1-5+deb12u99")
        XCTAssertEqual(m.finding("CVE-0000-0021", "perl-base")?.vulnerability?.advisoryIDs,
                       ["KENSA-TEST-DEBIAN-CVE-0000-0021", "KENSA-TEST-DLA-0021-1"])
    }

    func testAlmaErratumRelatedCVEsAndBinaryRpmNames() throws {
        // ALSA-like (ours): the CVEs only in `related`, one entry per binary RPM.
        let dir = try temporaryDirectory(self)
        try write(#"""
            {"id": "KENSA-TEST-ALSA-0001", "related": ["CVE-0000-0801", "CVE-0000-0802", "KENSA-TEST-RHSA-0001"],
             "affected": [{"package": {"ecosystem": "AlmaLinux:9", "name": "openssl-libs"},
                           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-27.el9"}]}]},
                          {"package": {"ecosystem": "AlmaLinux:9", "name": "openssl"},
                           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-27.el9"}]}]}]}
            """#, to: dir.appendingPathComponent("src/alsa.json"))
        // A language record's `related` is another vulnerability: not folded.
        try write(#"{"id": "KENSA-TEST-PY-0001", "related": ["CVE-0000-0803"], "affected": [{"package": {"ecosystem": "PyPI", "name": "y"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}]}]}"#,
                  to: dir.appendingPathComponent("src/py.json"))
        let summary = try VulnDBBuilder.build(from: [dir.appendingPathComponent("src").path], output: dir.appendingPathComponent("k.db").path)
        let db = try VulnDB(path: summary.path)
        let alma = OperatingSystem(family: "almalinux", version: "9.4")
        func rpm(_ name: String, _ version: String) -> Package {
            package(.rpm, name, version, source: "openssl", sourceVersion: "3.0.7-25.el9", path: "var/lib/rpm/rpmdb.sqlite")
        }
        // rpm advisories are keyed by the binary name: openssl-libs matches its own entry, and
        // openssl-devel (no entry of its own) does not inherit the source package's.
        let m = try db.match([rpm("openssl-libs", "1:3.0.7-25.el9"), rpm("openssl-libs", "1:3.0.7-27.el9"),
                              rpm("openssl-devel", "1:3.0.7-25.el9")], os: alma)
        XCTAssertEqual(m.keys, ["openssl-libs@1:3.0.7-25.el9 CVE-0000-0801", "openssl-libs@1:3.0.7-25.el9 CVE-0000-0802"])
        XCTAssertEqual(m.finding("CVE-0000-0801", "openssl-libs")?.vulnerability?.advisoryIDs, ["KENSA-TEST-ALSA-0001"])
        let py = try db.match([package(.pypi, "y", "1")], os: nil)
        XCTAssertEqual(py.keys, ["y@1 KENSA-TEST-PY-0001"])
        XCTAssertEqual(py.findings.first?.vulnerability?.aliases, [])
    }

    func testLanguageRecordsKeepCVEAliasesTogether() throws {
        // Two CVE aliases on a PyPI record name one vulnerability twice: one finding.
        let dir = try temporaryDirectory(self)
        try write(#"{"id": "PYSEC-0000-1", "aliases": ["CVE-0000-0901", "CVE-0000-0902"], "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}]}]}"#,
                  to: dir.appendingPathComponent("src/a.json"))
        let summary = try VulnDBBuilder.build(from: [dir.appendingPathComponent("src").path], output: dir.appendingPathComponent("k.db").path)
        let m = try VulnDB(path: summary.path).match([package(.pypi, "x", "1")], os: nil)
        XCTAssertEqual(m.keys, ["x@1 PYSEC-0000-1"])
        XCTAssertEqual(m.findings.first?.vulnerability?.aliases, ["CVE-0000-0901", "CVE-0000-0902"])
    }
}
