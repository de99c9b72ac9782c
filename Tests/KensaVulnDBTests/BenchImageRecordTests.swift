import Foundation
import KensaCore
@testable import KensaVulnDB
import XCTest

/// The real records of ../shared/testdata/osv that meet the bench image's packages
/// (docs/benchmarks/vuln-differential.md), at and around their boundaries: what kensa and
/// Trivy both report there, and what neither does.
final class BenchImageRecordTests: XCTestCase {
    func testRealRecordsOnTheBenchImagePackages() throws {
        let dir = try temporaryDirectory(self)
        let summary = try VulnDBBuilder.build(from: [sharedOSVData()], output: dir.appendingPathComponent("k.db").path)
        let db = try VulnDB(path: summary.path)
        let m = try db.match([
            package(.pypi, "cryptography", "2.3"), package(.pypi, "cryptography", "3.2"), package(.pypi, "cryptography", "3.2.1"),
            package(.pypi, "lxml", "4.9.1"), package(.pypi, "lxml", "4.6.1"), package(.pypi, "lxml", "1.1"),
            package(.pypi, "PyYAML", "6.0"), package(.pypi, "PyYAML", "5.3"), package(.pypi, "PyYAML", "5.4"),
            package(.golang, "stdlib", "v1.19.8"), package(.golang, "stdlib", "v1.26.3"),
            package(.golang, "stdlib", "v1.26.4"), package(.golang, "stdlib", "v1.25.11"),
        ], os: nil)
        XCTAssertEqual(m.keys, [
            // PYSEC-2021-62: introduced 0, fixed 3.2.1.
            "cryptography@2.3 CVE-2020-25659", "cryptography@3.2 CVE-2020-25659",
            // PYSEC-2020-62: introduced 1.2, fixed 4.6.2 (4.9.1 above, 1.1 below).
            "lxml@4.6.1 CVE-2020-27783",
            // PYSEC-2021-142 (fixed 5.4) and PYSEC-2020-96 (5.1 to 5.3.1); PyYAML 6.0 is past both.
            "PyYAML@5.3 CVE-2020-14343", "PyYAML@5.3 CVE-2020-1747",
            // GO-2026-5039: [0, 1.25.11) and [1.26.0-0, 1.26.4).
            "stdlib@v1.19.8 CVE-2026-42507", "stdlib@v1.26.3 CVE-2026-42507",
        ])
        let crypto = try XCTUnwrap(m.finding("CVE-2020-25659", "cryptography")?.vulnerability)
        XCTAssertEqual(crypto.advisoryIDs, ["PYSEC-2021-62"])
        XCTAssertEqual(crypto.aliases, ["GHSA-hggm-jpg3-v476", "PYSEC-2021-62"])
        XCTAssertEqual(crypto.fixedVersions, ["3.2.1"])
        let go = m.findings.filter { $0.id == "CVE-2026-42507" }.compactMap(\.vulnerability)
        XCTAssertEqual(Set(go.map { "\($0.installedVersion)→\($0.fixedVersions)" }),
                       ["v1.19.8→[\"1.25.11\"]", "v1.26.3→[\"1.26.4\"]"])
    }
}
