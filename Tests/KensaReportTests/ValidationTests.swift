import Foundation
import KensaCore
@testable import KensaReport
import XCTest

/// The SBOMs pass the official validators, run as processes: CycloneDX 1.6 JSON schema
/// (cyclonedx-python-lib, strict) and SPDX 2.3 (spdx-tools, what `pyspdxtools -i` runs), via
/// scripts/validate-sbom.py with the Python in `KENSA_TEST_PYTHON` (else `python3`). A missing
/// validator package fails these tests.
final class ValidationTests: XCTestCase {
    func testSampleCycloneDX() throws {
        try Validator.assertValid(try render(SampleReport.report, as: .cyclonedx), kind: "cyclonedx")
    }

    func testSampleSPDX() throws {
        try Validator.assertValid(try render(SampleReport.report, as: .spdxJSON), kind: "spdx")
    }

    func testEmptyReport() throws {
        try Validator.assertValid(try render(SampleReport.empty, as: .cyclonedx), kind: "cyclonedx")
        try Validator.assertValid(try render(SampleReport.empty, as: .spdxJSON), kind: "spdx")
    }

    /// What a hostile or merely odd image can put into a report: control characters, quotes,
    /// non-ASCII, empty versions and names, a `#` in a path, licenses of every kind, an OS
    /// with no version, a root filesystem with no image metadata.
    func testOddValues() throws {
        let odd: [Package] = [
            Package(name: "we\u{1B}[31mird\"name", version: "", ecosystem: .npm,
                    purl: PURL(type: "npm", name: "we\u{1B}[31mird\"name"), foundBy: "t",
                    licenses: ["", "LicenseRef-Proprietary", "(MIT", "Zlib", "GPL-2.0-or-later WITH Classpath-exception-2.0"],
                    location: .init(path: "a#b/ü/package.json")),
            Package(name: "ünïcødé", version: "1.0+build~1:2", ecosystem: .pypi,
                    purl: PURL(type: "pypi", name: "ünïcødé", version: "1.0+build~1:2"), foundBy: "t",
                    licenses: ["MIT OR Apache-2.0", "BSD-2-Clause"], location: .init(path: "x")),
            Package(name: "", version: "1", ecosystem: .gem, purl: PURL(type: "gem", name: "x", version: "1"),
                    foundBy: "t", licenses: [String(repeating: "x", count: 10_000), "Proprietary", "MIT License"],
                    location: .init(path: "")),
            Package(name: "dup", version: "1", ecosystem: .cargo, purl: PURL(type: "cargo", name: "dup", version: "1"),
                    foundBy: "t", location: .init(path: "Cargo.lock"), dependsOn: ["pkg:cargo/dup@1"]),
            Package(name: "dup", version: "1", ecosystem: .cargo, purl: PURL(type: "cargo", name: "dup", version: "1"),
                    foundBy: "t", location: .init(path: "Cargo.lock"), dependsOn: ["pkg:cargo/dup@1"]),
        ]
        let report = Report(artifact: .init(name: "/srv/root fs/ü", kind: .rootfs),
                            os: OperatingSystem(family: "wolfi", version: ""), packages: odd,
                            warnings: [ScanWarning(path: "\u{0}", reason: "nul")],
                            createdAt: Date(timeIntervalSince1970: 1_234_567_890))
        try Validator.assertValid(try render(report, as: .cyclonedx), kind: "cyclonedx")
        try Validator.assertValid(try render(report, as: .spdxJSON), kind: "spdx")
    }

    /// Every ID kensa writes as an SPDX ID is one both validators accept.
    func testEveryListedIDPassesBothValidators() throws {
        let licenses = SPDXLicenseList.licenses.map { [$0] } + SPDXLicenseList.exceptions.map { ["Apache-2.0 WITH \($0)"] }
        let packages = licenses.enumerated().map { index, licenses in
            Package(name: "p\(index)", version: "1", ecosystem: .npm, purl: PURL(type: "npm", name: "p\(index)", version: "1"),
                    foundBy: "t", licenses: licenses, location: .init(path: "package-lock.json"))
        }
        let report = Report(artifact: .init(name: "licenses", kind: .filesystem), os: nil, packages: packages,
                            warnings: [], createdAt: Date(timeIntervalSince1970: 0))
        let cdx = try render(report, as: .cyclonedx)
        XCTAssertFalse(String(decoding: cdx, as: UTF8.self).contains("\"name\": \"Apache-2.0 WITH"),
                       "every exception expression is recognised")
        try Validator.assertValid(cdx, kind: "cyclonedx")
        try Validator.assertValid(try render(report, as: .spdxJSON), kind: "spdx")
    }

    /// The validator really rejects bad documents, so a passing test means something.
    func testValidatorRejectsBrokenDocuments() throws {
        var cdx = try jsonObject(try render(SampleReport.report, as: .cyclonedx))
        cdx["specVersion"] = "1.6"
        cdx["bogus"] = true
        let badCDX = try JSONSerialization.data(withJSONObject: cdx)
        XCTAssertEqual(try runValidator(badCDX, kind: "cyclonedx").status, 1)

        var spdx = try jsonObject(try render(SampleReport.report, as: .spdxJSON))
        spdx["documentNamespace"] = "not a uri"
        let badSPDX = try JSONSerialization.data(withJSONObject: spdx)
        XCTAssertEqual(try runValidator(badSPDX, kind: "spdx").status, 1)

        var dangling = try jsonObject(try render(SampleReport.report, as: .cyclonedx))
        dangling["dependencies"] = [["ref": "pkg:npm/nowhere@1"]]
        XCTAssertEqual(try runValidator(try JSONSerialization.data(withJSONObject: dangling), kind: "cyclonedx").status, 1)
    }

    private func runValidator(_ data: Data, kind: String) throws -> ProcessResult {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-bad-\(UUID().uuidString).json")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try Validator.run([Paths.validator.path, kind, url.path])
        if result.status == 3 || result.status == 127 {
            XCTFail("validator unavailable: \(result.stderr)")
        }
        return result
    }
}
