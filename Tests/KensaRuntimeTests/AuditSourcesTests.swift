import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing
@testable import KensaRuntime

@Suite struct AuditSourcesTests {
    /// The events file through the file source: each line raises exactly its expected rules.
    @Test func fileSourceRaisesExpectedRules() async throws {
        let engine = try TestData.k8sEngine()
        let expected = try TestData.expected(TestData.expectedFile)
        let sink = CollectingSink()
        let detector = Detector(engine: engine, sinks: [sink], hostname: "test")
        var got: [String: Set<String>] = [:]
        try await AuditLogReader(path: TestData.eventsFile, follow: false).run { line, number in
            let before = sink.count
            guard case .text(let bytes) = line else { Issue.record("oversized line \(number)"); return }
            detector.handleAudit(bytes, origin: "line \(number)")
            got["k8s_audit_events.jsonl:\(number)"] = Set(sink.alerts[before...].map(\.rule))
        }
        #expect(got == expected)
        #expect(detector.stats.events == 53)
        #expect(detector.stats.malformed == 0)
        print("file source: 53 events, \(detector.stats.alerts) alerts, \(detector.stats.alertsByRule.count) distinct rules")
        #expect(detector.stats.alertsByRule.count == 37)
    }

    /// The same events POSTed over HTTPS on loopback as EventLists, with a bearer token.
    @Test func webhookSourceRaisesExpectedRules() async throws {
        let dir = try Shell.tempDir("webhook")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pki = try Shell.makeTestPKI(in: dir)
        let engine = try TestData.k8sEngine()
        let expected = try TestData.expected(TestData.expectedFile)
        let sink = CollectingSink()
        let detector = Detector(engine: engine, sinks: [sink], hostname: "test")
        let config = AuditWebhookConfig(host: "127.0.0.1", port: 0, certificatePath: pki.cert, privateKeyPath: pki.key, bearerToken: "s3cret")
        let server = try await AuditWebhookServer.start(config, group: MultiThreadedEventLoopGroup.singleton) { body in
            detector.handleAudit(body, origin: "webhook")
        }
        #expect(server.usesTLS)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.ca))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        func post(_ body: String, token: String?) async throws -> UInt {
            var req = HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/k8s-audit")
            req.method = .POST
            req.headers.add(name: "content-type", value: "application/json")
            if let token { req.headers.add(name: "authorization", value: "Bearer \(token)") }
            req.body = .bytes(ByteBuffer(string: body))
            let resp = try await client.execute(req, timeout: .seconds(10))
            _ = try await resp.body.collect(upTo: 1 << 20)
            return resp.status.code
        }
        do {
            let lines = try TestData.lines(TestData.eventsFile)
            var got: [String: Set<String>] = [:]
            for (i, line) in lines.enumerated() {
                let before = sink.count
                let status = try await post("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\(line)]}", token: "s3cret")
                #expect(status == 200)
                got["k8s_audit_events.jsonl:\(i + 1)"] = Set(sink.alerts[before...].map(\.rule))
            }
            #expect(got == expected)
            let perEvent = sink.count

            // All 53 in one EventList give the same alerts again.
            let status = try await post("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\(lines.joined(separator: ","))]}", token: "s3cret")
            #expect(status == 200)
            #expect(sink.count == 2 * perEvent)

            // Wrong or missing token: refused, nothing evaluated.
            let eventsBefore = detector.stats.events
            #expect(try await post("{\"kind\":\"EventList\",\"items\":[\(lines[7])]}", token: "wrong") == 401)
            #expect(try await post("{\"kind\":\"EventList\",\"items\":[\(lines[7])]}", token: nil) == 401)
            #expect(detector.stats.events == eventsBefore)

            // A malformed body is counted and skipped; the server keeps serving.
            #expect(try await post("{\"kind\":\"EventList\",\"items\":[{\"kind\":\"Event\"}, \(lines[7])]}", token: "s3cret") == 200)
            #expect(try await post("{not json", token: "s3cret") == 200)
            #expect(detector.stats.malformed == 2)
            #expect(detector.stats.events == eventsBefore + 1)
            print("webhook source (HTTPS on 127.0.0.1:\(server.port)): \(detector.stats.events) events, \(detector.stats.alerts) alerts, \(detector.stats.malformed) malformed")
        } catch {
            try? await client.shutdown()
            await server.close()
            throw error
        }
        try await client.shutdown()
        await server.close()
    }

    /// `--follow`: lines appended later, a rotated file and a truncated file are all read.
    @Test func followReadsAppendsAndRotations() async throws {
        let dir = try Shell.tempDir("follow")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/audit.log"
        let lines = try TestData.lines(TestData.eventsFile)
        try (lines[0...4].joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let engine = try TestData.k8sEngine()
        let detector = Detector(engine: engine, sinks: [], hostname: "test")
        let reader = AuditLogReader(path: path, follow: true, pollInterval: .milliseconds(20))
        let task = Task {
            try await reader.run { line, n in
                if case .text(let b) = line { detector.handleAudit(b, origin: "\(n)") }
            }
        }
        func waitFor(_ n: Int) async throws {
            for _ in 0..<500 where detector.stats.events < n { try await Task.sleep(for: .milliseconds(10)) }
            #expect(detector.stats.events == n)
        }
        try await waitFor(5)
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.seekToEnd()
        // A line written in two pieces is read once it is complete.
        let piece = Array(lines[5].utf8)
        try h.write(contentsOf: Data(piece[0..<100]))
        try await Task.sleep(for: .milliseconds(60))
        try h.write(contentsOf: Data(piece[100...]) + Data("\n".utf8))
        try h.close()
        try await waitFor(6)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try (lines[6...9].joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        try await waitFor(10)
        try (lines[10] + "\n").write(toFile: path, atomically: false, encoding: .utf8)  // truncate in place
        try await waitFor(11)
        task.cancel()
        _ = try await task.value
        #expect(detector.stats.malformed == 0)
    }

    @Test func malformedLinesAreCountedAndSkipped() async throws {
        let dir = try Shell.tempDir("malformed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/audit.log"
        let good = try TestData.lines(TestData.eventsFile)[8]
        let huge = "{\"kind\":\"Event\",\"x\":\"" + String(repeating: "a", count: 300_000) + "\"}"
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let content = [good, "{\"kind\": 0}", "not json", String(good.prefix(200)), huge, deep, "", "   ", good,
                       "{\"kind\":\"Event\",\"auditID\":\"x\"}", "\u{FEFF}" + good].joined(separator: "\n")
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        let detector = Detector(engine: try TestData.k8sEngine(), sinks: [], hostname: "test")
        var oversized = 0
        try await AuditLogReader(path: path, follow: false, maxLineBytes: 100_000).run { line, n in
            switch line {
            case .text(let b): detector.handleAudit(b, origin: "\(n)")
            case .oversized: oversized += 1; detector.malformed("\(n)", "line too long")
            }
        }
        #expect(oversized == 1)
        #expect(detector.stats.events == 2)
        #expect(detector.stats.malformed == 7)
    }
}

@Suite struct WebhookLimitsTests {
    @Test func oversizedBodiesAndOtherMethodsAreRefused() async throws {
        let detector = Detector(engine: try TestData.k8sEngine(), sinks: [], hostname: "test")
        let server = try await AuditWebhookServer.start(AuditWebhookConfig(host: "127.0.0.1", port: 0, maxBodyBytes: 4096),
                                                        group: MultiThreadedEventLoopGroup.singleton) { detector.handleAudit($0, origin: "w") }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        func send(_ method: HTTPMethod, _ body: String) async throws -> UInt {
            var req = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/")
            req.method = method
            if !body.isEmpty { req.body = .bytes(ByteBuffer(string: body)) }
            let resp = try await client.execute(req, timeout: .seconds(10))
            _ = try await resp.body.collect(upTo: 1 << 20)
            return resp.status.code
        }
        let big = "{\"kind\":\"EventList\",\"items\":[],\"pad\":\"" + String(repeating: "x", count: 10_000) + "\"}"
        let results = (try? await send(.POST, big), try? await send(.GET, ""))
        try await client.shutdown()
        await server.close()
        #expect(results.0 == 413)
        #expect(results.1 == 405)
        #expect(detector.stats.events == 0)
    }

    @Test func addressParsing() throws {
        #expect(try AuditWebhookConfig.parseAddress("127.0.0.1:8443") == ("127.0.0.1", 8443))
        #expect(try AuditWebhookConfig.parseAddress(":9000") == ("0.0.0.0", 9000))
        #expect(try AuditWebhookConfig.parseAddress("[::1]:9000") == ("::1", 9000))
        #expect(throws: RuntimeError.self) { try AuditWebhookConfig.parseAddress("localhost") }
        #expect(throws: RuntimeError.self) { try AuditWebhookConfig.parseAddress("h:99999") }
    }
}
