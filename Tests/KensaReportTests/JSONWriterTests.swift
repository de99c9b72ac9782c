import Foundation
import KensaCore
@testable import KensaReport
import XCTest

final class JSONWriterTests: XCTestCase {
    func testDocumentedTopLevelFields() throws {
        let json = try jsonObject(try render(SampleReport.report, as: .json))
        XCTAssertEqual(Set(json.keys), ["schemaVersion", "createdAt", "tool", "artifact", "os", "packages",
                                        "findings", "summary", "warnings"])
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        // Report order: path, layer, line, ID.
        XCTAssertEqual(findings.map { $0["id"] as? String }, [
            "KNS-DF-001", "github-pat", "CVE-2099-1005", "CVE-2099-1004", "CVE-2099-1004", "KNS-PSS-007",
            "GHSA-2099-aaaa-bbbb", "GO-2099-0001", "CVE-2099-1001", "CVE-2099-1002"])
        XCTAssertEqual((findings[0]["suppressed"] as? [String: Any])?["reason"] as? String,
                       "base image for a build stage only")
        // A suppressed vulnerability stays, with where the suppression came from and why.
        XCTAssertEqual(findings[2]["suppressed"] as? [String: String], ["source": "vex", "reason": "vulnerable_code_not_present"])
        XCTAssertNil(findings[1]["suppressed"])
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
        XCTAssertEqual(summary["findings"] as? Int, 8)
        XCTAssertEqual(summary["suppressedFindings"] as? Int, 2)
        XCTAssertEqual(summary["findingsBySeverity"] as? [String: Int], ["CRITICAL": 1, "HIGH": 3, "MEDIUM": 1, "LOW": 2, "UNKNOWN": 1])
    }

    /// Every documented vulnerability field, with the evidence of where the package is.
    func testVulnerabilityFields() throws {
        let json = try jsonObject(try render(SampleReport.report, as: .json))
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        let glibc = try XCTUnwrap(findings.first { $0["id"] as? String == "CVE-2099-1001" })
        XCTAssertEqual(glibc["kind"] as? String, "vulnerability")
        XCTAssertEqual(glibc["location"] as? [String: String], ["path": "var/lib/dpkg/status", "layerDigest": SampleReport.layer1])
        let v = try XCTUnwrap(glibc["vulnerability"] as? [String: Any])
        XCTAssertEqual(Set(v.keys), ["packageName", "installedVersion", "purl", "fixedVersions", "status", "aliases",
                                     "advisoryIDs", "cvss", "severitySource", "dataSource", "references", "published",
                                     "modified", "epss", "epssPercentile", "knownExploited"])
        XCTAssertEqual(v["packageName"] as? String, "libc6")
        XCTAssertEqual(v["installedVersion"] as? String, "2.36-9+deb12u7")
        XCTAssertEqual(v["fixedVersions"] as? [String], ["2.36-9+deb12u8"])
        XCTAssertEqual(v["status"] as? String, "fixed")
        XCTAssertEqual(v["epss"] as? Double, 0.97531)
        XCTAssertEqual(v["knownExploited"] as? Bool, true)
        XCTAssertEqual((v["cvss"] as? [[String: Any]])?.first?["score"] as? Double, 7.5)
        let cobra = try XCTUnwrap(findings.first { $0["id"] as? String == "GO-2099-0001" }?["vulnerability"] as? [String: Any])
        XCTAssertNil(cobra["epss"])
        XCTAssertNil(cobra["severitySource"])
        XCTAssertEqual(cobra["knownExploited"] as? Bool, false)
        XCTAssertEqual(cobra["status"] as? String, "affected")
        XCTAssertEqual(cobra["fixedVersions"] as? [String], [])
    }

