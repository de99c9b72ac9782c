import Foundation
import KensaCore
@testable import KensaReport
import XCTest

/// Each format's output for the sample report, byte for byte. A change here is a change users
/// see: review the golden diff.
final class GoldenTests: XCTestCase {
    func testTable() throws {
        try Golden.assertMatches(try render(SampleReport.report, as: .table, options: WriterOptions()),
                                 "sample.golden.txt")
    }

    func testTableSummaryOnly() throws {
        try Golden.assertMatches(try render(SampleReport.report, as: .table, options: WriterOptions(listPackages: false)),
                                 "sample-summary.golden.txt")
    }

    func testJSON() throws {
        try Golden.assertMatches(try render(SampleReport.report, as: .json, options: WriterOptions()),
                                 "sample.golden.json")
    }

    func testCycloneDX() throws {
        try Golden.assertMatches(try render(SampleReport.report, as: .cyclonedx, options: WriterOptions()),
                                 "sample.golden.cdx.json")
    }

    func testSPDX() throws {
        try Golden.assertMatches(try render(SampleReport.report, as: .spdxJSON, options: WriterOptions()),
                                 "sample.golden.spdx.json")
    }

    func testSARIF() throws {
        try Golden.assertMatches(try render(SampleReport.report, as: .sarif, options: WriterOptions()),
                                 "sample.golden.sarif.json")
    }

    func testEmptyReportEveryFormat() throws {
        try Golden.assertMatches(try render(SampleReport.empty, as: .table), "empty.golden.txt")
        try Golden.assertMatches(try render(SampleReport.empty, as: .json), "empty.golden.json")
        try Golden.assertMatches(try render(SampleReport.empty, as: .cyclonedx), "empty.golden.cdx.json")
        try Golden.assertMatches(try render(SampleReport.empty, as: .spdxJSON), "empty.golden.spdx.json")
        try Golden.assertMatches(try render(SampleReport.empty, as: .sarif), "empty.golden.sarif.json")
    }
}
