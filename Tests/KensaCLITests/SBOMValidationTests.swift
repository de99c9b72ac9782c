import Foundation
import XCTest

/// Issue 2, acceptance 3: the SBOMs kensa writes for a real root filesystem and image pass
/// the official validators (cyclonedx-python-lib's strict CycloneDX 1.6 JSON schema, and
/// spdx-tools' pyspdxtools), run through scripts/validate-sbom.py.
final class SBOMValidationTests: XCTestCase {
    private func validate(_ kind: String, _ arguments: [String]) throws {
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("sbom.json")
        let run = try Kensa.run(arguments + ["--format", kind == "spdx" ? "spdx-json" : "cyclonedx",
                                             "-o", file.path, "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        let python = ProcessInfo.processInfo.environment["KENSA_TEST_PYTHON"] ?? "python3"
        let script = Kensa.packageRoot.appendingPathComponent("scripts/validate-sbom.py").path
        let output = try sh("'\(python)' '\(script)' \(kind) '\(file.path)' 2>&1 || echo \"exit $?\"")
        XCTAssertFalse(output.contains("exit "), "\(kind) validation failed for \(arguments): \(output)")
    }

    func testRootfsCycloneDXIsValid() throws {
        try validate("cyclonedx", ["rootfs", try Fixtures.rootfs().path])
    }

    func testRootfsSPDXIsValid() throws {
        try validate("spdx", ["rootfs", try Fixtures.rootfs().path])
    }

    func testImageSBOMsAreValid() throws {
        let image = try Fixtures.images()[0].path.path
        try validate("cyclonedx", ["image", "--input", image])
        try validate("spdx", ["image", "--input", image])
    }

    /// dpkg `Depends` become dependency edges: libc6 is a dependency of many packages.
    func testCycloneDXCarriesDpkgDependencies() throws {
        let run = try Kensa.run(["rootfs", try Fixtures.rootfs().path, "--format", "cyclonedx", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        let bom = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let components = bom["components"] as? [[String: Any]] ?? []
        let libc = components.first { ($0["name"] as? String) == "libc6" }
        let libcRef = try XCTUnwrap(libc?["bom-ref"] as? String)
        let dependencies = bom["dependencies"] as? [[String: Any]] ?? []
        let dependents = dependencies.filter { (($0["dependsOn"] as? [String]) ?? []).contains(libcRef) }
        XCTAssertGreaterThan(dependents.count, 10, "packages depending on libc6")
    }
}
