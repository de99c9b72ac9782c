import Foundation
import KensaCore
@testable import KensaReport
import XCTest

final class TableTests: XCTestCase {
    func testTerminalEscapesFromTheImageAreNeutralised() throws {
        var report = SampleReport.empty
        report.artifact.name = "evil\u{1B}]0;title\u{07}"
        report.packages = [Package(name: "x\u{1B}[2J\u{202E}y", version: "1\r2", ecosystem: .npm,
                                   purl: PURL(type: "npm", name: "x", version: "1"), foundBy: "t",
                                   location: .init(path: "p\u{9B}q"))]
        report.warnings = [ScanWarning(path: "w\u{0}", reason: "r\n2")]
        let text = try renderString(report, .table, options: WriterOptions(listPackages: true, color: false))
        XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B
            || $0.value == 0x202E || $0.value == 0x0D || $0.value == 0 })
        XCTAssertTrue(text.contains("x\\u{1B}[2J\\u{202E}y"))
        XCTAssertTrue(text.contains("1\\u{D}2"))
        XCTAssertTrue(text.contains("w\\u{0}: r\\u{A}2"))
    }

    func testColourOnlyWhenAsked() throws {
        let plain = try renderString(SampleReport.report, .table, options: WriterOptions(color: false))
        XCTAssertFalse(plain.contains("\u{1B}"))
        let coloured = try renderString(SampleReport.report, .table, options: WriterOptions(color: true))
        XCTAssertTrue(coloured.contains("\u{1B}[1mSummary: \u{1B}[0m"))
        XCTAssertTrue(coloured.contains("\u{1B}[33mWarnings (2):\u{1B}[0m"))
    }

    func testSummaryOnlyListsNoPackages() throws {
        let text = try renderString(SampleReport.report, .table, options: WriterOptions(listPackages: false))
        XCTAssertFalse(text.contains("libstdc++6"))
        XCTAssertTrue(text.contains("Summary: 17 packages (1 apk, 5 deb, 1 golang, 2 maven, 6 npm, 2 pypi)"))
    }

    func testFindingsMostSevereFirstAndSuppressedLeftOut() throws {
        let text = try renderString(SampleReport.report, .table, options: WriterOptions(listPackages: false))
        let critical = try XCTUnwrap(text.range(of: "CRITICAL  github-pat"))
        let high = try XCTUnwrap(text.range(of: "HIGH      KNS-PSS-007"))
        XCTAssertLessThan(critical.lowerBound, high.lowerBound)
        XCTAssertFalse(text.contains("KNS-DF-001"))
        XCTAssertTrue(text.contains("Findings: 2 (1 critical, 1 high), 1 suppressed"))
        let coloured = try renderString(SampleReport.report, .table, options: WriterOptions(color: true))
        XCTAssertTrue(coloured.contains("\u{1B}[31mCRITICAL  github-pat"))
        var none = SampleReport.report
        none.findings = []
        XCTAssertFalse(try renderString(none, .table).contains("Findings"))
    }

    func testSourceColumn() {
        func package(_ source: String?, _ sourceVersion: String?) -> Package {
            Package(name: "libssl3", version: "3.0.15-1", ecosystem: .deb,
                    purl: PURL(type: "deb", name: "libssl3"), foundBy: "dpkg", sourceName: source,
                    sourceVersion: sourceVersion, location: .init(path: "s"))
        }
        XCTAssertEqual(TableWriter.sourceText(package(nil, nil)), "")
        XCTAssertEqual(TableWriter.sourceText(package("libssl3", "3.0.15-1")), "")
        XCTAssertEqual(TableWriter.sourceText(package("openssl", nil)), "openssl")
        XCTAssertEqual(TableWriter.sourceText(package("openssl", "3.0.15-1")), "openssl")
        XCTAssertEqual(TableWriter.sourceText(package("openssl", "3.0.15")), "openssl 3.0.15")
        XCTAssertEqual(TableWriter.sourceText(package(nil, "3.0.15")), "libssl3 3.0.15")
    }

    func testNoTrailingSpaces() throws {
        let text = try renderString(SampleReport.report, .table)
        for line in text.split(separator: "\n") {
            XCTAssertFalse(line.hasSuffix(" "), String(line))
        }
        XCTAssertTrue(text.hasSuffix("\n"))
    }
}
