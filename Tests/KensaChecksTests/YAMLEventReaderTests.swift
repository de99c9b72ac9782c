import Foundation
import KensaCEL
import KensaCore
import XCTest
@testable import KensaChecks

/// The event reader must give exactly what the Yams composer path gives (values, types, field
/// lines, objects), and give up (nil) on everything it does not handle itself.
final class YAMLEventReaderTests: XCTestCase {
    func dump(_ v: CELValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return "b:\(b)"
        case .int(let i): return "i:\(i)"
        case .uint(let u): return "u:\(u)"
        case .double(let d): return "d:\(d)"
        case .string(let s): return "s:\(s.debugDescription)"
        case .list(let items): return "[" + items.map(dump).joined(separator: ",") + "]"
        case .map(let m): return "{" + zip(m.keys, m.values).map { dump($0) + "=" + dump($1) }.joined(separator: ",") + "}"
        default: return "other:\(v)"
        }
    }

    func dump(_ objects: [KubeObject]) -> [String] {
        objects.map { o in
            "\(o.manifest.path):\(o.manifest.line)-\(o.endLine) \(dump(o.value)) " + o.lines.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: " ")
        }
    }

    /// Same objects or the same error both ways.
    func assertSame(_ text: String, fast: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let documents = YAMLEventReader.documents(text, maxNodes: ManifestLoader.maxNodes, maxDepth: ManifestLoader.maxDepth)
        XCTAssertEqual(documents != nil, fast, "fast path taken", file: file, line: line)
        let viaRead = Result { () throws(KensaError) in try KubeReader.read(text, path: "t.yaml") }
        let viaComposer = Result { () throws(KensaError) in try KubeReader.readComposed(text, path: "t.yaml") }
        switch (viaRead, viaComposer) {
        case (.success(let a), .success(let b)): XCTAssertEqual(dump(a), dump(b), file: file, line: line)
        case (.failure(let a), .failure(let b)): XCTAssertEqual(a.reason, b.reason, file: file, line: line)
        default: XCTFail("one way failed: \(viaRead) vs \(viaComposer)", file: file, line: line)
        }
    }

    let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels: {app: "web", tier: 'front', n: 3, on: yes, x: ~, f: 1.5, h: 0x1F, e: "", q: "true"}
        spec:
          containers:
          - name: a
            image: nginx:1.25
            args: ["--port", 8080, -1, +2, .5, 1e3, null, NULL, off]
            command:
              - sh
              - -c
              - |
                echo hi
                exit 0
            env:
            - name: A
              value: >
                folded text
          - name: b
            image: "x:1"
        """

    func testPlainManifestsTakeTheFastPathWithIdenticalResults() {
        assertSame(pod, fast: true)
        assertSame(pod + "\n---\n" + pod.replacingOccurrences(of: "name: web", with: "name: two") + "\n---\n", fast: true)
        assertSame("---\n---\n", fast: true)
        assertSame("", fast: true)
        assertSame("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n", fast: true)
        assertSame(#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}, "spec": {"containers": [{"name": "a", "image": "x:1"}]}}"#, fast: true)
        assertSame("%YAML 1.1\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n...\n", fast: true)
        assertSame("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n<<: {a: 1}\n", fast: true)
    }

    func testEverythingElseGoesTheComposerWay() {
        // Anchors and aliases, explicit tags, complex and duplicate keys, syntax errors, limits.
        assertSame("apiVersion: v1\nkind: Pod\nmetadata: &m {name: p}\nspec: {x: *m}\n", fast: false)
        assertSame("apiVersion: v1\nkind: Pod\nmetadata: {name: !!str 123, n: !!int \"5\"}\n", fast: false)
        assertSame("apiVersion: v1\nkind: Pod\nmetadata: !!map {name: p}\n", fast: false)
        assertSame("apiVersion: v1\nkind: Pod\n? [a, b]\n: c\n", fast: false)
        assertSame("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nmetadata: {name: b}\n", fast: false)
        assertSame("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n", fast: false)
        assertSame("apiVersion: v1\nkind: Pod\nspec: " + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + "\n", fast: false)
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + (1..<9).map { "\(Character(UnicodeScalar(97 + $0)!)): &\(Character(UnicodeScalar(97 + $0)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + $0)!))", count: 9).joined(separator: ", ") + "]" }.joined(separator: "\n") + "\n"
        assertSame(bomb, fast: false)
        // Truncated input: every prefix of a real manifest gives the same answer both ways.
        let utf8 = Array(pod.utf8)
        for cut in stride(from: 0, to: utf8.count, by: 7) {
            let text = String(decoding: utf8[..<cut], as: UTF8.self)
            let documents = YAMLEventReader.documents(text, maxNodes: ManifestLoader.maxNodes, maxDepth: ManifestLoader.maxDepth)
            assertSame(text, fast: documents != nil)
        }
    }

    func testNodeBudgetGivesUp() {
        let list = "items: [" + Array(repeating: "1", count: 50).joined(separator: ", ") + "]\n"
        XCTAssertNil(YAMLEventReader.documents(list, maxNodes: 20, maxDepth: 100))
        XCTAssertNotNil(YAMLEventReader.documents(list, maxNodes: 100, maxDepth: 100))
    }

    /// The bench corpus (283 real manifest files, read in place): the same as the composer.
    func testBenchCorpusIsIdenticalBothWays() throws {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/bench/corpus/k8s")
        guard FileManager.default.fileExists(atPath: root.path) else { throw XCTSkip("no ../shared/bench/corpus/k8s beside the package") }
        let (files, _) = ConfigScan.walk(root)
        var fast = 0, total = 0
        for file in files where ConfigScan.isManifestName(file) {
            guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { continue }
            total += 1
            if YAMLEventReader.documents(text, maxNodes: ManifestLoader.maxNodes, maxDepth: ManifestLoader.maxDepth) != nil { fast += 1 }
            let a = Result { () throws(KensaError) in try KubeReader.read(text, path: file) }
            let b = Result { () throws(KensaError) in try KubeReader.readComposed(text, path: file) }
            switch (a, b) {
            case (.success(let x), .success(let y)): XCTAssertEqual(dump(x), dump(y), file)
            case (.failure(let x), .failure(let y)): XCTAssertEqual(x.reason, y.reason, file)
            default: XCTFail("\(file): one way failed")
            }
        }
        XCTAssertGreaterThan(total, 200)
        XCTAssertGreaterThan(fast, total * 9 / 10, "most real manifests take the fast path")
    }
}
