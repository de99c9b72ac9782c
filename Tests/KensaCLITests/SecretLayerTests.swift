import Foundation
import XCTest

/// Issue 7, acceptance 5: a secret in a layer that a later layer deletes is still in the
/// image, and is reported with that layer's digest and the command that made it.
final class SecretLayerTests: XCTestCase {
    private var tools: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tools")
    }

    func testSecretDeletedByALaterLayerIsReportedWithItsLayer() throws {
        let work = try temporaryDirectory(self)
        try sh("cd '\(work.path)' && python3 '\(tools.path)/make_tar.py' secret | gzip -1 > l1 && python3 '\(tools.path)/make_tar.py' secret-whiteout | gzip -1 > l2 && python3 '\(tools.path)/make_oci_layout.py' oci l1 l2")
        let run = try Kensa.run(["image", "--input", work.appendingPathComponent("oci").path, "--scanners", "secret",
                                 "--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        let report = try ReportJSON(run.stdout)
        let findings = report.object["findings"] as? [[String: Any]] ?? []
        let github = findings.filter { ($0["id"] as? String ?? "").hasPrefix("github") }
        XCTAssertEqual(github.count, 1, "\(findings)")
        let location = github.first?["location"] as? [String: Any]
        XCTAssertEqual(location?["path"] as? String, "app/config/deploy.env")
        XCTAssertEqual(location?["startLine"] as? Int, 1)
        XCTAssertEqual(location?["createdBy"] as? String, "test layer 0")
        let layers = ((report.object["artifact"] as? [String: Any])?["image"] as? [String: Any])?["layers"] as? [[String: Any]]
        XCTAssertEqual(location?["layerDigest"] as? String, layers?.first?["digest"] as? String)
        // The value itself never appears in any output.
        for format in ["json", "table", "sarif"] {
            let out = try Kensa.run(["image", "--input", work.appendingPathComponent("oci").path, "--scanners", "secret",
                                     "--format", format, "--quiet"])
            XCTAssertFalse(out.out.contains("Zx8Kq2Lm5Np7Rt9Vw3Yb6Cd1Fg4Hj0Ks8Qu2"), "\(format) leaks the secret")
        }
    }

    func testSBOMFormatsDoNotRunScannersByDefault() throws {
        let work = try temporaryDirectory(self)
        try sh("cd '\(work.path)' && python3 '\(tools.path)/make_tar.py' secret | gzip -1 > l1 && python3 '\(tools.path)/make_oci_layout.py' oci l1")
        let json = try ReportJSON(try Kensa.run(["image", "--input", work.appendingPathComponent("oci").path, "--format", "json", "-q"]).stdout)
        XCTAssertEqual((json.object["findings"] as? [Any])?.count, 1, "json runs the secret scanner by default")
        let unknown = try Kensa.run(["image", "--input", work.appendingPathComponent("oci").path, "--scanners", "nope"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.err, "kensa: --scanners: unknown scanner 'nope' (known: vuln, secret, misconfig, license)\n")
    }
}
