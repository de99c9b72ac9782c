import Foundation
import KensaCore
import KensaVersion
@testable import KensaVulnDB
import XCTest

/// The DB's binary rows: they round-trip, and damaged bytes (truncated, flipped, claiming huge
/// counts) give a KensaError naming the DB, never a crash or a huge allocation.
final class RowCodecTests: XCTestCase {
    private let advisory = StoredAdvisory(
        id: "GHSA-test", aliases: ["CVE-2024-0001", "PYSEC-2024-1"], summary: "ünïcode summary",
        severity: [OSVSeverity(type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")],
        databaseSeverity: "HIGH", references: ["https://example.test/a", ""], withdrawn: nil,
        published: "2024-01-01T00:00:00Z", modified: nil)

    private var affected: StoredAffected {
        StoredAffected(
            ecosystem: "PyPI", name: "demo",
            ranges: [OSVRange(type: .ecosystem, events: [.introduced("0"), .fixed("1.2"), .lastAffected("0.9"), .limit("*")]),
                     OSVRange(type: .git, events: [.introduced("abc")])],
            versions: ListedVersions(["1.1", "1.0", "1.0.0", "bogus!", "1.1.0rc1"], scheme: .pep440),
            severity: [OSVSeverity(type: "Ubuntu", score: "medium")], specificSeverity: nil)
    }

    func testRoundTrip() throws {
        let a = try StoredAdvisory(decoding: advisory.encoded(), source: "k.db")
        XCTAssertEqual(a, advisory)
        let stored = affected
        let b = try StoredAffected(decoding: stored.encoded(), source: "k.db")
        XCTAssertEqual(b.ecosystem, "PyPI")
        XCTAssertEqual(b.ranges, stored.ranges)
        XCTAssertEqual(b.severity, stored.severity)
        XCTAssertNil(b.specificSeverity)
        XCTAssertEqual(b.versions.all, ["1.0", "1.0.0", "1.1.0rc1", "1.1", "bogus!"], "scheme order, ties by string, rejected last")
        XCTAssertEqual(b.versions.sortedCount, 4)
        XCTAssertTrue(try b.contains("1.1.0", scheme: .pep440))
        XCTAssertTrue(try b.contains("bogus!", scheme: .pep440))
        XCTAssertEqual(b.encoded(), stored.encoded())
    }

    func testEveryTruncationIsAnError() throws {
        for bytes in [advisory.encoded(), affected.encoded()] {
            for length in 0..<bytes.count {
                let prefix = Array(bytes.prefix(length))
                XCTAssertThrowsError(try StoredAffected(decoding: prefix, source: "k.db")) { error in
                    XCTAssertEqual((error as? KensaError)?.kind, .malformed)
                    XCTAssertEqual((error as? KensaError)?.input, "k.db")
                }
                XCTAssertThrowsError(try StoredAdvisory(decoding: prefix, source: "k.db"))
            }
            XCTAssertThrowsError(try StoredAffected(decoding: bytes + [0], source: "k.db"), "trailing bytes")
        }
    }

    func testHugeCountsAreRefusedBeforeAllocating() throws {
        // A string and a list that claim 4 G entries/bytes in a 9-byte row.
        XCTAssertThrowsError(try StoredAdvisory(decoding: [0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5], source: "k.db"))
        XCTAssertThrowsError(try StoredAdvisory(decoding: [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0], source: "k.db"))
    }

    func testFlippedBytesNeverCrash() throws {
        let bytes = affected.encoded()
        var rng = SystemRandomNumberGenerator()
        var decoded = 0
        for _ in 0..<3000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            guard let entry = try? StoredAffected(decoding: damaged, source: "k.db") else { continue }
            decoded += 1
            // Whatever survived decoding must be safe to search.
            for probe in ["1.0", "1.1.0", "2", "bogus!", "x"] { _ = try? entry.contains(probe, scheme: .pep440) }
            _ = entry.versions.all
        }
        XCTAssertLessThan(decoded, 3000)
    }

    func testDamagedOffsetTableIsAnError() throws {
        var w = RowWriter()
        w.string("pep440")
        w.u32(2)
        w.u32(0); w.u32(5); w.u32(3)  // not monotonic
        w.raw(Array("1.0.02.0".utf8))
        w.strings([])
        var r = RowReader(w.bytes, source: "k.db")
        XCTAssertThrowsError(try ListedVersions(reading: &r))
        var w2 = RowWriter()
        w2.string("no-such-scheme")
        w2.u32(0); w2.u32(0)
        w2.strings([])
        var r2 = RowReader(w2.bytes, source: "k.db")
        XCTAssertThrowsError(try ListedVersions(reading: &r2))
    }
}
