import KensaCore
import XCTest
@testable import KensaChecks

final class KubeReaderTests: XCTestCase {
    let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            spec:
              containers:
              - name: ok
                image: nginx:1.27
              - name: bad
                image: nginx:1.27
                securityContext:
                  privileged: true
        """

    func testFindingPointsAtFieldLineObjectAndPath() throws {
        let objects = try KubeReader.read("# leading comment\n---\n" + deployment, path: "k8s/web.yaml")
        let f = ConfigScanner(checks: [pssPrivileged]).scan(objects: objects)
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].location.path, "k8s/web.yaml")
        XCTAssertEqual(f[0].location.object, "Deployment/shop/web")
        XCTAssertEqual(f[0].location.fieldPath, "spec.template.spec.containers[1].securityContext.privileged")
        XCTAssertEqual(f[0].location.startLine, 17)
        XCTAssertEqual(f[0].kind, .misconfiguration)
        XCTAssertEqual(f[0].category, "Pod Security Standards")
    }

    func testListKindsMultiDocumentsAndNonKubernetesYAML() throws {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: a}
              spec: {hostPID: true, containers: [{name: c, image: 'x:1'}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: b}
              spec:
                hostNetwork: true
                containers: [{name: c, image: 'x:1'}]
            ---
            name: my-app
            values: {replicas: 3}
            ---
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}, "spec": {"hostIPC": true, "containers": []}}
            """
        let objects = try KubeReader.read(text, path: "list.yaml")
        XCTAssertEqual(objects.map(\.name), ["a", "b", "j"])
        let f = ConfigScanner(checks: [pssHostNamespaces]).scan(objects: objects)
        XCTAssertEqual(f.map(\.location.object), ["Pod/a", "Pod/b", "Pod/j"])
        XCTAssertEqual(f.map(\.location.startLine), [7, 12, 18])
    }

    func testBadYAMLAndAliasBombAreTypedErrors() {
        XCTAssertThrowsError(try KubeReader.read("apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n", path: "bad.yaml")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .malformed)
            XCTAssertEqual((e as? KensaError)?.input, "bad.yaml")
        }
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        XCTAssertThrowsError(try KubeReader.read(bomb, path: "bomb.yaml")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .limitExceeded)
        }
        XCTAssertThrowsError(try KubeReader.read(String(repeating: "[", count: 500) + String(repeating: "]", count: 500), path: "deep.yaml"))
    }

    func testAnnotationSuppression() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: agent
              annotations:
                kensa.dev/ignore: "KNS-PSS-003, KNS-PSS-002: node agent needs the host; KNS-WL-001"
            spec:
              hostPID: true
              containers: [{name: a, image: 'x:1', securityContext: {privileged: true}}]
            """
        let f = ConfigScanner(checks: [pssPrivileged, pssHostNamespaces, pssHostPathVolumes, wlResourceLimits]).scan(objects: try KubeReader.read(text, path: "p.yaml"))
        XCTAssertEqual(f.count, 3)
        XCTAssertEqual(f.first { $0.id == "KNS-PSS-003" }?.suppression, Finding.Suppression(source: "annotation", reason: "node agent needs the host"))
        XCTAssertEqual(f.first { $0.id == "KNS-PSS-002" }?.suppression?.source, "annotation")
        XCTAssertEqual(f.first { $0.id == "KNS-WL-001" }?.suppression?.reason, "annotation kensa.dev/ignore")
    }

    func testPodVersusContainerPrecedence() throws {
        // runAsNonRoot true at pod level covers containers that leave it unset, not one that says false.
        let text = Example.pod("{securityContext: {runAsNonRoot: true}, containers: [{name: a, image: 'x:1'}, {name: b, image: 'x:1', securityContext: {runAsNonRoot: false}}]}")
        let f = ConfigScanner(checks: [pssRunAsNonRoot]).scan(objects: try KubeReader.read(text, path: "p.yaml"))
        XCTAssertEqual(f.map(\.location.fieldPath), ["spec.containers[1].securityContext.runAsNonRoot"])
        // Seccomp set on the pod covers the containers; a container Unconfined overrides it.
        let s = Example.pod("{securityContext: {seccompProfile: {type: RuntimeDefault}}, containers: [{name: a, image: 'x:1'}, {name: b, image: 'x:1', securityContext: {seccompProfile: {type: Unconfined}}}]}")
        let g = ConfigScanner(checks: [pssSeccompRestricted, pssSeccompBaseline]).scan(objects: try KubeReader.read(s, path: "p.yaml"))
        XCTAssertEqual(Set(g.map(\.id)), ["KNS-PSS-010", "KNS-PSS-016"])
        XCTAssertTrue(g.allSatisfy { $0.location.fieldPath == "spec.containers[1].securityContext.seccompProfile.type" })
    }
}