    /// libc6:amd64 and libc6:i386 in one dpkg status file, with the same advisory: two findings
    /// that differ only in the package's purl must both stay.
    func testMultiarchFindingsAreNotMerged() throws {
        var report = SampleReport.report
        guard let glibc = report.findings.first(where: { $0.id == "CVE-2099-1001" }), var v = glibc.vulnerability else {
            return XCTFail("sample has CVE-2099-1001")
        }
        var i386 = glibc
        v.purl.qualifiers["arch"] = "i386"
        i386.vulnerability = v
        report.findings.append(i386)
        let findings = try XCTUnwrap(try jsonObject(try render(report, as: .json))["findings"] as? [[String: Any]])
        let purls = findings.filter { $0["id"] as? String == "CVE-2099-1001" }
            .compactMap { ($0["vulnerability"] as? [String: Any])?["purl"] as? String }
        XCTAssertEqual(purls, ["pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12",
                               "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=i386&distro=debian-12"])
        report.findings.append(i386)
        let again = try XCTUnwrap(try jsonObject(try render(report, as: .json))["findings"] as? [[String: Any]])
        XCTAssertEqual(again.count, findings.count, "an exact repeat is still shown once")
    }

    /// A NaN or infinite score (which no scanner should produce) is left out, not written as
    /// `nan`, which is not JSON.
    func testNonFiniteNumbersLeftOut() throws {
        var report = SampleReport.report
        for index in report.findings.indices where report.findings[index].vulnerability != nil {
            report.findings[index].vulnerability?.epss = .nan
            report.findings[index].vulnerability?.cvss = [.init(type: "CVSS_V3", vector: "x", score: .infinity)]
        }
        let data = try render(report, as: .json)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: data))
        XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("epss\""))
    }

    func testAbsentValuesAreLeftOutAndEmptyArraysKept() throws {
        let json = try jsonObject(try render(SampleReport.empty, as: .json))
        XCTAssertNil(json["os"])
        XCTAssertEqual((json["packages"] as? [Any])?.count, 0)
        XCTAssertNil((json["artifact"] as? [String: Any])?["image"])
        XCTAssertTrue(try renderString(SampleReport.empty, .json).contains("\"packages\": [],"))
    }

}

final class JSONSerializerTests: XCTestCase {
    func text(_ value: JSON) -> String { String(decoding: value.bytes, as: UTF8.self) }

    func testLayout() {
        let value = JSON.object(dropping: [
            "b": .array([.int(-1), .bool(true), .array([]), .object([:])]),
            "a": .string("x"),
            "gone": nil,
            "B": .int(Int64.max),
        ])
        XCTAssertEqual(text(value), """
            {
              "B": 9223372036854775807,
              "a": "x",
              "b": [
                -1,
                true,
                [],
                {}
              ]
            }

            """)
    }

    func testStringEscapes() throws {
        let raw = "q\"b\\s/\u{0}\u{1F}\n\r\t\u{8}\u{C}\u{7F}é😀\u{2028}"
        let encoded = text(.string(raw))
        XCTAssertEqual(encoded, "\"q\\\"b\\\\s/\\u0000\\u001f\\n\\r\\t\\b\\f\u{7F}é😀\u{2028}\"\n")
        // And a standard parser reads back exactly the original.
        let parsed = try JSONSerialization.jsonObject(with: Data(encoded.utf8), options: [.fragmentsAllowed])
        XCTAssertEqual(parsed as? String, raw)
    }

    func testKeysSortByBytes() {
        let keys = ["é", "z", "Z", "$schema", "bom-ref", "bomFormat", "a b"]
        let value = JSON.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSON.int(0)) }))
        let order = text(value).split(separator: "\n").dropFirst().dropLast().map { $0.split(separator: "\"")[1] }
        XCTAssertEqual(order, ["$schema", "Z", "a b", "bom-ref", "bomFormat", "z", "é"])
    }

    func testContentIDFillsOnlyTheField() {
        let placeholder = ContentID.placeholder
        let value = JSON.object([
            "decoy": .string("\"serialNumber\": \"urn:uuid:\(placeholder)\""),
            "serialNumber": .string("urn:uuid:" + placeholder),
        ])
        let bytes = value.bytes
        let filled = String(decoding: ContentID.fill(bytes, key: "serialNumber", valuePrefix: "urn:uuid:"), as: UTF8.self)
        let uuid = NameBasedUUID.forContent(bytes)
        XCTAssertTrue(filled.contains("\"serialNumber\": \"urn:uuid:\(uuid)\""))
        XCTAssertTrue(filled.contains("urn:uuid:\(placeholder)\\\""), "the decoy inside a string is untouched")
        XCTAssertEqual(filled.count, String(decoding: bytes, as: UTF8.self).count)
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
