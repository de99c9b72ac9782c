import Foundation
import XCTest

/// Issue 9 through the CLI: a ValidatingAdmissionPolicy from the Kubernetes documentation
/// denies a Deployment, and the denial is a finding at the denied object's file and line, in
/// table, JSON and SARIF, worded as the API server words it; custom CEL policies likewise.
final class PolicyCLITests: XCTestCase {
    /// The documentation's "Getting Started" example (Tests/KensaChecksTests/Fixtures/
    /// AdmissionDocs/basic.yaml), split into the policy directory and the manifests.
    private func fixture() throws -> (policies: URL, manifests: URL) {
        let dir = try temporaryDirectory(self)
        let source = Kensa.packageRoot.appendingPathComponent("Tests/KensaChecksTests/Fixtures/AdmissionDocs/basic.yaml")
        let documents = try String(contentsOf: source, encoding: .utf8).components(separatedBy: "\n---\n")
        let policies = dir.appendingPathComponent("policies"), manifests = dir.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try documents.filter { $0.contains("kind: ValidatingAdmissionPolicy") }.joined(separator: "\n---\n")
            .write(to: policies.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        try documents.filter { !$0.contains("kind: ValidatingAdmissionPolicy") }.joined(separator: "\n---\n")
            .write(to: manifests.appendingPathComponent("apps.yaml"), atomically: true, encoding: .utf8)
        return (policies, manifests)
    }

    static let denial = "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5"

    func testAdmissionPolicyDenialInEveryFormat() throws {
        let (policies, manifests) = try fixture()
        let json = try Kensa.run(["config", "--admission-policies", policies.path, manifests.path, "--format", "json", "-q"])
        XCTAssertEqual(json.status, 0, json.err)
        let findings = (try ReportJSON(json.stdout).object["findings"] as? [[String: Any]] ?? [])
            .filter { ($0["id"] as? String) == "demo-policy.example.com" }
        XCTAssertEqual(findings.count, 1, "\(findings)")
        XCTAssertEqual(findings.first?["message"] as? String, Self.denial)
        let location = findings.first?["location"] as? [String: Any]
        XCTAssertEqual(location?["path"] as? String, "apps.yaml")
        XCTAssertEqual(location?["object"] as? String, "Deployment/test-ns/too-many")
        XCTAssertNotNil(location?["startLine"] as? Int)

        let table = try Kensa.run(["config", "--admission-policies", policies.path, manifests.path, "-q"])
        XCTAssertTrue(table.out.contains("Deployment/test-ns/too-many"), table.out)
        XCTAssertTrue(table.out.contains("demo-policy.example.com"), table.out)

        let sarif = try Kensa.run(["config", "--admission-policies", policies.path, manifests.path, "--format", "sarif", "-q"])
        let log = try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any]
        let results = ((log?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let result = results.first { ($0["ruleId"] as? String) == "demo-policy.example.com" }
        XCTAssertEqual((result?["message"] as? [String: Any])?["text"] as? String, Self.denial)
        XCTAssertEqual(result?["level"] as? String, "error")
        let region = ((result?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        XCTAssertEqual(region?["startLine"] as? Int, location?["startLine"] as? Int)
    }

    func testCustomCELPolicy() throws {
        let dir = try temporaryDirectory(self)
        try """
            id: KNS-CUSTOM-001
            title: At most five replicas
            severity: medium
            kinds: [Deployment]
            expression: object.spec.replicas <= 5
            messageExpression: "'deployment ' + object.metadata.name + ' asks for ' + string(object.spec.replicas) + ' replicas'"
            """.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let manifests = dir.appendingPathComponent("m")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: big, namespace: prod}
            spec: {replicas: 9}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: small, namespace: prod}
            spec: {replicas: 2}
            """.write(to: manifests.appendingPathComponent("d.yaml"), atomically: true, encoding: .utf8)
        let run = try Kensa.run(["config", "--policy", dir.appendingPathComponent("policy.yaml").path, manifests.path,
                                 "--format", "json", "-q"])
        XCTAssertEqual(run.status, 0, run.err)
        let custom = (try ReportJSON(run.stdout).object["findings"] as? [[String: Any]] ?? [])
            .filter { ($0["id"] as? String) == "KNS-CUSTOM-001" }
        XCTAssertEqual(custom.count, 1, "\(custom)")
        XCTAssertEqual(custom.first?["message"] as? String, "deployment big asks for 9 replicas")
        XCTAssertEqual((custom.first?["location"] as? [String: Any])?["object"] as? String, "Deployment/prod/big")
    }
}
