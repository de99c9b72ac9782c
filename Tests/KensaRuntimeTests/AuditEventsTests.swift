import Testing
@testable import KensaRuntime

@Suite struct AuditEventsTests {
    @Test func ourEventsRaiseExactlyTheExpectedRules() throws {
        let engine = try TestData.k8sEngine()
        let expected = try TestData.expected(TestData.expectedFile)
        let lines = try TestData.lines(TestData.eventsFile)
        #expect(lines.count == 53)
        var checked = 0
        for (i, line) in lines.enumerated() {
            let key = "k8s_audit_events.jsonl:\(i + 1)"
            let batch = AuditEvent.decode(line)
            #expect(batch.failures.isEmpty, "\(key): \(batch.failures)")
            let got = Set(batch.events.flatMap(engine.matchingRules))
            #expect(got == expected[key], "\(key)")
            checked += 1
        }
        #expect(checked == expected.count)
    }

    @Test func upstreamEventsRaiseTheExpectedRules() throws {
        let engine = try TestData.k8sEngine()
        let expected = try TestData.expected(TestData.upstreamEvents.appendingPathComponent("expected-current-rules.json").path)
        var checked = 0
        var rejected = 0
        for (key, rules) in expected.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: ":")
            let file = TestData.upstreamEvents.appendingPathComponent(String(parts[0])).path
            let lineNo = Int(parts[1]) ?? 0
            let lines = try TestData.lines(file)
            let batch = AuditEvent.decode(lines[lineNo - 1])
            rejected += batch.failures.count
            let got = Set(batch.events.flatMap(engine.matchingRules))
            #expect(got == rules, "\(key)")
            checked += 1
        }
        #expect(checked == expected.count)
        #expect(rejected == 1)  // fal_01_003.json is not an audit event
    }
}
