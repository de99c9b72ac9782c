// Custom CEL policies: loading, evaluation, messages and field paths.

import KensaCEL
import KensaCore
import XCTest
@testable import KensaChecks

final class CustomPolicyTests: XCTestCase {
    let manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - name: app
                image: registry.example.com/web:1.2.3
                securityContext: {runAsNonRoot: true}
              - name: sidecar
                image: envoy:latest
                securityContext: {runAsNonRoot: false}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: prod}
        spec: {type: LoadBalancer}
        """

    let policies = """
        id: KNS-CUSTOM-001
        title: Containers run as non-root
        severity: high
        kinds: [Deployment]
        expression: object.spec.template.spec.containers.all(c, has(c.securityContext) && c.securityContext.runAsNonRoot == true)
        messageExpression: "'workload ' + object.metadata.name + ' may run a container as root'"
        ---
        policies:
        - id: KNS-CUSTOM-002
          title: No LoadBalancer services
          severity: MEDIUM
          kinds: [v1/Service]
          expression: object.spec.type != 'LoadBalancer'
        - id: KNS-CUSTOM-003
          title: At most 5 replicas
          kinds: [Deployment]
          expression: object.spec.replicas <= 5
        """

    func testPoliciesProduceFindingsWithFieldPaths() throws {
        let objects = try ManifestLoader.load(manifests, path: "app.yaml")
        let loaded = try CustomPolicyLoader.load(policies, path: "policies/custom.yaml")
        XCTAssertEqual(loaded.map(\.id), ["KNS-CUSTOM-001", "KNS-CUSTOM-002", "KNS-CUSTOM-003"])
        let findings = CustomPolicyEvaluator().evaluate(loaded, objects)
        XCTAssertEqual(findings.map(\.id), ["KNS-CUSTOM-001", "KNS-CUSTOM-002"])
        let root = try XCTUnwrap(findings.first)
        XCTAssertEqual(root.severity, .high)
        XCTAssertEqual(root.message, "workload web may run a container as root")
        XCTAssertEqual(root.location.object, "Deployment/prod/web")
        XCTAssertEqual(root.location.startLine, 1)
        XCTAssertEqual(root.location.fieldPath, "spec.template.spec.containers[1].securityContext.runAsNonRoot")
        let svc = findings[1]
        XCTAssertEqual(svc.location.fieldPath, "spec.type")
        XCTAssertEqual(svc.location.startLine, 16)
        XCTAssertEqual(svc.message, "No LoadBalancer services: failed expression: object.spec.type != 'LoadBalancer'")
    }

    func testFieldPathForMissingField() throws {
        let p = try CELEnvironment().compile("object.spec.containers.all(c, has(c.securityContext) && c.securityContext.privileged == false)")
        let obj = CELValue.fromJSONLike(["spec": ["containers": [["name": "a", "securityContext": ["privileged": false]], ["name": "b"]]]] as [String: Any])
        XCTAssertEqual(p.fieldPath(CELActivation(["object": obj])), "spec.containers[1].securityContext")
    }

    func testInvalidPoliciesAreRejectedWithTheirName() {
        for (text, reason) in [
            ("id: X\nexpression: 'object.spec.('", "policy X: expression"),
            ("title: no id\nexpression: 'true'", "has no id"),
            ("id: Y\nseverity: EXTREME\nexpression: 'true'", "unknown severity"),
            ("id: Z\nexpression: 'undeclared.field'", "undeclared reference"),
        ] {
            XCTAssertThrowsError(try CustomPolicyLoader.load(text, path: "p.yaml")) { e in
                XCTAssertTrue("\(e)".contains(reason), "\(e)")
            }
        }
    }

    func testExpressionErrorsAreFindingsNotSilence() throws {
        let objects = try ManifestLoader.load("kind: Pod\nmetadata: {name: p}\nspec: {}\n", path: "pod.yaml")
        let loaded = try CustomPolicyLoader.load("id: E\nexpression: object.spec.containers.size() > 0\n", path: "e.yaml")
        let findings = CustomPolicyEvaluator().evaluate(loaded, objects)
        XCTAssertEqual(findings.count, 1)
        XCTAssertTrue(findings.first?.message.contains("could not be evaluated: no such key: containers") == true, findings.first?.message ?? "")
    }
}
