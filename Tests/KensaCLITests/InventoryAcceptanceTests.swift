import Foundation
import XCTest

/// Issue 2, acceptance 1 and 2: kensa's inventory of a real debootstrap root filesystem
/// equals what dpkg and pip say, and the same tree as three image formats gives the same
/// inventory minus what the last layer deleted.
final class InventoryAcceptanceTests: XCTestCase {
    private func scanJSON(_ arguments: [String]) throws -> ReportJSON {
        let run = try Kensa.run(arguments + ["--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, "kensa \(arguments.joined(separator: " ")) failed: \(run.err)")
        return try ReportJSON(run.stdout)
    }

    func testDebPackagesEqualDpkgQuery() throws {
        let report = try scanJSON(["rootfs", try Fixtures.rootfs().path])
        let expected = Set(String(decoding: try Fixtures.truth("dpkg.txt"), as: UTF8.self)
            .split(separator: "\n").map(String.init))
        let got = Set(report.packages.filter { $0.ecosystem == "deb" }
            .map { "\($0.name) \($0.version) \($0.architecture)" })
        XCTAssertGreaterThan(expected.count, 50)
        XCTAssertEqual(got.subtracting(expected).sorted(), [], "reported by kensa only")
        XCTAssertEqual(expected.subtracting(got).sorted(), [], "in dpkg-query only")
    }

    func testPythonPackagesEqualPipList() throws {
        let report = try scanJSON(["rootfs", try Fixtures.rootfs().path])
        let pip = try JSONSerialization.jsonObject(with: try Fixtures.truth("pip.json")) as? [[String: String]] ?? []
        let expected = Set(pip.map { "\(pep503($0["name"] ?? "")) \($0["version"] ?? "")" })
        let got = Set(report.packages.filter { $0.ecosystem == "pypi" }.map { "\(pep503($0.name)) \($0.version)" })
        XCTAssertGreaterThanOrEqual(expected.count, 5)
        XCTAssertEqual(got, expected)
        XCTAssertFalse(got.contains { $0.hasPrefix("pyjwt ") }, "PyJWT was deleted by the last layer")
    }

    func testOSIsDebianBookworm() throws {
        let report = try scanJSON(["rootfs", try Fixtures.rootfs().path])
        let os = report.object["os"] as? [String: Any]
        XCTAssertEqual(os?["family"] as? String, "debian")
        XCTAssertTrue((os?["version"] as? String ?? "").hasPrefix("12."), "\(String(describing: os))")
        let openssl = report.packages.first { $0.ecosystem == "deb" && $0.name == "libc6" }
        XCTAssertNotNil(openssl)
        XCTAssertTrue(openssl?.purl.hasPrefix("pkg:deb/debian/libc6@") ?? false, openssl?.purl ?? "")
        XCTAssertTrue(openssl?.purl.contains("distro=debian-12") ?? false, openssl?.purl ?? "")
    }

    func testEveryImageFormatGivesTheRootfsInventory() throws {
        let rootfs = Set(try scanJSON(["rootfs", try Fixtures.rootfs().path]).packages
            .map { "\($0.ecosystem) \($0.name) \($0.version) \($0.architecture) \($0.path)" })
        XCTAssertGreaterThan(rootfs.count, 50)
        for (format, path) in try Fixtures.images() {
            let report = try scanJSON(["image", "--input", path.path])
            let image = Set(report.packages.map { "\($0.ecosystem) \($0.name) \($0.version) \($0.architecture) \($0.path)" })
            XCTAssertEqual(image.subtracting(rootfs).sorted(), [], "\(format): only in the image")
            XCTAssertEqual(rootfs.subtracting(image).sorted(), [], "\(format): only in the rootfs")
            let artifact = report.object["artifact"] as? [String: Any]
            XCTAssertEqual(artifact?["kind"] as? String ?? artifact?["type"] as? String, "container_image", format)
        }
    }

    func testImagePackagesNameTheirLayer() throws {
        for (format, path) in try Fixtures.images() {
            let run = try Kensa.run(["image", "--input", path.path, "--format", "json", "--quiet"])
            XCTAssertEqual(run.status, 0, run.err)
            let report = try ReportJSON(run.stdout)
            let list = report.object["packages"] as? [[String: Any]] ?? []
            let six = list.first { ($0["name"] as? String) == "six" }
            let dpkg = list.first { ($0["name"] as? String) == "dpkg" }
            let sixLayer = (six?["location"] as? [String: Any])?["layerDigest"] as? String
            let dpkgLayer = (dpkg?["location"] as? [String: Any])?["layerDigest"] as? String
            XCTAssertNotNil(sixLayer, format)
            XCTAssertNotNil(dpkgLayer, format)
            XCTAssertNotEqual(sixLayer, dpkgLayer, "\(format): six comes from layer 2, dpkg from layer 1")
        }
    }

    func testOutputIsDeterministic() throws {
        let rootfs = try Fixtures.rootfs().path
        for format in ["json", "cyclonedx", "spdx-json", "table"] {
            let env = ["SOURCE_DATE_EPOCH": "1700000000"]
            let first = try Kensa.run(["rootfs", rootfs, "--format", format, "--quiet"], environment: env)
            let second = try Kensa.run(["rootfs", rootfs, "--format", format, "--quiet"], environment: env)
            XCTAssertEqual(first.status, 0, first.err)
            XCTAssertEqual(first.stdout, second.stdout, "\(format) differs between two runs")
        }
    }

    func testOutputFileOption() throws {
        let dir = try temporaryDirectory(self)
        let out = dir.appendingPathComponent("sbom.cdx.json")
        let run = try Kensa.run(["rootfs", try Fixtures.rootfs().path, "--format", "cyclonedx", "-o", out.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.stdout.isEmpty)
        let bom = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any]
        XCTAssertEqual(bom?["specVersion"] as? String, "1.6")
    }
}

/// PEP 503 name normalisation.
func pep503(_ name: String) -> String {
    var out = ""
    var lastWasSeparator = false
    for character in name.lowercased() {
        if character == "-" || character == "_" || character == "." {
            if !lastWasSeparator { out.append("-") }
            lastWasSeparator = true
        } else {
            out.append(character)
            lastWasSeparator = false
        }
    }
    return out
}
