import Testing
@testable import KensaRuntime

@Suite struct UpstreamRulesTests {
    @Test func k8sAuditRulesLoadWithNoneSkipped() throws {
        var loader = RuleLoader()
        try loader.add(path: TestData.k8sRules)
        let engine = try loader.compile(strict: true)
        let summary = try #require(engine.report.files.first)
        print("k8s_audit_rules.yaml: \(summary.defined) rules, \(summary.loaded) loaded, \(summary.skipped) skipped, \(summary.disabled) disabled")
        #expect(summary.defined == 48)
        #expect(summary.loaded == 48)
        #expect(engine.report.skipped.isEmpty)
        #expect(engine.auditRules.count == 48)
    }

    @Test func syscallRuleFilesLoadUnmodified() throws {
        var loader = RuleLoader()
        for f in TestData.syscallRuleFiles { try loader.add(path: f) }
        try loader.add(path: TestData.k8sRules)
        let engine = try loader.compile()
        for s in engine.report.files {
            print("\(s.file.split(separator: "/").last ?? ""): \(s.defined) rules, \(s.loaded) loaded, \(s.skipped) skipped, \(s.disabled) disabled")
        }
        for s in engine.report.skipped {
            print("  skipped '\(s.rule)' (\(s.file.split(separator: "/").last ?? ""):\(s.line)): \(s.reason)")
        }
        let counts = engine.report.files.map(\.defined)
        #expect(counts == [25, 31, 37, 48])
        for s in engine.report.files { #expect(s.loaded + s.skipped + s.disabled == s.defined) }
        #expect(engine.report.files[3].loaded == 48)
        // Every skip names the fields kensa lacks.
        for s in engine.report.skipped { #expect(s.reason.contains("unsupported field")) }
    }
}
