import Foundation
import XCTest

/// Issue 4's noise control through `kensa fs`: a project pinning packages with known advisories
/// from ../shared/testdata/osv, scanned against a DB built from those records.
final class VulnGateTests: XCTestCase {
    /// requests 2.19.1: CVE-2018-18074 (HIGH, fixed in 2.20.0); py 1.11.0: an advisory with a
    /// `last_affected` event only (fix not available).
    private func project() throws -> (dir: URL, cache: URL) {
        let work = try temporaryDirectory(self)
        let cache = work.appendingPathComponent("cache"), dir = work.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "requests==2.19.1\npy==1.11.0\n".write(to: dir.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let build = try Kensa.run(["db", "build", "--from", Kensa.sharedTestdata.appendingPathComponent("osv").path,
                                   "--cache-dir", cache.path])
        XCTAssertEqual(build.status, 0, build.err)
        return (dir, cache)
    }

    private func ids(_ run: KensaRun) throws -> [String] {
        (try ReportJSON(run.stdout).object["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }.sorted()
    }

    private func scan(_ p: (dir: URL, cache: URL), _ extra: [String]) throws -> KensaRun {
        try Kensa.run(["fs", p.dir.path, "--scanners", "vuln", "--cache-dir", p.cache.path, "--format", "json", "-q"] + extra)
    }

    func testSeverityIgnoreUnfixedAndExitCode() throws {
        let p = try project()
        let all = try scan(p, [])
        XCTAssertEqual(all.status, 0, all.err)
        let everything = try ids(all)
        XCTAssertTrue(everything.contains("CVE-2018-18074"), "\(everything)")
        let findings = try ReportJSON(all.stdout).object["findings"] as? [[String: Any]] ?? []
        let unfixed = findings.filter { (($0["vulnerability"] as? [String: Any])?["status"] as? String) == "affected" }
        XCTAssertFalse(unfixed.isEmpty, "py 1.11.0 has an advisory without a fix: \(everything)")

        let fixedOnly = try ids(try scan(p, ["--ignore-unfixed"]))
        XCTAssertEqual(fixedOnly.count, everything.count - unfixed.count)
        XCTAssertTrue(fixedOnly.contains("CVE-2018-18074"))

        XCTAssertEqual(try ids(try scan(p, ["--severity", "CRITICAL"])).filter { $0 == "CVE-2018-18074" }, [])
        XCTAssertEqual(try ids(try scan(p, ["--severity", "high,critical"])).filter { $0 == "CVE-2018-18074" }, ["CVE-2018-18074"])

        XCTAssertEqual(try scan(p, ["--exit-code", "3"]).status, 3, "findings remain: the gate's code")
        let quiet = try scan(p, ["--exit-code", "3", "--severity", "CRITICAL", "--ignore-unfixed"])
        XCTAssertEqual(try ids(quiet).filter { $0 == "CVE-2018-18074" }, [])
        if try ids(quiet).isEmpty { XCTAssertEqual(quiet.status, 0) }
        XCTAssertEqual(try scan(p, ["--exit-code", "2"]).status, 2, "2 is reserved")
        XCTAssertEqual(try scan(p, ["--severity", "SEVERE"]).status, 2)
    }

    func testRequestedVulnScanWithoutDBIsAOneLineError() throws {
        let work = try temporaryDirectory(self)
        let run = try Kensa.run(["fs", work.path, "--scanners", "vuln", "--cache-dir", work.appendingPathComponent("none").path])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.err.split(separator: "\n").count, 1, run.err)
        XCTAssertTrue(run.err.contains("kensa db update"), run.err)
    }
}
