import Foundation
import NIOPosix
import Testing
@testable import KensaRuntime

@Suite struct AlertSinkTests {
    final class Bodies: @unchecked Sendable {
        let lock = NSLock()
        var items: [JSONValue] = []
        func add(_ b: [UInt8]) { lock.withLock { items.append((try? JSONReader.parse(b)) ?? .null) } }
        var all: [JSONValue] { lock.withLock { items } }
    }

    func alerts() throws -> [Alert] {
        let engine = try TestData.k8sEngine()
        let lines = try TestData.lines(TestData.eventsFile)
        // Line 9 raises Disallowed K8s User and Create Privileged Pod; line 8 Create Privileged Pod.
        var out: [Alert] = []
        for n in [8, 8, 8, 8, 9] {
            for e in AuditEvent.decode(lines[n - 1]).events { out += engine.alerts(for: e, hostname: "h") }
        }
        return out
    }

    @Test(arguments: [WebhookSink.Format.generic, .slack])
    func webhookPostsWithPerRuleRateLimit(_ format: WebhookSink.Format) async throws {
        let bodies = Bodies()
        // The receiving end is a plain-HTTP listener on loopback.
        let receiver = try await AuditWebhookServer.start(AuditWebhookConfig(host: "127.0.0.1", port: 0),
                                                          group: MultiThreadedEventLoopGroup.singleton) { bodies.add($0) }
        let sink = try WebhookSink(url: "http://127.0.0.1:\(receiver.port)/alerts", format: format,
                                   limiter: RateLimiter(maxPerWindow: 2, window: .seconds(60)), diagnostics: { print($0) })
        let all = try alerts()
        #expect(all.filter { $0.rule == "Create Privileged Pod" }.count == 5)
        for a in all { sink.deliver(a, event: .process(ProcessEvent(number: 0, type: "x", time: 0,
            process: ProcessSnapshot(pid: 1, ppid: 0, name: "x", exepath: "", argv: [], uid: 0, cgroup: ""), ancestors: [], userName: nil, observer: .replay))) }
        await sink.finish()
        await receiver.close()
        let got = bodies.all
        #expect(got.count == 3)  // 2 of Create Privileged Pod (3 held back) + 1 Disallowed K8s User
        switch format {
        case .generic:
            #expect(got.compactMap { $0["rule"]?.stringValue }.sorted() == ["Create Privileged Pod", "Create Privileged Pod", "Disallowed K8s User"])
        case .slack:
            for b in got {
                #expect(b["text"]?.stringValue?.contains("Warning") == true)
                #expect(b["attachments"]?.arrayValue?.first?["fields"] != nil)
            }
        }
    }

    @Test func webhookURLMustBeHTTP() {
        #expect(throws: RuntimeError.self) {
            _ = try WebhookSink(url: "ftp://x", format: .generic, limiter: RateLimiter(maxPerWindow: 1, window: .seconds(1)), diagnostics: { _ in })
        }
    }

    @Test func evidenceBundleForAnAuditAlertHasAVerifiedManifest() throws {
        let dir = try Shell.tempDir("evidence")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sink = try EvidenceSink(directory: dir, diagnostics: { Issue.record("\($0)") })
        let lines = try TestData.lines(TestData.eventsFile)
        let event = try #require(AuditEvent.decode(lines[7]).events.first)
        let alert = try #require(try TestData.k8sEngine().alerts(for: event, hostname: "h").first)
        sink.deliver(alert, event: .audit(event))
        let bundles = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(bundles.count == 1)
        let b = dir + "/" + bundles[0]
        #expect(try FileManager.default.contentsOfDirectory(atPath: b).sorted() == ["MANIFEST.sha256", "alert.json", "event.json"])
        let manifest = try String(contentsOfFile: b + "/MANIFEST.sha256", encoding: .utf8)
        for line in manifest.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let data = try Data(contentsOf: URL(fileURLWithPath: b + "/" + parts[1]))
            #expect(SHA256.hex([UInt8](data)) == String(parts[0]))
        }
        #expect(try JSONReader.parse(String(contentsOfFile: b + "/event.json", encoding: .utf8)) == event.json)
    }
}
