import Foundation
import XCTest

/// `kensa db build` / `db info` as a user runs them.
final class VulnDbCommandTests: XCTestCase {
    private var osv: String { Kensa.sharedTestdata.appendingPathComponent("osv").path }

    func testBuildThenInfo() throws {
        let cache = try temporaryDirectory(self)
        let build = try Kensa.run(["db", "build", "--from", osv, "--cache-dir", cache.path],
                                  environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        XCTAssertEqual(build.status, 0, build.err)
        XCTAssertTrue(build.out.hasPrefix("built \(cache.path)/db/kensa.db: 249 records, 0 skipped as malformed"), build.out)
        XCTAssertTrue(build.out.contains("  PyPI: 75\n"), build.out)

        let info = try Kensa.run(["db", "info"], environment: ["KENSA_CACHE_DIR": cache.path])
        XCTAssertEqual(info.status, 0, info.err)
        XCTAssertTrue(info.out.contains("Schema version: 2\n"), info.out)
        XCTAssertTrue(info.out.contains("Built at: 2023-11-14T22:13:20Z\n"), info.out)
        XCTAssertTrue(info.out.contains("Records: 249 (0 skipped as malformed)\n"), info.out)
        XCTAssertTrue(info.out.contains("  \(osv)\n"), info.out)
        XCTAssertTrue(info.out.contains("  crates.io: 50\n"), info.out)
    }

    func testMalformedRecordsWarnAndMalformedArchiveExits2() throws {
        let dir = try temporaryDirectory(self)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("src"), withIntermediateDirectories: true)
        try Data("{".utf8).write(to: dir.appendingPathComponent("src/bad.json"))
        let out = dir.appendingPathComponent("k.db").path
        let warned = try Kensa.run(["db", "build", "--from", dir.appendingPathComponent("src").path, "--from", osv + "/npm",
                                    "--output", out])
        XCTAssertEqual(warned.status, 0, warned.err)
        XCTAssertTrue(warned.err.hasPrefix("kensa: warning: \(dir.path)/src/bad.json: not an OSV record"), warned.err)
        XCTAssertTrue(warned.out.contains("23 records, 1 skipped as malformed"), warned.out)

        let zip = dir.appendingPathComponent("bad.zip")
        try Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: zip)
        let failed = try Kensa.run(["db", "build", "--from", zip.path, "--output", out])
        XCTAssertEqual(failed.status, 2)
        XCTAssertTrue(failed.err.hasPrefix("kensa: \(zip.path): "), failed.err)
        XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
        // The DB built before is untouched.
        let info = try Kensa.run(["db", "info", "--db", out])
        XCTAssertTrue(info.out.contains("Records: 23 (1 skipped as malformed)"), info.out)
    }

    func testNoDatabaseSaysWhatToRun() throws {
        let cache = try temporaryDirectory(self)
        let info = try Kensa.run(["db", "info", "--cache-dir", cache.path])
        XCTAssertEqual(info.status, 2)
        XCTAssertEqual(info.err, "kensa: \(cache.path)/db/kensa.db: no vulnerability database: run `kensa db update` or `kensa db build --from DIR`\n")
        let build = try Kensa.run(["db", "build", "--cache-dir", cache.path])
        XCTAssertEqual(build.status, 2)
    }
}
