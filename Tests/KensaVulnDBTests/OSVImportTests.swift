import Foundation
import KensaCore
@testable import KensaVulnDB
import XCTest

final class OSVImportTests: XCTestCase {
    func testSharedTestDataImports() throws {
        let dir = try temporaryDirectory(self)
        let output = dir.appendingPathComponent("db/kensa.db").path
        let summary = try VulnDBBuilder.build(from: [sharedOSVData()], output: output,
                                              builtAt: Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(summary.warnings, [])
        XCTAssertEqual(summary.metadata.records, 249)
        XCTAssertEqual(summary.metadata.recordCounts, ["Maven": 23, "crates.io": 50, "PyPI": 75, "Go": 51, "npm": 23,
                                                       "NuGet": 1, "RubyGems": 28])
        let db = try VulnDB(path: output)
        XCTAssertEqual(db.metadata.builtAt, "2023-11-14T22:13:20Z")
        XCTAssertEqual(db.metadata.sources, [sharedOSVData()])
        XCTAssertEqual(db.metadata.records, 249)
        XCTAssertEqual(db.metadata.schemaVersion, VulnDB.schemaVersion)
        // No temporary file left beside the DB.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("db").path), ["kensa.db"])
    }

    func testZipArchiveImportsLikeTheDirectory() throws {
        let dir = try temporaryDirectory(self)
        let zip = dir.appendingPathComponent("all.zip").path
        try sh("cd '\(sharedOSVData())/npm' && zip -q -X '\(zip)' *.json")
        let summary = try VulnDBBuilder.build(from: [zip], output: dir.appendingPathComponent("z.db").path)
        XCTAssertEqual(summary.metadata.records, 23)
        XCTAssertEqual(summary.metadata.recordCounts, ["npm": 23, "Maven": 1, "NuGet": 1])
        let db = try VulnDB(path: summary.path)
        let matches = try db.match([package(.npm, "lodash", "4.17.20")], os: nil)
        XCTAssertTrue(matches.keys.contains("lodash@4.17.20 CVE-2020-28500"), "\(matches.keys)")
    }

    func testMalformedRecordsAreWarningsNotFatal() throws {
        let dir = try temporaryDirectory(self)
        let src = dir.appendingPathComponent("src")
        try write(#"{"id": "OURS-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}"#,
                  to: src.appendingPathComponent("good.json"))
        try write("not json", to: src.appendingPathComponent("a-garbage.json"))
        try write(#"{"summary": "no id"}"#, to: src.appendingPathComponent("b-noid.json"))
        try write(#"{"id": "OURS-2", "affected": [{"package": {"ecosystem": "npm", "name": "y"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"broken": "1"}]}]}]}"#,
                  to: src.appendingPathComponent("c-event.json"))
        try write(#"{"id": "OURS-3", "affected": [{"package": {"ecosystem": "npm", "name": "y"}, "ranges": [{"type": "NOPE", "events": []}]}]}"#,
                  to: src.appendingPathComponent("d-type.json"))
        try write(String(repeating: "[", count: 100_000), to: src.appendingPathComponent("e-deep.json"))
        try write(#"{"id": 42}"#, to: src.appendingPathComponent("f-type.json"))
        try write(String(#"{"id": "OURS-4", "details": ""#) + String(repeating: "x", count: 17 << 20) + #""}"#,
                  to: src.appendingPathComponent("g-huge.json"))
        try write(#"{"id": "OURS-5", "affected": [{"package": {"ecosystem": "npm", "name": "y"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]"#,
                  to: src.appendingPathComponent("h-truncated.json"))
        let summary = try VulnDBBuilder.build(from: [src.path], output: dir.appendingPathComponent("k.db").path)
        XCTAssertEqual(summary.metadata.records, 1)
        XCTAssertEqual(summary.metadata.malformedRecords, 8)
        XCTAssertEqual(summary.warnings.count, 8, "\(summary.warnings)")
        for name in ["a-garbage", "b-noid", "c-event", "d-type", "e-deep", "f-type", "g-huge", "h-truncated"] {
            XCTAssertTrue(summary.warnings.contains { $0.contains(name + ".json") && !$0.contains("\n") }, name)
        }
        XCTAssertTrue(summary.warnings.contains { $0.contains("e-deep.json: JSON nested deeper") })
        XCTAssertTrue(summary.warnings.contains { $0.contains("c-event.json: unknown range event broken") })
    }

    func testHighlyCompressedOversizedEntryIsOneWarning() throws {
        let dir = try temporaryDirectory(self)
        let zip = dir.appendingPathComponent("bomb.zip").path
        // 32 MiB of blanks deflate to ~32 KB: only the first 16 MiB are ever inflated.
        try sh("""
            python3 -c "import zipfile; z = zipfile.ZipFile('\(zip)', 'w', zipfile.ZIP_DEFLATED); \
            z.writestr('big.json', ' ' * (32 << 20)); \
            z.write('\(sharedOSVData())/npm/GHSA-29mw-wpgm-hmr9.json', 'GHSA-29mw-wpgm-hmr9.json'); z.close()"
            """)
        let summary = try VulnDBBuilder.build(from: [zip], output: dir.appendingPathComponent("k.db").path)
        XCTAssertEqual(summary.metadata.records, 1)
        XCTAssertEqual(summary.warnings, ["\(zip)!big.json: record larger than 16 MiB"])
    }

    func testMalformedArchiveIsAnErrorAndTheOldDBSurvives() throws {
        let dir = try temporaryDirectory(self)
        let output = dir.appendingPathComponent("db/kensa.db").path
        _ = try VulnDBBuilder.build(from: ["\(sharedOSVData())/npm"], output: output)

        let garbage = dir.appendingPathComponent("garbage.zip")
        try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        let good = dir.appendingPathComponent("good.zip").path
        try sh("cd '\(sharedOSVData())/PyPI' && zip -q -X '\(good)' *.json")
        let truncated = dir.appendingPathComponent("truncated.zip").path
        try sh("head -c $(( $(stat -c %s '\(good)') / 2 )) '\(good)' > '\(truncated)'")
        let empty = dir.appendingPathComponent("empty.zip").path
        try sh(": > '\(empty)'")

        for bad in [garbage.path, truncated, empty] {
            XCTAssertThrowsError(try VulnDBBuilder.build(from: [bad], output: output), bad) { error in
                guard let error = error as? KensaError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.input, bad)
                XCTAssertFalse(error.description.contains("\n"))
            }
            let db = try VulnDB(path: output)
            XCTAssertEqual(db.metadata.recordCounts, ["npm": 23, "Maven": 1, "NuGet": 1], bad)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("db").path), ["kensa.db"])
        }
        XCTAssertThrowsError(try VulnDBBuilder.build(from: [dir.appendingPathComponent("missing").path], output: output))
    }

    func testOtherSchemaVersionIsRefused() throws {
        let dir = try temporaryDirectory(self)
        let output = dir.appendingPathComponent("k.db").path
        _ = try VulnDBBuilder.build(from: ["\(sharedOSVData())/npm"], output: output)
        try sh("python3 -c \"import sqlite3; c = sqlite3.connect('\(output)'); c.execute(\\\"UPDATE meta SET value = '999' WHERE key = 'schema_version'\\\"); c.commit()\"")
        XCTAssertThrowsError(try VulnDB(path: output)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("schema version 999"), text)
            XCTAssertTrue(text.contains("kensa db update") && text.contains("kensa db build"), text)
        }
    }

