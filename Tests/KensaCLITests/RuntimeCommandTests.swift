import Foundation
import XCTest

/// `kensa runtime` end to end: the built binary over the shared Falco test data.
final class RuntimeCommandTests: XCTestCase {
    var falco: URL { Kensa.sharedTestdata.appendingPathComponent("falco") }
    var k8sRules: String { falco.appendingPathComponent("rules/k8s_audit_rules.yaml").path }
    var events: String { falco.appendingPathComponent("events/k8s_audit_events.jsonl").path }

    func alertLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testAuditLogRaisesTheExpectedRules() throws {
        let run = try Kensa.run(["runtime", "--rules", k8sRules, "--audit-log", events])
        XCTAssertEqual(run.status, 0, run.err)
        let alerts = try alertLines(run.out)
        let expectedData = try Data(contentsOf: falco.appendingPathComponent("events/expected.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: expectedData) as? [String: [String]])
        var want: [String: Int] = [:]
        for rules in expected.values { for r in rules { want[r, default: 0] += 1 } }
        var got: [String: Int] = [:]
        for a in alerts { got[a["rule"] as? String ?? "", default: 0] += 1 }
        XCTAssertEqual(got, want)
        // Falco's JSON layout.
        let first = try XCTUnwrap(alerts.first)
        for key in ["time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname"] {
            XCTAssertNotNil(first[key], key)
        }
        XCTAssertEqual(first["source"] as? String, "k8s_audit")
        XCTAssertTrue(run.err.contains("48 rules, 48 loaded, 0 skipped"), run.err)
        XCTAssertTrue(run.err.contains("events 53, malformed 0, alerts 55"), run.err)
    }

    func testOutputFileAndDeterminism() throws {
        let dir = try temporaryDirectory(self)
        let a = dir.appendingPathComponent("a.jsonl").path, b = dir.appendingPathComponent("b.jsonl").path
        XCTAssertEqual(try Kensa.run(["runtime", "--rules", k8sRules, "--audit-log", events, "--output", a]).status, 0)
        let second = try Kensa.run(["runtime", "--rules", k8sRules, "--audit-log", events, "--output", b])
        XCTAssertEqual(second.status, 0)
        XCTAssertEqual(second.out, "")
        let first = try String(contentsOfFile: a, encoding: .utf8)
        XCTAssertEqual(first.split(separator: "\n").count, 55)
        XCTAssertEqual(first, try String(contentsOfFile: b, encoding: .utf8))
    }

    func testMalformedRulesFileIsOneLineAndExit2() throws {
        let dir = try temporaryDirectory(self)
        let rules = dir.appendingPathComponent("bad.yaml")
        try """
        - rule: Broken
          desc: d
          condition: ka.verb=create and undefined_macro
          output: o
          priority: INFO
          source: k8s_audit
        """.write(to: rules, atomically: true, encoding: .utf8)
        let run = try Kensa.run(["runtime", "--rules", rules.path, "--audit-log", events])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.err, "kensa runtime: error: \(rules.path):3: rule 'Broken': unknown macro 'undefined_macro'\n")
        XCTAssertEqual(run.out, "")
    }

    func testStrictFailsOnUnsupportedFields() throws {
        let rules = falco.appendingPathComponent("rules/falco_rules.yaml").path
        let lenient = try Kensa.run(["runtime", "--rules", rules, "--check-rules"])
        XCTAssertEqual(lenient.status, 0, lenient.err)
        XCTAssertTrue(lenient.err.contains("falco_rules.yaml: 25 rules"), lenient.err)
        XCTAssertTrue(lenient.err.contains("skipped rule '"), lenient.err)
        let strict = try Kensa.run(["runtime", "--rules", rules, "--check-rules", "--strict"])
        XCTAssertEqual(strict.status, 2)
        XCTAssertTrue(strict.err.contains("unsupported field"), strict.err)
    }

    func testReplayWithEvidenceBundles() throws {
        let dir = try temporaryDirectory(self)
        let rules = dir.appendingPathComponent("proc.yaml")
        try """
        - rule: Netcat Run
          desc: d
          condition: evt.type=execve and proc.name=nc and proc.pname=bash
          output: nc run (cmd=%proc.cmdline user=%user.name container=%container.id)
          priority: WARNING
          tags: [network]
        """.write(to: rules, atomically: true, encoding: .utf8)
        let recording = dir.appendingPathComponent("rec.jsonl")
        let lines = [
            #"{"type":"execve","time":"2026-03-01T10:00:00.5Z","user":"root","process":{"pid":4242,"ppid":4000,"name":"nc","exepath":"/usr/bin/nc","argv":["nc","-l","4444"],"uid":0,"cgroup":"0::/"},"ancestors":[{"pid":4000,"ppid":1,"name":"bash","exepath":"/bin/bash","argv":["bash"],"uid":0,"cgroup":"0::/"}]}"#,
            #"{"type":"execve","time":"2026-03-01T10:00:01Z","process":{"pid":4243,"ppid":1,"name":"ls","argv":["ls"]}}"#,
            #"{"process":{"pid":"x"}}"#,
            try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")[7].description,
        ]
        try lines.joined(separator: "\n").write(to: recording, atomically: true, encoding: .utf8)
        let evidence = dir.appendingPathComponent("evidence")
        let run = try Kensa.run(["runtime", "--rules", rules.path, "--rules", k8sRules, "--replay", recording.path,
                                 "--evidence-dir", evidence.path])
        XCTAssertEqual(run.status, 0, run.err)
        let alerts = try alertLines(run.out)
        XCTAssertEqual(alerts.map { $0["rule"] as? String ?? "" }, ["Netcat Run", "Create Privileged Pod"])
        XCTAssertEqual(alerts[0]["observer"] as? String, "replay")
        XCTAssertEqual(alerts[0]["source"] as? String, "syscall")
        XCTAssertTrue((alerts[0]["output"] as? String ?? "").hasSuffix("Warning nc run (cmd=nc -l 4444 user=root container=host)"))
        XCTAssertTrue(run.err.contains("events 3, malformed 1, alerts 2"), run.err)
        let bundles = try FileManager.default.contentsOfDirectory(atPath: evidence.path).sorted()
        XCTAssertEqual(bundles.count, 2)
        let procBundle = evidence.appendingPathComponent(try XCTUnwrap(bundles.first { $0.contains("netcat-run") }))
        let files = try FileManager.default.contentsOfDirectory(atPath: procBundle.path).sorted()
        XCTAssertEqual(files, ["MANIFEST.sha256", "alert.json", "event.json", "open-files.json", "process-tree.json", "sockets.json"])
        // The manifest verifies with sha256sum.
        let check = try sh("cd '\(procBundle.path)' && sha256sum -c MANIFEST.sha256")
        XCTAssertEqual(check.split(separator: "\n").count, 5, check)
    }

    func testNoSourceIsAnError() throws {
        let run = try Kensa.run(["runtime", "--rules", k8sRules])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.err.contains("no event source"), run.err)
    }

