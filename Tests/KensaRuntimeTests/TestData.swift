import Foundation
@testable import KensaRuntime

/// Paths of the shared Falco test data, found relative to this file (symlinks resolved, so
/// scratch packages that link the test directory find it too).
enum TestData {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let falco = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata/falco")
    static func rules(_ name: String) -> String { falco.appendingPathComponent("rules/\(name)").path }
    static let k8sRules = rules("k8s_audit_rules.yaml")
    static let syscallRuleFiles = ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"].map(rules)
    static let eventsFile = falco.appendingPathComponent("events/k8s_audit_events.jsonl").path
    static let expectedFile = falco.appendingPathComponent("events/expected.json").path
    static let upstreamEvents = falco.appendingPathComponent("upstream-k8s-audit-events")

    /// `expected.json`: "file:line" → rule names.
    static func expected(_ path: String) throws -> [String: Set<String>] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: [String]] ?? [:]
        return obj.mapValues(Set.init)
    }

    static func k8sEngine() throws -> RuleEngine {
        var loader = RuleLoader()
        try loader.add(path: k8sRules)
        return try loader.compile(strict: true)
    }

    static func lines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
