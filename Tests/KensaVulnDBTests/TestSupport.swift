import Foundation
import KensaCore
import KensaVulnDB
import XCTest

/// `../shared/testdata/osv` beside the repository (read in place; see its SOURCES.tsv).
func sharedOSVData(file: StaticString = #filePath) -> String {
    URL(fileURLWithPath: "\(file)").resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata/osv").path
}

func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-vulndb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

/// Runs a shell command for test set-up (building zip archives).
func sh(_ script: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "set -euo pipefail; " + script]
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, script)
}

func package(_ ecosystem: Ecosystem, _ name: String, _ version: String, namespace: String? = nil,
             source: String? = nil, sourceVersion: String? = nil, path: String = "app/lock") -> Package {
    Package(name: name, version: version, ecosystem: ecosystem,
            purl: PURL(ecosystem: ecosystem, namespace: namespace, name: name, version: version), foundBy: "test",
            sourceName: source, sourceVersion: sourceVersion, location: .init(path: path))
}

extension VulnerabilityMatches {
    /// `package@version ID` for each finding.
    var keys: Set<String> {
        Set(findings.map { "\($0.vulnerability?.packageName ?? "?")@\($0.vulnerability?.installedVersion ?? "?") \($0.id)" })
    }

    func finding(_ id: String, _ name: String) -> Finding? {
        findings.first { $0.id == id && $0.vulnerability?.packageName == name }
    }
}
