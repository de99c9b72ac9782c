import Foundation
import KensaCore
@testable import KensaReport
import XCTest

final class DeterminismTests: XCTestCase {
    func testEveryFormatIsByteIdenticalAcrossRenders() throws {
        for format in ReportFormat.allCases {
            let first = try render(SampleReport.report, as: format, options: WriterOptions())
            let second = try render(SampleReport.report, as: format, options: WriterOptions())
            XCTAssertEqual(first, second, "\(format) differs between two renders of the same report")
            XCTAssertFalse(first.isEmpty)
        }
    }

    func testInputOrderDoesNotMatter() throws {
        var shuffled = SampleReport.report
        var generator = SeededGenerator(seed: 42)
        shuffled.packages.shuffle(using: &generator)
        shuffled.packages = shuffled.packages.map { package in
            var package = package
            package.dependsOn.reverse()
            return package
        }
        shuffled.warnings.reverse()
        shuffled.warnings.append(shuffled.warnings[0])  // a repeated warning is shown once
        XCTAssertNotEqual(shuffled.packages.map(\.purl), SampleReport.report.packages.map(\.purl))
        for format in ReportFormat.allCases {
            XCTAssertEqual(try render(shuffled, as: format), try render(SampleReport.report, as: format),
                           "\(format) depends on the order of the scan's arrays")
        }
    }

    /// `é` and `e` + U+0301 are equal as Swift strings; their order must still not follow the input.
    func testCanonicallyEquivalentNamesKeepAFixedOrder() throws {
        func package(_ name: String) -> Package {
            Package(name: name, version: "1", ecosystem: .pypi, purl: PURL(type: "pypi", name: name, version: "1"),
                    foundBy: "t", location: .init(path: "p"))
        }
        func warning(_ path: String) -> ScanWarning { ScanWarning(path: path, reason: "r") }
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        XCTAssertEqual(composed, decomposed)
        var one = SampleReport.empty
        one.packages = [package(composed), package(decomposed)]
        one.warnings = [warning(composed), warning(decomposed)]
        var other = one
        other.packages.reverse()
        other.warnings.reverse()
        for format in ReportFormat.allCases {
            XCTAssertEqual(try render(one, as: format), try render(other, as: format), "\(format)")
        }
        // Both warnings are kept: they are different bytes.
        XCTAssertEqual(Ordering.warnings(one.warnings).count, 2)
    }

    func testSerialNumberAndNamespaceFollowTheContent() throws {
        var later = SampleReport.report
        later.createdAt = later.createdAt.addingTimeInterval(1)
        let serial = try cycloneDXSerial(SampleReport.report)
        XCTAssertNotEqual(serial, try cycloneDXSerial(later))
        XCTAssertEqual(serial, try cycloneDXSerial(SampleReport.report))
        // RFC 9562 text form, version 5, variant 10xx.
        let uuid = try XCTUnwrap(serial.split(separator: ":").last.map(String.init))
        XCTAssertTrue(serial.hasPrefix("urn:uuid:"))
        XCTAssertNotNil(UUID(uuidString: uuid))
        XCTAssertEqual(Array(uuid)[14], "5")
        XCTAssertTrue("89ab".contains(Array(uuid)[19]))
        XCTAssertEqual(uuid, uuid.lowercased())

        let namespace = try spdxNamespace(SampleReport.report)
        XCTAssertNotEqual(namespace, try spdxNamespace(later))
        XCTAssertTrue(namespace.hasPrefix("https://spdx.org/spdxdocs/kensa-container-image-example.com-team-app-1.0-"))
        XCTAssertFalse(namespace.contains("#"))
    }

    func testTimestampsComeFromCreatedAt() throws {
        var report = SampleReport.empty
        report.createdAt = Date(timeIntervalSince1970: 1_704_067_199.999)  // fraction dropped, not rounded up
        let cdx = try jsonObject(try render(report, as: .cyclonedx))
        XCTAssertEqual((cdx["metadata"] as? [String: Any])?["timestamp"] as? String, "2023-12-31T23:59:59Z")
        let spdx = try jsonObject(try render(report, as: .spdxJSON))
        XCTAssertEqual((spdx["creationInfo"] as? [String: Any])?["created"] as? String, "2023-12-31T23:59:59Z")
        let json = try jsonObject(try render(report, as: .json))
        XCTAssertEqual(json["createdAt"] as? String, "2023-12-31T23:59:59Z")
    }

    func testTimestampEdges() {
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: -1)), "1969-12-31T23:59:59Z")
        // Out of range dates do not crash; they fall back to the epoch.
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: 1e300)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: .nan)), "1970-01-01T00:00:00Z")
    }

    private func cycloneDXSerial(_ report: Report) throws -> String {
        try XCTUnwrap(try jsonObject(try render(report, as: .cyclonedx))["serialNumber"] as? String)
    }

    private func spdxNamespace(_ report: Report) throws -> String {
        try XCTUnwrap(try jsonObject(try render(report, as: .spdxJSON))["documentNamespace"] as? String)
    }
}

/// SplitMix64, so the shuffle is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
