import Foundation
import KensaCore
@testable import KensaReport
import XCTest

final class JSONWriterTests: XCTestCase {
    func testDocumentedTopLevelFields() throws {
        let json = try jsonObject(try render(SampleReport.report, as: .json))
        XCTAssertEqual(Set(json.keys), ["schemaVersion", "createdAt", "tool", "artifact", "os", "packages",
                                        "summary", "warnings"])
        XCTAssertEqual(json["schemaVersion"] as? Int, 1)
        let packages = try XCTUnwrap(json["packages"] as? [[String: Any]])
        XCTAssertEqual(packages.count, 17)
        let bash = try XCTUnwrap(packages.first { $0["name"] as? String == "bash" })
        XCTAssertEqual(bash["purl"] as? String, "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12")
        XCTAssertEqual(bash["sourceVersion"] as? String, "5.2.15-2")
        XCTAssertEqual((bash["location"] as? [String: Any])?["layerDigest"] as? String, SampleReport.layer1)
        XCTAssertEqual(bash["dev"] as? Bool, false)
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        XCTAssertEqual(summary["packages"] as? Int, 17)
        XCTAssertEqual((summary["packagesByEcosystem"] as? [String: Int])?["npm"], 6)
        XCTAssertEqual(summary["warnings"] as? Int, 2)
    }

    func testAbsentValuesAreLeftOutAndEmptyArraysKept() throws {
        let json = try jsonObject(try render(SampleReport.empty, as: .json))
        XCTAssertNil(json["os"])
        XCTAssertEqual((json["packages"] as? [Any])?.count, 0)
        XCTAssertNil((json["artifact"] as? [String: Any])?["image"])
        XCTAssertTrue(try renderString(SampleReport.empty, .json).contains("\"packages\" : [],"))
    }

    func testEmptyContainersCollapseOnlyOutsideStrings() {
        let input = Data("{\n  \"a\" : [\n\n  ],\n  \"b\" : \"[\\n\\n]\",\n  \"c\" : {\n\n  }\n}".utf8)
        XCTAssertEqual(String(decoding: JSONOutput.collapseEmptyContainers(input), as: UTF8.self),
                       "{\n  \"a\" : [],\n  \"b\" : \"[\\n\\n]\",\n  \"c\" : {}\n}")
    }
}

final class RenderTests: XCTestCase {
    func testEveryFormatHasExactlyOneWriter() {
        for format in ReportFormat.allCases {
            XCTAssertEqual(allWriters.filter { $0.format == format }.count, 1, "\(format)")
        }
        XCTAssertEqual(allWriters.count, ReportFormat.allCases.count)
        XCTAssertEqual(ReportFormat(rawValue: "spdx-json"), .spdxJSON)
    }
}