    func testMissingAndForeignFiles() throws {
        let dir = try temporaryDirectory(self)
        XCTAssertThrowsError(try VulnDB(path: dir.appendingPathComponent("none.db").path)) { error in
            XCTAssertTrue("\(error)".contains("run `kensa db update` or `kensa db build"), "\(error)")
        }
        let garbage = dir.appendingPathComponent("garbage.db")
        try Data(repeating: 0x41, count: 8192).write(to: garbage)
        XCTAssertThrowsError(try VulnDB(path: garbage.path)) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .malformed)
            XCTAssertTrue("\(error)".contains("kensa db build"), "\(error)")
        }
        let otherSQLite = dir.appendingPathComponent("other.db").path
        try sh("python3 -c \"import sqlite3; c = sqlite3.connect('\(otherSQLite)'); c.execute('CREATE TABLE t (x)'); c.commit()\"")
        XCTAssertThrowsError(try VulnDB(path: otherSQLite)) { error in
            XCTAssertTrue("\(error)".contains("not a kensa vulnerability database"), "\(error)")
        }
    }

    func testNewerCopyOfARecordWins() throws {
        let dir = try temporaryDirectory(self)
        let record = { (modified: String, fixed: String) in
            #"{"id": "OURS-DUP", "modified": "\#(modified)", "affected": [{"package": {"ecosystem": "npm", "name": "dup"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "\#(fixed)"}]}]}]}"#
        }
        try write(record("2024-01-01T00:00:00Z", "1.0.0"), to: dir.appendingPathComponent("a/old.json"))
        try write(record("2025-01-01T00:00:00Z", "2.0.0"), to: dir.appendingPathComponent("b/new.json"))
        for order in [["a", "b"], ["b", "a"]] {
            let summary = try VulnDBBuilder.build(from: order.map { dir.appendingPathComponent($0).path },
                                                  output: dir.appendingPathComponent("k.db").path)
            XCTAssertEqual(summary.metadata.records, 1)
            let matches = try VulnDB(path: summary.path).match([package(.npm, "dup", "1.5.0")], os: nil)
            XCTAssertEqual(matches.findings.map(\.id), ["OURS-DUP"])
            XCTAssertEqual(matches.findings.first?.vulnerability?.fixedVersions, ["2.0.0"])
        }
    }

    func testEPSSAndKEVAttachToFindings() throws {
        let dir = try temporaryDirectory(self)
        // Small files in the published layouts (FIRST's EPSS CSV, CISA's KEV JSON); values ours.
        try write("""
            #model_version:v2023.03.01,score_date:2026-11-24T00:00:00+0000
            cve,epss,percentile
            CVE-2018-18074,0.01234,0.80000
            CVE-2020-28500,0.00300,0.60000
            """, to: dir.appendingPathComponent("epss.csv"))
        try write("""
            {"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.24", "count": 1,
             "vulnerabilities": [{"cveID": "CVE-2018-18074", "vendorProject": "Python", "product": "requests",
                                  "dateAdded": "2026-11-24", "knownRansomwareCampaignUse": "Unknown"}]}
            """, to: dir.appendingPathComponent("kev.json"))
        let summary = try VulnDBBuilder.build(from: ["\(sharedOSVData())/PyPI", "\(sharedOSVData())/npm"],
                                              output: dir.appendingPathComponent("k.db").path,
                                              epss: dir.appendingPathComponent("epss.csv").path,
                                              kev: dir.appendingPathComponent("kev.json").path)
        XCTAssertEqual(summary.metadata.epssRecords, 2)
        XCTAssertEqual(summary.metadata.kevRecords, 1)
        let db = try VulnDB(path: summary.path)
        XCTAssertEqual(db.metadata.epssRecords, 2)
        let m = try db.match([package(.pypi, "requests", "2.19.1"), package(.npm, "lodash", "4.17.20")], os: nil)
        let requests = try XCTUnwrap(m.finding("CVE-2018-18074", "requests")?.vulnerability)
        XCTAssertEqual(requests.epss, 0.01234)
        XCTAssertEqual(requests.epssPercentile, 0.8)
        XCTAssertTrue(requests.knownExploited)
        let lodash = try XCTUnwrap(m.finding("CVE-2020-28500", "lodash")?.vulnerability)
        XCTAssertEqual(lodash.epss, 0.003)
        XCTAssertFalse(lodash.knownExploited)
    }

    func testMalformedEPSSAndKEVAreErrors() throws {
        let dir = try temporaryDirectory(self)
        let cases: [(String, String, Bool)] = [
            ("no-header.csv", "CVE-2018-18074,0.1,0.2\n", true),
            ("bad-row.csv", "cve,epss,percentile\nCVE-1,abc,0.2\n", true),
            ("out-of-range.csv", "cve,epss,percentile\nCVE-2018-18074,7,0.2\n", true),
            ("empty.csv", "", true),
            ("not-kev.json", #"{"vulnerabilities": 3}"#, false),
            ("deep.json", String(repeating: "[", count: 50_000), false),
        ]
        for (name, text, isEPSS) in cases {
            let file = dir.appendingPathComponent(name)
            try write(text, to: file)
            XCTAssertThrowsError(try VulnDBBuilder.build(from: ["\(sharedOSVData())/npm"], output: dir.appendingPathComponent("k.db").path,
                                                         epss: isEPSS ? file.path : nil, kev: isEPSS ? nil : file.path), name) { error in
                XCTAssertEqual((error as? KensaError)?.input, file.path, name)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("k.db").path))
    }

    func testCacheDirectoryPrecedence() {
        XCTAssertEqual(VulnDBLocation.cacheDirectory("/flag", environment: ["KENSA_CACHE_DIR": "/env", "XDG_CACHE_HOME": "/xdg"]), "/flag")
        XCTAssertEqual(VulnDBLocation.cacheDirectory(nil, environment: ["KENSA_CACHE_DIR": "/env", "XDG_CACHE_HOME": "/xdg"]), "/env")
        XCTAssertEqual(VulnDBLocation.cacheDirectory(nil, environment: ["XDG_CACHE_HOME": "/xdg", "HOME": "/h"]), "/xdg/kensa")
        XCTAssertEqual(VulnDBLocation.cacheDirectory(nil, environment: ["HOME": "/h"]), "/h/.cache/kensa")
        XCTAssertEqual(VulnDBLocation.databasePath(cacheDirectory: "/c"), "/c/db/kensa.db")
    }
}
