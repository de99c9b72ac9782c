import Foundation
import KensaCore
import XCTest

final class OpenVEXTests: XCTestCase {
    /// Tests/Fixtures/vex, beside this test target.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/vex")

    func fixture(_ name: String) throws -> OpenVEX {
        try OpenVEX.load(path: Self.fixtures.appendingPathComponent(name).path)
    }

    /// requests 2.19.1 as the shared OSV records report it, plus unrelated findings.
    var findings: [Finding] {
        [SampleFindings.vulnerability("CVE-2018-18074", aliases: ["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"]),
         SampleFindings.vulnerability("CVE-2023-32681", aliases: ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]),
         SampleFindings.vulnerability("CVE-2018-18074", purl: "pkg:pypi/requests@2.19.1", path: "other/requirements.txt"),
         SampleFindings.vulnerability("CVE-2018-18074", purl: "pkg:pypi/requests@2.31.0"),
         SampleFindings.secret("CVE-2018-18074", path: "oddly-named-rule")]
    }

    func applied(_ names: [String]) throws -> [Finding] {
        var f = findings
        OpenVEX.apply(try names.map(fixture), to: &f)
        return f
    }

    func testNotAffectedByProductPurl() throws {
        let doc = try fixture("requests-not-affected.openvex.json")
        XCTAssertEqual(doc.statements.count, 1)
        XCTAssertEqual(doc.statements[0].vulnerability, ["CVE-2018-18074", "https://nvd.nist.gov/vuln/detail/CVE-2018-18074", "GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"])
        XCTAssertEqual(doc.statements[0].status, .notAffected)
        let f = try applied(["requests-not-affected.openvex.json"])
        XCTAssertEqual(f.map { $0.suppression != nil }, [true, false, true, false, false],
                       "the same package at another path is suppressed too; another version and a non-vulnerability are not")
        XCTAssertEqual(f[0].suppression?.source, "vex")
        let reason = try XCTUnwrap(f[0].suppression?.reason)
        XCTAssertTrue(reason.hasPrefix("not_affected: vulnerable_code_not_in_execute_path; The service never follows redirects with credentials."), reason)
        XCTAssertTrue(reason.hasSuffix("requests-not-affected.openvex.json)"), reason)
    }

    func testFixedBySubcomponentAndAlias() throws {
        let f = try applied(["image-subcomponent-fixed.openvex.json"])
        // GHSA-j8r2-6x86-q33q names CVE-2023-32681's finding; the version-less subcomponent purl
        // covers requests 2.19.1. The urllib3 statement names another package.
        XCTAssertEqual(f.map { $0.suppression != nil }, [false, true, false, false, false])
        XCTAssertEqual(f[1].suppression?.reason.hasPrefix("fixed: Proxy-Authorization is stripped"), true)
    }

    func testAffectedDoesNotSuppress() throws {
        XCTAssertEqual(try applied(["requests-affected.openvex.json"]).map { $0.suppression != nil }, [false, false, false, false, false])
    }

    func testNewestStatementDecides() throws {
        // Within one document: the later under_investigation overrides the earlier not_affected.
        XCTAssertEqual(try applied(["superseded.openvex.json"]).map { $0.suppression != nil }, [false, false, false, false, false])
        // Across documents: the not_affected of 2026-11-02 is older than the affected of 2026-11-04.
        XCTAssertEqual(try applied(["requests-affected.openvex.json", "requests-not-affected.openvex.json"]).map { $0.suppression != nil },
                       [false, false, false, false, false])
        // Alone, the older statement suppresses.
        XCTAssertEqual(try applied(["requests-not-affected.openvex.json"])[0].suppression?.source, "vex")
    }

    func testImageProductSpeaksForEveryPackageInTheImage() throws {
        let doc = try fixture("image-product.openvex.json")
        let digest = "sha256:6b3f1c0d2e9a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e"
        var scanned = findings + [SampleFindings.vulnerability("CVE-2023-32681", purl: "pkg:pypi/pip@23.0")]
        OpenVEX.apply([doc], to: &scanned, imageDigests: [digest, "sha256:0000"])
        XCTAssertEqual(scanned.map { $0.suppression != nil }, [false, true, false, false, false, true])
        XCTAssertEqual(scanned[5].suppression?.reason.hasPrefix("not_affected: vulnerable_code_cannot_be_controlled_by_adversary"), true)
        // Another image, or no image (fs scans), and the statement is about nothing here.
        for digests: Set<String> in [["sha256:1111"], []] {
            var other = findings
            OpenVEX.apply([doc], to: &other, imageDigests: digests)
            XCTAssertEqual(other.filter { $0.suppression != nil }.count, 0)
        }
        // With subcomponents, the image product speaks only for them.
        var narrowed = findings + [SampleFindings.vulnerability("CVE-2023-32681", purl: "pkg:pypi/pip@23.0")]
        OpenVEX.apply([try fixture("image-subcomponent-fixed.openvex.json")], to: &narrowed, imageDigests: [digest])
        XCTAssertEqual(narrowed.map { $0.suppression != nil }, [false, true, false, false, false, false])
    }

    func testLegacyLayout() throws {
        let doc = try fixture("legacy-v0.0.2.openvex.json")
        XCTAssertEqual(doc.statements.first?.products.first?.purls, [PURL(parsing: "pkg:pypi/requests@2.19.1")].compactMap { $0 })
        XCTAssertEqual(doc.statements.first?.timestamp?.timeIntervalSince1970 ?? 0, 1_673_222_523.647788, accuracy: 0.001)
        XCTAssertEqual(try applied(["legacy-v0.0.2.openvex.json"]).map { $0.suppression != nil }, [true, false, true, false, false])
    }

    func testAlreadySuppressedFindingsKeepTheirReason() throws {
        var f = findings
        f[0].suppression = Finding.Suppression(source: "ignorefile", reason: "first")
        OpenVEX.apply([try fixture("requests-not-affected.openvex.json")], to: &f)
        XCTAssertEqual(f[0].suppression?.reason, "first")
    }

    func doc(_ statements: String, context: String = "https://openvex.dev/ns/v0.2.0") -> Data {
        Data("""
            {"@context": "\(context)", "@id": "x", "author": "a", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
             "statements": \(statements)}
            """.utf8)
    }

    func testMalformed() {
        let cases: [(Data, String)] = [
            (Data("{".utf8), "not valid JSON"),
            (Data("[]".utf8), "top level must be an object"),
            (Data(#"{"statements": []}"#.utf8), "not an OpenVEX document"),
            (Data(#"{"bomFormat": "CycloneDX", "vulnerabilities": []}"#.utf8), "CycloneDX"),
            (doc("{}"), "no statements array"),
            (doc("[1]"), "statement 1: not an object"),
            (doc(#"[{"status": "fixed"}]"#), "no vulnerability name"),
            (doc(#"[{"vulnerability": {"description": "d"}, "status": "fixed"}]"#), "no vulnerability name"),
            (doc(#"[{"vulnerability": {"name": "CVE-1", "aliases": [1]}, "status": "fixed"}]"#), "aliases must be strings"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}}]"#), "no status"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "ok"}]"#), "unknown status 'ok'"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "not_affected"}]"#), "needs a justification"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "not_affected", "justification": "trust me"}]"#), "unknown justification"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": {"@id": "pkg:pypi/a"}}]"#), "products must be an array"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": [7]}]"#), "a product must be"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": [{"@id": "pkg:pypi/a", "subcomponents": "x"}]}]"#), "subcomponents must be an array"),
            (doc(#"[{"vulnerability": {"name": "CVE-1"}, "status": "fixed", "timestamp": "yesterday"}]"#), "statement 1 timestamp"),
            (doc("[]", context: "https://example.com/ns"), "not an OpenVEX document"),
        ]
        for (data, expected) in cases {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertThrowsError(try OpenVEX.parse(data, path: "bad.json"), text) { error in
                let e = error as? KensaError
                XCTAssertEqual(e?.input, "bad.json", text)
                XCTAssertTrue(e?.reason.contains(expected) == true, "\(text): \(String(describing: e))")
            }
        }
    }

    func testTruncatedOversizedAndHostile() throws {
        let full = try Data(contentsOf: Self.fixtures.appendingPathComponent("requests-not-affected.openvex.json"))
        for cut in stride(from: 0, to: full.count - 2, by: 7) {
            XCTAssertThrowsError(try OpenVEX.parse(full.prefix(cut), path: "t"), "prefix \(cut)") { XCTAssertTrue($0 is KensaError) }
        }
        let deep = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        XCTAssertThrowsError(try OpenVEX.parse(deep, path: "t")) { XCTAssertEqual(($0 as? KensaError)?.kind, .limitExceeded) }
        // Brackets inside strings do not count as nesting.
        let quoted = doc(#"[{"vulnerability": {"name": "CVE-1 [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"}, "status": "fixed"}]"#)
        XCTAssertEqual(try OpenVEX.parse(quoted, path: "t").statements.count, 1)
        XCTAssertThrowsError(try OpenVEX.parse(Data(count: OpenVEX.maxBytes + 1), path: "t")) {
            XCTAssertEqual(($0 as? KensaError)?.kind, .limitExceeded)
        }
        XCTAssertThrowsError(try OpenVEX.parse(Data([0xff, 0xfe, 0x7b, 0x7d]), path: "t")) { XCTAssertTrue($0 is KensaError) }
        // Many statements are fine: 20,000 is a large real document.
        let many = "[" + (0..<20_000).map { #"{"vulnerability": {"name": "CVE-2024-\#($0)"}, "products": [{"@id": "pkg:npm/p\#($0)"}], "status": "fixed"}"# }
            .joined(separator: ",") + "]"
        let parsed = try OpenVEX.parse(doc(many), path: "t")
        XCTAssertEqual(parsed.statements.count, 20_000)
        var f = [SampleFindings.vulnerability("CVE-2024-19999", purl: "pkg:npm/p19999@1.0.0")]
        OpenVEX.apply([parsed], to: &f)
        XCTAssertEqual(f[0].suppression?.source, "vex")
    }

    func testMissingFileNamesIt() {
        XCTAssertThrowsError(try OpenVEX.load(path: "/nonexistent/vex.json")) { error in
            XCTAssertEqual(error as? KensaError, KensaError(.unreadable, input: "/nonexistent/vex.json", reason: "no such file"))
        }
    }
}
