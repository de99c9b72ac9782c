import Foundation
import KensaCore
import XCTest
@testable import KensaScan

/// Bad and hostile SBOMs: each is one KensaError naming the input and the reason.
final class SBOMHostileInputTests: XCTestCase {
    private func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> KensaError? {
        error(Data(text.utf8), file: file, line: line)
    }

    private func error(_ data: Data, file: StaticString = #filePath, line: UInt = #line) -> KensaError? {
        do {
            _ = try SBOMReader.parse(data, input: "bad.json")
            XCTFail("parsed", file: file, line: line)
            return nil
        } catch let error as KensaError {
            XCTAssertEqual(error.input, "bad.json", file: file, line: line)
            XCTAssertFalse(error.reason.contains("\n"), "one line: \(error.reason)", file: file, line: line)
            return error
        } catch {
            XCTFail("not a KensaError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testNotJSONAndOtherEncodings() {
        XCTAssertEqual(error("hello")?.kind, .malformed)
        XCTAssertEqual(error("")?.reason, "empty file; expected a CycloneDX or SPDX JSON document")
        XCTAssertEqual(error("[]")?.kind, .malformed)
        XCTAssertEqual(error("<?xml version=\"1.0\"?><bom/>")?.kind, .unsupported)
        XCTAssertEqual(error("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n")?.kind, .unsupported)
        XCTAssertEqual(error(#"{"bomFormat": "CycloneDX", "components": [}"#)?.kind, .malformed)
        XCTAssertEqual(error(Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]))?.kind, .malformed, "invalid UTF-8")
    }

    func testNeitherFormat() {
        let neither = error(#"{"schemaVersion": 1, "artifact": {}}"#)
        XCTAssertEqual(neither?.reason, "neither CycloneDX (no bomFormat) nor SPDX (no spdxVersion) JSON")
        XCTAssertEqual(error(#"{"bomFormat": "SWID"}"#)?.kind, .unsupported)
        XCTAssertEqual(error(#"{"spdxVersion": "SPDX-3.0"}"#)?.kind, .unsupported)
        XCTAssertEqual(error(#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#)?.kind, .unsupported)
    }

    func testWrongTypesNameTheField() {
        XCTAssertEqual(error(#"{"bomFormat": "CycloneDX", "components": [{"name": "a"}, {"name": 1}]}"#)?.reason,
                       "components[1].name: expected a string")
        XCTAssertEqual(error(#"{"spdxVersion": "SPDX-2.3", "packages": {"a": 1}}"#)?.reason,
                       "packages: expected an array")
    }

    func testTruncatedRealDocuments() throws {
        for name in ["trivy-0.76.cdx.json", "trivy-0.76.spdx.json", "syft-1.18.1.cdx.json"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: SBOMFixtures.path(name)))
            for cut in [1, data.count / 3, data.count / 2, data.count - 2] {
                let reason = error(data.prefix(cut))?.reason ?? ""
                XCTAssertTrue(reason.hasPrefix("truncated JSON") || reason.hasPrefix("invalid JSON"), "\(name) cut at \(cut): \(reason)")
            }
        }
    }

    func testDeepNestingIsRefusedBeforeParsing() {
        let deep = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        let open = "{\"bomFormat\": \"CycloneDX\", \"x\": " + deep + "}"
        let refused = error(open)
        XCTAssertEqual(refused?.kind, .limitExceeded)
        // Brackets inside strings do not count.
        let quoted = #"{"bomFormat": "CycloneDX", "components": [{"name": "\#(String(repeating: "[{", count: 5000))", "purl": "pkg:npm/a@1"}]}"#
        XCTAssertNoThrow(try SBOMReader.parse(Data(quoted.utf8), input: "ok.json"))
    }

    func testManySmallValuesAreRefusedBeforeParsing() {
        // 3 M empty components fit in 9 MB but would cost over a GB parsed.
        let objects = "{\"bomFormat\": \"CycloneDX\", \"components\": [" + Array(repeating: "{}", count: 3_000_000).joined(separator: ",") + "]}"
        XCTAssertEqual(error(objects)?.reason, "more than \(SBOMReader.maxContainers) JSON objects and arrays; not read")
        let strings = "{\"bomFormat\": \"CycloneDX\", \"x\": [" + Array(repeating: "1", count: 6_000_000).joined(separator: ",") + "]}"
        XCTAssertEqual(error(strings)?.reason, "more than \(SBOMReader.maxSeparators) JSON values; not read")
    }

    func testNestedComponentsUpToTheLimitAreRead() throws {
        // 60 levels of components (120 JSON levels with the arrays) is within the limit.
        var json = #"{"type": "library", "name": "leaf", "version": "1", "purl": "pkg:npm/leaf@1"}"#
        for level in 0..<60 {
            json = #"{"type": "library", "name": "n\#(level)", "version": "1", "purl": "pkg:npm/n\#(level)@1", "components": [\#(json)]}"#
        }
        let inventory = try SBOMReader.parse(Data(#"{"bomFormat": "CycloneDX", "components": [\#(json)]}"#.utf8), input: "deep.json")
        XCTAssertEqual(inventory.packages.count, 61)
        var deeper = json
        for level in 0..<10 { deeper = #"{"name": "m\#(level)", "components": [\#(deeper)]}"# }
        XCTAssertEqual(error(#"{"bomFormat": "CycloneDX", "components": [\#(deeper)]}"#)?.kind, .limitExceeded)
    }

    func testOversizedFileIsRefusedWithoutReadingIt() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-sbom-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: Data("{".utf8)))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 200 << 20)  // sparse: 200 MB that cost no disk
        try handle.close()
        XCTAssertThrowsError(try SBOMReader.read(path: url.path)) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .limitExceeded)
            XCTAssertEqual((error as? KensaError)?.input, url.path)
        }
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try SBOMReader.read(path: "/nonexistent/sbom.json")) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .unreadable)
        }
        XCTAssertThrowsError(try SBOMReader.read(path: SBOMFixtures.rootfs)) { error in
            XCTAssertEqual((error as? KensaError)?.kind, .usage)
        }
    }

    func testHostileStringsStayData() throws {
        // A purl whose name tries path traversal and a version with control characters: they
        // are names, not paths; nothing is opened.
        let inventory = try SBOMFixtures.parse(#"""
        {"bomFormat": "CycloneDX", "components": [
          {"type": "library", "name": "../../etc/passwd", "version": "1\u0000\u001b[31m", "purl": "pkg:npm/..%2F..%2Fetc%2Fpasswd@1"},
          {"type": "library", "name": "x", "purl": "pkg:"},
          {"type": "library", "name": "y", "purl": "pkg:pypi/y"}]}
        """#)
        XCTAssertEqual(inventory.packages.count, 1)
        XCTAssertEqual(inventory.packages.first?.name, "../../etc/passwd")
        XCTAssertEqual(Set(inventory.warnings.map(\.reason)), [
            "components[1] (x): unreadable purl pkg:; skipped",
            "components[2] (y): no version; skipped",
        ])
    }
}
