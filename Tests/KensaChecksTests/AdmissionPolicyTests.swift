// ValidatingAdmissionPolicy offline evaluation against the examples of the Kubernetes
// documentation (fixtures in Fixtures/AdmissionDocs, each with a link to its page).

import Foundation
import KensaCEL
import KensaCore
import XCTest
@testable import KensaChecks

final class AdmissionPolicyTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/AdmissionDocs")

    func load(_ name: String) throws -> [ManifestObject] {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
        return try ManifestLoader.load(text, path: name)
    }

    func testBasicExampleDeniesMoreThanFiveReplicasInTestNamespaces() throws {
        let decisions = AdmissionEvaluator().evaluate(try load("basic.yaml"))
        XCTAssertEqual(decisions.count, 1, "\(decisions)")
        let d = try XCTUnwrap(decisions.first)
        XCTAssertEqual(d.objectReference, "Deployment/test-ns/too-many")
        XCTAssertEqual(d.outcome, .denied)
        XCTAssertEqual(d.message, "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5")
        XCTAssertEqual(d.path, "basic.yaml")
        XCTAssertEqual(d.line, 41)
        let f = d.finding
        XCTAssertEqual(f.location.object, "Deployment/test-ns/too-many")
        XCTAssertEqual(f.location.startLine, 41)
        XCTAssertEqual(f.severity, .high)
    }

    func testParameterExampleUsesTheParamOfEachBinding() throws {
        let decisions = AdmissionEvaluator().evaluate(try load("params.yaml"))
        XCTAssertEqual(decisions.map(\.objectReference), ["Deployment/test-ns/test-four", "Deployment/prod-ns/prod-too-many"])
        XCTAssertEqual(decisions.map(\.binding), ["replicalimit-binding-test.example.com", "replicalimit-binding-nontest"])
        for d in decisions {
            XCTAssertTrue(d.message.hasSuffix("denied request: failed expression: object.spec.replicas <= params.maxReplicas"), d.message)
            XCTAssertEqual(d.reason, "Invalid")
        }
    }

    func testMissingParamDeniesOrAllowsByParameterNotFoundAction() throws {
        var objects = try load("params.yaml").filter { $0.kind != "ReplicaLimit" }
        let deny = AdmissionEvaluator().evaluate(objects)
        XCTAssertTrue(deny.contains { $0.message.contains("no params found for policy binding with `Deny` parameterNotFoundAction") })
        objects = try ManifestLoader.load("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: p}
            spec:
              paramKind: {apiVersion: v1, kind: ConfigMap}
              matchConstraints:
                resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
              validations: [{expression: "false"}]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: b}
            spec: {policyName: p, validationActions: [Deny], paramRef: {name: missing, parameterNotFoundAction: Allow}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: x, namespace: default}
            """, path: "inline.yaml")
        XCTAssertEqual(AdmissionEvaluator().evaluate(objects), [])
    }

    func testFailurePolicyIgnoreAndFail() throws {
        let decisions = AdmissionEvaluator().evaluate(try load("failure-policy.yaml"))
        XCTAssertEqual(decisions.count, 1, "\(decisions)")
        XCTAssertEqual(decisions.first?.policy, "fail-on-errors.example.com")
        XCTAssertTrue(decisions.first?.message.contains("expression 'object.spec.xyz == params.x' resulted in error: no such key: xyz") == true, decisions.first?.message ?? "")
    }

    func testVariablesMessageExpressionAndAuditAnnotations() throws {
        let decisions = AdmissionEvaluator().evaluate(try load("variables-messages.yaml"))
        let denied = decisions.filter { $0.outcome == .denied }
        XCTAssertEqual(denied.map(\.objectReference), ["Deployment/staging-ns/staging-app"])
        XCTAssertEqual(denied.first?.message, "ValidatingAdmissionPolicy 'image-matches-namespace-environment.policy.example.com' with binding 'image-env-binding' denied request: only staging images are allowed in namespace staging-ns")
        let audited = decisions.filter { $0.outcome == .audited }
        XCTAssertEqual(audited.map(\.objectReference), ["Deployment/staging-ns/staging-app"])
        XCTAssertEqual(audited.first?.auditAnnotations, ["demo-policy.example.com/high-replica-count": "Deployment spec.replicas set to 3"])
        XCTAssertTrue(audited.first?.message.hasSuffix("Deployment spec.replicas set to 3") == true)
        XCTAssertEqual(audited.first?.finding.severity, .low)
    }

    func testMatchConditionsAndObjectSelector() throws {
        let objects = try ManifestLoader.load("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: no-latest}
            spec:
              matchConstraints:
                resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}]
                objectSelector: {matchExpressions: [{key: skip, operator: DoesNotExist}]}
              matchConditions:
              - name: not-kube-system
                expression: "request.namespace != 'kube-system'"
              validations:
              - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
                message: "images must be pinned"
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: no-latest-binding}
            spec: {policyName: no-latest, validationActions: [Warn]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: default}
            spec: {containers: [{name: c, image: "nginx:latest"}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: kube-system}
            spec: {containers: [{name: c, image: "nginx:latest"}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: c, namespace: default, labels: {skip: "yes"}}
            spec: {containers: [{name: c, image: "nginx:latest"}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: d, namespace: default}
            spec: {containers: [{name: c, image: "nginx:1.27"}]}
            """, path: "inline.yaml")
        let decisions = AdmissionEvaluator().evaluate(objects)
        XCTAssertEqual(decisions.map(\.objectReference), ["Pod/default/a"])
        XCTAssertEqual(decisions.first?.outcome, .warned)
        XCTAssertEqual(decisions.first?.message, "Validation failed for ValidatingAdmissionPolicy 'no-latest' with binding 'no-latest-binding': images must be pinned")
    }

    func testHostileYAMLIsRejected() {
        let bomb = """
            a: &a ["x","x","x","x","x","x","x","x","x","x"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
            kind: Pod
            """
        XCTAssertThrowsError(try ManifestLoader.load(bomb, path: "bomb.yaml")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .limitExceeded)
        }
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        XCTAssertThrowsError(try ManifestLoader.load("kind: Pod\nx: \(deep)", path: "deep.yaml")) { e in
            // libyaml may stop it first (malformed); otherwise the converter's depth limit does.
            let kind = (e as? KensaError)?.kind
            XCTAssertTrue(kind == .limitExceeded || kind == .malformed, "\(e)")
        }
        let veryDeep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        XCTAssertThrowsError(try ManifestLoader.load("kind: Pod\nx: \(veryDeep)", path: "deep.yaml")) { e in
            let kind = (e as? KensaError)?.kind
            XCTAssertTrue(kind == .limitExceeded || kind == .malformed, "\(e)")
        }
        XCTAssertThrowsError(try ManifestLoader.load("kind: Pod\n---\nkind: [unclosed", path: "half.yaml")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .malformed)
        }
        XCTAssertThrowsError(try ManifestLoader.load("kind: [unclosed", path: "bad.yaml")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .malformed)
        }
    }
}