    /// The audit webhook through the binary: HTTPS with a token, then SIGTERM ends the run cleanly.
    func testAuditWebhookUntilSIGTERM() throws {
        let dir = try temporaryDirectory(self)
        try sh("cd '\(dir.path)' && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 "
               + "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null && echo tok > token")
        let port = 20000 + Int(getpid() % 20000)
        let errURL = dir.appendingPathComponent("err"), outURL = dir.appendingPathComponent("alerts.jsonl")
        XCTAssertTrue(FileManager.default.createFile(atPath: errURL.path, contents: nil))
        let p = Process()
        p.executableURL = Kensa.binary
        p.arguments = ["runtime", "--rules", k8sRules, "--audit-webhook", "127.0.0.1:\(port)",
                       "--tls-cert", dir.appendingPathComponent("cert.pem").path, "--tls-key", dir.appendingPathComponent("key.pem").path,
                       "--token-file", dir.appendingPathComponent("token").path, "--output", outURL.path]
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        for _ in 0..<100 where !((try? String(contentsOf: errURL, encoding: .utf8)) ?? "").contains("listening") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let line = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")[8]
        let body = dir.appendingPathComponent("body.json")
        try "{\"kind\":\"EventList\",\"items\":[\(line)]}".write(to: body, atomically: true, encoding: .utf8)
        let codes = try sh("for t in tok wrong; do curl -s -o /dev/null -w '%{http_code} ' --cacert '\(dir.path)/cert.pem' "
                           + "-H \"Authorization: Bearer $t\" --data-binary @'\(body.path)' https://127.0.0.1:\(port)/audit; done")
        p.terminate()
        p.waitUntilExit()
        XCTAssertEqual(codes, "200 401 ")
        XCTAssertEqual(p.terminationStatus, 0)
        let err = try String(contentsOf: errURL, encoding: .utf8)
        XCTAssertTrue(err.contains("events 1, malformed 0, alerts 2"), err)
        let rules = try alertLines(String(contentsOf: outURL, encoding: .utf8)).compactMap { $0["rule"] as? String }
        XCTAssertEqual(Set(rules), ["Disallowed K8s User", "Create Privileged Pod"])
    }
}
