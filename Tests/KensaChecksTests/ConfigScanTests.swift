import Foundation
import KensaCore
import XCTest
@testable import KensaChecks

final class ConfigScanTests: XCTestCase {
    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-checks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func write(_ dir: URL, _ name: String, _ text: String) throws {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func testDirectoryScanWarnsOnBadFilesAndAppliesIgnoreFile() throws {
        let dir = try tempDir()
        try write(dir, "k8s/pod.yaml", Example.pod("{containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}"))
        try write(dir, "legacy/pod.yaml", Example.pod("{containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}"))
        try write(dir, "broken.yaml", "kind: [\n")
        try Data([0x00, 0xff, 0x13, 0x37]).write(to: dir.appendingPathComponent("blob.yaml"))
        try write(dir, "chart-values.yaml", "replicas: 3\n")
        try write(dir, "app/Dockerfile", "FROM alpine\nRUN apk add curl\n")
        try write(dir, ".kensaignore", """
            - id: KNS-PSS-003
              paths: [legacy/*]
              reason: legacy agent, rewrite tracked in OPS-12
            - id: KNS-DF-002
              expires: 2020-01-01
              reason: expired on purpose
            """)
        var options = ConfigScanOptions()
        options.now = Date(timeIntervalSince1970: 1_800_000_000)
        let r = try ConfigScan.scan(path: dir.path, options: options)
        XCTAssertEqual(r.warnings.map(\.path), [".kensaignore", "blob.yaml", "broken.yaml"])
        let privileged = r.findings.filter { $0.id == "KNS-PSS-003" }
        XCTAssertEqual(privileged.map(\.location.path), ["k8s/pod.yaml", "legacy/pod.yaml"])
        XCTAssertNil(privileged[0].suppression)
        XCTAssertEqual(privileged[1].suppression, Finding.Suppression(source: "ignorefile", reason: "legacy agent, rewrite tracked in OPS-12"))
        let base = try XCTUnwrap(r.findings.first { $0.id == "KNS-DF-002" })
        XCTAssertNil(base.suppression, "an expired entry no longer suppresses")
        XCTAssertEqual(base.location.path, "app/Dockerfile")
        XCTAssertEqual(r.findings, r.findings.sorted())
    }

    func testSingleBadFileIsAnError() throws {
        let dir = try tempDir()
        try write(dir, "broken.yaml", "a: b: c\n")
        XCTAssertThrowsError(try ConfigScan.scan(path: dir.appendingPathComponent("broken.yaml").path, options: ConfigScanOptions())) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .malformed)
        }
        XCTAssertThrowsError(try ConfigScan.scan(path: dir.appendingPathComponent("missing.yaml").path, options: ConfigScanOptions()))
    }

    func testIgnoreFileNeedsReason() {
        XCTAssertThrowsError(try IgnoreFile.parse("- id: KNS-PSS-001\n", path: ".kensaignore"))
        XCTAssertThrowsError(try IgnoreFile.parse("- id: KNS-PSS-001\n  reason: r\n  expires: soon\n", path: ".kensaignore"))
    }

    func testStdinDockerfileDetection() throws {
        let r = try ConfigScan.scan(stdin: Data("# build\nFROM ubuntu:latest\n".utf8), options: ConfigScanOptions())
        XCTAssertTrue(r.findings.contains { $0.id == "KNS-DF-002" && $0.location.path == "-" })
        let k = try ConfigScan.scan(stdin: Data(Example.pod("{hostNetwork: true, containers: []}").utf8), options: ConfigScanOptions())
        XCTAssertTrue(k.findings.contains { $0.id == "KNS-PSS-002" })
    }

    func testComplianceRows() throws {
        let objects = try KubeReader.read(Example.pod("{containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}"), path: "p.yaml")
        let findings = ConfigScanner().scan(objects: objects)
        let baseline = ComplianceProfile.pssBaseline.rows(findings)
        XCTAssertEqual(baseline.count, 11)
        XCTAssertEqual(baseline.filter { !$0.passed }.map(\.control), ["Privileged Containers"])
        let restricted = ComplianceProfile.pssRestricted.rows(findings)
        XCTAssertEqual(restricted.count, 17)
        XCTAssertEqual(Set(restricted.filter { !$0.passed }.map(\.id)),
                       ["KNS-PSS-003", "KNS-PSS-013", "KNS-PSS-014", "KNS-PSS-016", "KNS-PSS-017"])
    }

    func testCustomPoliciesRunInTheScan() throws {
        let dir = try tempDir()
        try write(dir, "pod.yaml", Example.pod("{containers: [{name: a, image: 'x:1'}]}"))
        var options = ConfigScanOptions()
        options.policies = try CustomPolicyLoader.load("""
            id: KNS-CUSTOM-001
            title: Team label
            severity: LOW
            kinds: [Pod]
            expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
            """, path: "p.yaml")
        let r = try ConfigScan.scan(path: dir.path, options: options)
        XCTAssertEqual(r.findings.filter { $0.id == "KNS-CUSTOM-001" }.count, 1)
    }
}
