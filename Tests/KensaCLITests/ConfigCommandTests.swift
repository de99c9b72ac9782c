import Foundation
import XCTest

/// `kensa config` end to end: the real binary on generated manifests and Dockerfiles.
final class ConfigCommandTests: XCTestCase {
    let privilegedPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: agent, namespace: ops}
        spec:
          containers:
          - name: a
            image: registry.example/agent:1.0
            securityContext:
              privileged: true
        """

    func write(_ dir: URL, _ name: String, _ data: Data) throws {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func findings(_ run: KensaRun) throws -> [[String: Any]] {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: run.stdout) as? [String: Any], run.err)
        return try XCTUnwrap(json["findings"] as? [[String: Any]])
    }

    func testDirectoryScanJSONExitCodeAndSeverityFilter() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "k8s/agent.yaml", Data(privilegedPod.utf8))
        try write(dir, "Dockerfile", Data("FROM ubuntu\nRUN curl -s https://x.example/i | sh\n".utf8))
        let run = try Kensa.run(["config", dir.path, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.err)
        let all = try findings(run)
        let privileged = try XCTUnwrap(all.first { $0["id"] as? String == "KNS-PSS-003" })
        let location = try XCTUnwrap(privileged["location"] as? [String: Any])
        XCTAssertEqual(location["path"] as? String, "k8s/agent.yaml")
        XCTAssertEqual(location["startLine"] as? Int, 9)
        XCTAssertEqual(location["object"] as? String, "Pod/ops/agent")
        XCTAssertEqual(location["fieldPath"] as? String, "spec.containers[0].securityContext.privileged")
        XCTAssertTrue(all.contains { $0["id"] as? String == "KNS-DF-004" })

        let gated = try Kensa.run(["config", dir.path, "--format", "json", "--exit-code", "3", "--severity", "CRITICAL"])
        XCTAssertEqual(gated.status, 0, "no CRITICAL findings: the gate stays open")
        XCTAssertEqual(try findings(gated).count, 0)
        let high = try Kensa.run(["config", dir.path, "--format", "json", "--exit-code", "3", "--severity", "HIGH"])
        XCTAssertEqual(high.status, 3)
        XCTAssertTrue(try findings(high).allSatisfy { $0["severity"] as? String == "HIGH" })
    }

    func testStdinAndSuppressionRecordedInJSON() throws {
        let annotated = privilegedPod.replacingOccurrences(of: "metadata: {name: agent, namespace: ops}",
                                                           with: "metadata: {name: agent, namespace: ops, annotations: {kensa.dev/ignore: 'KNS-PSS-003: node agent'}}")
        let run = try Kensa.run(["config", "-", "--format", "json"], stdin: Data(annotated.utf8))
        XCTAssertEqual(run.status, 0, run.err)
        let f = try XCTUnwrap(try findings(run).first { $0["id"] as? String == "KNS-PSS-003" })
        let suppressed = try XCTUnwrap(f["suppressed"] as? [String: Any])
        XCTAssertEqual(suppressed["source"] as? String, "annotation")
        XCTAssertEqual(suppressed["reason"] as? String, "node agent")
    }

    func testComplianceTable() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "agent.yaml", Data(privilegedPod.utf8))
        let run = try Kensa.run(["config", "--compliance", "pss-baseline", dir.path])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.hasPrefix("pss-baseline: 10/11 controls pass"), run.out)
        let row = try XCTUnwrap(run.out.split(separator: "\n").first { $0.hasPrefix("KNS-PSS-003") })
        XCTAssertTrue(row.contains("Privileged Containers") && row.contains("FAIL") && row.contains("Pod/ops/agent"), String(row))
        XCTAssertEqual(try Kensa.run(["config", "--compliance", "pss-nope", dir.path]).status, 2)
    }

    func testComplianceJSON() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "agent.yaml", Data(privilegedPod.utf8))
        let run = try Kensa.run(["config", "--compliance", "pss-restricted", "--format", "json", dir.path])
        XCTAssertEqual(run.status, 0, run.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: run.stdout) as? [String: Any], run.out)
        XCTAssertEqual(json["profile"] as? String, "pss-restricted")
        XCTAssertNil(json["findings"], "the per-control document, not the findings report")
        let controls = try XCTUnwrap(json["controls"] as? [[String: Any]])
        XCTAssertEqual(controls.count, 17)
        XCTAssertEqual(controls.map { $0["id"] as? String ?? "" }, controls.map { $0["id"] as? String ?? "" }.sorted())
        let privileged = try XCTUnwrap(controls.first { $0["id"] as? String == "KNS-PSS-003" })
        XCTAssertEqual(privileged["level"] as? String, "baseline")
        XCTAssertEqual(privileged["control"] as? String, "Privileged Containers")
        XCTAssertEqual(privileged["status"] as? String, "FAIL")
        XCTAssertEqual(privileged["failingObjects"] as? [String], ["agent.yaml: Pod/ops/agent"])
        let hostProcess = try XCTUnwrap(controls.first { $0["id"] as? String == "KNS-PSS-001" })
        XCTAssertEqual(hostProcess["status"] as? String, "PASS")
        XCTAssertEqual(hostProcess["failingObjects"] as? [String], [])
        let failed = controls.filter { $0["status"] as? String == "FAIL" }.count
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        XCTAssertEqual(summary["controls"] as? Int, 17)
        XCTAssertEqual(summary["failed"] as? Int, failed)
        XCTAssertEqual(summary["passed"] as? Int, 17 - failed)
        XCTAssertEqual(summary["objects"] as? Int, 1)
        XCTAssertGreaterThan(failed, 1)

        // Suppressed findings do not fail a control.
        let annotated = privilegedPod.replacingOccurrences(of: "metadata: {name: agent, namespace: ops}",
                                                           with: "metadata: {name: agent, namespace: ops, annotations: {kensa.dev/ignore: 'KNS-PSS-003: node agent'}}")
        try write(dir, "agent.yaml", Data(annotated.utf8))
        let suppressed = try Kensa.run(["config", "--compliance", "pss-baseline", "-f", "json", dir.path])
        XCTAssertEqual(suppressed.status, 0, suppressed.err)
        let baseline = try XCTUnwrap(JSONSerialization.jsonObject(with: suppressed.stdout) as? [String: Any])
        let row = (baseline["controls"] as? [[String: Any]])?.first { $0["id"] as? String == "KNS-PSS-003" }
        XCTAssertEqual(row?["status"] as? String, "PASS")
        XCTAssertEqual((baseline["summary"] as? [String: Any])?["controls"] as? Int, 11)
    }

    func testPolicyAdmissionPoliciesAndIgnorefile() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "scan/app.yaml", Data("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: test-ns, labels: {environment: test}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: too-many, namespace: test-ns}
            spec:
              replicas: 6
              template:
                spec: {containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]}
            """.utf8))
        try write(dir, "policies/team.yaml", Data("""
            id: KNS-CUSTOM-001
            title: Team label
            severity: LOW
            kinds: [Deployment]
            expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
            """.utf8))
        try write(dir, "vap/policy.yaml", Data("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: max-replicas}
            spec:
              matchConstraints:
                resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
              validations: [{expression: "object.spec.replicas <= 5"}]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: max-replicas-test}
            spec:
              policyName: max-replicas
              validationActions: [Deny]
              matchResources: {namespaceSelector: {matchLabels: {environment: test}}}
            """.utf8))
        try write(dir, "ignore.yaml", Data("- id: KNS-PSS-003\n  paths: [app.yaml]\n  reason: accepted for the demo\n".utf8))
        let run = try Kensa.run(["config", dir.appendingPathComponent("scan").path, "--format", "json",
                                 "--policy", dir.appendingPathComponent("policies").path,
                                 "--admission-policies", dir.appendingPathComponent("vap").path,
                                 "--ignorefile", dir.appendingPathComponent("ignore.yaml").path])
        XCTAssertEqual(run.status, 0, run.err)
        let all = try findings(run)
        XCTAssertEqual(all.filter { $0["id"] as? String == "KNS-CUSTOM-001" }.count, 1)
        let denied = try XCTUnwrap(all.first { $0["id"] as? String == "max-replicas" })
        XCTAssertTrue((denied["message"] as? String ?? "").contains("object.spec.replicas <= 5"), "\(denied)")
        let privileged = try XCTUnwrap(all.first { $0["id"] as? String == "KNS-PSS-003" })
        XCTAssertEqual((privileged["suppressed"] as? [String: Any])?["reason"] as? String, "accepted for the demo")
        XCTAssertEqual(try Kensa.run(["config", dir.appendingPathComponent("scan").path, "--policy", dir.appendingPathComponent("nope").path]).status, 2)
    }

    // MARK: hostile inputs, each under /usr/bin/time -v with a memory ceiling

    func testMalformedYAML() throws {
        let dir = try temporaryDirectory(self)
        try write(dir, "bad.yaml", Data("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n  - : : :\n".utf8))
        try write(dir, "good.yaml", Data(privilegedPod.utf8))
        let single = try runMeasured(["config", dir.appendingPathComponent("bad.yaml").path])
        XCTAssertEqual(single.run.status, 2)
        XCTAssertTrue(single.run.err.contains("bad.yaml") && single.run.err.contains("invalid YAML"), single.run.err)
        let scan = try runMeasured(["config", dir.path, "--format", "json"])
        XCTAssertEqual(scan.run.status, 0, scan.run.err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: scan.run.stdout) as? [String: Any])
        XCTAssertEqual((json["warnings"] as? [[String: Any]])?.compactMap { $0["path"] as? String }, ["bad.yaml"])
        XCTAssertFalse(try findings(scan.run).isEmpty, "the good file is still scanned")
        XCTAssertLessThan(scan.maxRSSKiB, 200 * 1024)
    }

    func testAliasBomb() throws {
        let dir = try temporaryDirectory(self)
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        try write(dir, "bomb.yaml", Data(bomb.utf8))
        let m = try runMeasured(["config", dir.appendingPathComponent("bomb.yaml").path])
        XCTAssertEqual(m.run.status, 2)
        XCTAssertTrue(m.run.err.contains("bomb.yaml") && m.run.err.contains("alias"), m.run.err)
        XCTAssertLessThan(m.maxRSSKiB, 400 * 1024)
    }

    func testFiftyMegabyteManifest() throws {
        let dir = try temporaryDirectory(self)
        let url = dir.appendingPathComponent("huge.yaml")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let doc = Data((privilegedPod + "\n---\n").utf8)
        var chunk = Data()
        for _ in 0..<1000 { chunk.append(doc) }
        var written = 0
        while written < 50_000_000 {
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        try handle.close()
        try write(dir, "small.yaml", Data(privilegedPod.utf8))
        let single = try runMeasured(["config", url.path])
        XCTAssertEqual(single.run.status, 2)
        XCTAssertTrue(single.run.err.contains("huge.yaml") && single.run.err.contains("larger than"), single.run.err)
        XCTAssertLessThan(single.maxRSSKiB, 100 * 1024, "refused without being read")
        let scan = try runMeasured(["config", dir.path, "--format", "json"])
        XCTAssertEqual(scan.run.status, 0, scan.run.err)
        XCTAssertTrue(scan.run.out.contains("larger than"))
        XCTAssertLessThan(scan.maxRSSKiB, 100 * 1024)
    }

    func testBinaryFileNamedYAML() throws {
        let dir = try temporaryDirectory(self)
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        try write(dir, "image.yaml", Data(bytes))
        let single = try runMeasured(["config", dir.appendingPathComponent("image.yaml").path])
        XCTAssertEqual(single.run.status, 2)
        XCTAssertTrue(single.run.err.contains("image.yaml") && single.run.err.contains("binary"), single.run.err)
        let scan = try runMeasured(["config", dir.path, "--format", "json"])
        XCTAssertEqual(scan.run.status, 0, scan.run.err)
        XCTAssertTrue(scan.run.out.contains("binary file"))
        XCTAssertLessThan(scan.maxRSSKiB, 100 * 1024)
    }

    func testDockerfileWithOneMegabyteLine() throws {
        let dir = try temporaryDirectory(self)
        let long = String(repeating: "x", count: 1_000_000)
        try write(dir, "Dockerfile", Data("FROM alpine:3.20\nENV API_TOKEN=\(long)\nRUN apk add curl \\\n && echo \(long)\nUSER 1000\n".utf8))
        let m = try runMeasured(["config", dir.appendingPathComponent("Dockerfile").path, "--format", "json"])
        XCTAssertEqual(m.run.status, 0, m.run.err)
        let ids = Set(try findings(m.run).compactMap { $0["id"] as? String })
        XCTAssertTrue(ids.isSuperset(of: ["KNS-DF-006", "KNS-DF-008"]), "\(ids)")
        XCTAssertLessThan(m.maxRSSKiB, 200 * 1024)
    }
}
