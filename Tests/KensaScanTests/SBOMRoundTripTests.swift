import Foundation
import KensaCore
import KensaReport
import XCTest
@testable import KensaScan

/// kensa's own CycloneDX and SPDX documents read back give the inventory they were written from.
final class SBOMRoundTripTests: XCTestCase {
    private func original() throws -> Report {
        try scan(.rootfs(path: SBOMFixtures.rootfs), options: ScanOptions(scanners: []))
    }

    /// Everything a package carries that both writers keep.
    private struct Written: Hashable, CustomStringConvertible {
        var package: Package
        var description: String {
            "\(package.purl) \(package.name) \(package.version) \(package.foundBy) \(package.location.path) "
                + "\(package.sourceName ?? "-") \(package.sourceVersion ?? "-") \(package.architecture ?? "-") "
                + "\(package.licenses) deps=\(package.dependsOn)"
        }
    }

    private func assertSame(_ read: SBOMInventory, _ report: Report, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(read.os?.family, report.os?.family, file: file, line: line)
        XCTAssertEqual(read.os?.version, report.os?.version, file: file, line: line)
        XCTAssertEqual(read.os?.prettyName, report.os?.prettyName, file: file, line: line)
        XCTAssertEqual(read.os?.source, report.os?.source, file: file, line: line)
        XCTAssertEqual(read.kind, report.artifact.kind, file: file, line: line)
        XCTAssertEqual(read.warnings, [], file: file, line: line)
        XCTAssertEqual(read.packages.map { Written(package: $0).description },
                       report.packages.map { Written(package: $0).description }, file: file, line: line)
        XCTAssertEqual(read.packages, report.packages, file: file, line: line)
    }

    func testCycloneDX() throws {
        let report = try original()
        XCTAssertFalse(report.packages.filter { !$0.dependsOn.isEmpty }.isEmpty, "the fixture has dependency edges")
        let data = try render(report, as: .cyclonedx)
        assertSame(try SBOMReader.parse(data, input: "kensa.cdx.json"), report)
    }

    func testSPDX() throws {
        let report = try original()
        let data = try render(report, as: .spdxJSON)
        assertSame(try SBOMReader.parse(data, input: "kensa.spdx.json"), report)
    }

    func testImageFactsSurvive() throws {
        var report = try original()
        report.artifact = .init(name: "app:1", kind: .containerImage,
                                image: ImageMetadata(imageID: "sha256:" + String(repeating: "a", count: 64)))
        report.packages = report.packages.map { package in
            var package = package
            package.location.layerDigest = "sha256:" + String(repeating: "b", count: 64)
            package.location.diffID = "sha256:" + String(repeating: "c", count: 64)
            return package
        }
        for format in [ReportFormat.cyclonedx, .spdxJSON] {
            let read = try SBOMReader.parse(try render(report, as: format), input: "image.json")
            XCTAssertEqual(read.kind, .containerImage, "\(format)")
            XCTAssertEqual(read.packages.map(\.location), report.packages.map(\.location), "\(format)")
        }
    }
}
