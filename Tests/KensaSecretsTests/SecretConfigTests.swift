import Foundation
import KensaCore
@testable import KensaSecrets
import Testing

@Suite struct SecretConfigTests {
    static let awsID = "AKIA" + "B4CEU4RRCGLRC26E"

    @Test func trivyLayoutLoads() throws {
        let yaml = #"""
        rules:
          - id: acme-internal-key
            category: Acme
            title: Acme internal service key
            severity: HIGH
            path: .*\.(sh|env)$
            keywords:
              - acme_
            regex: (?i)(?P<key>acme_key)\s*=\s*['"]?(?P<secret>acme_[0-9a-f]{16})
            secret-group-name: secret
            allow-rules:
              - id: fixture
                description: known test key
                regex: acme_0000
        allow-rules:
          - id: vendored
            description: skip vendored code
            path: ^vendor/
        disable-rules:
          - jwt
        disable-allow-rules:
          - some-trivy-builtin
        """#
        let config = try SecretConfig.parse(yaml: yaml, source: "trivy-secret.yaml")
        #expect(config.rules.map(\.id) == ["acme-internal-key"])
        let scanner = SecretScanner(config: config)
        #expect(!scanner.ruleIDs.contains("jwt"))
        #expect(scanner.ruleIDs.contains("acme-internal-key"))

        let hit = scanner.scan(path: "deploy/run.sh", content: Data("export ACME_KEY='acme_9f8e7d6c5b4a3f2e'\n".utf8))
        #expect(hit.map(\.id) == ["acme-internal-key"])
        #expect(hit.first?.severity == .high && hit.first?.category == "Acme")
        // path restricts the rule
        #expect(scanner.scan(path: "deploy/run.py", content: Data("ACME_KEY='acme_9f8e7d6c5b4a3f2e'\n".utf8)).isEmpty)
        // the rule's own allow rule
        #expect(scanner.scan(path: "run.sh", content: Data("ACME_KEY=acme_0000aaaabbbbcccc\n".utf8)).isEmpty)
        // a global path allow rule skips the whole file
        #expect(scanner.scan(path: "vendor/x.sh", content: Data("ACME_KEY=acme_9f8e7d6c5b4a3f2e id=\(Self.awsID)\n".utf8)).isEmpty)
        // disabled built-in
        let jwt = "eyJ" + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl"
        #expect(scanner.scan(path: "a.js", content: Data("t='\(jwt)'\n".utf8)).isEmpty)
    }

    @Test func enableBuiltinRulesRestricts() throws {
        let config = try SecretConfig.parse(yaml: "enable-builtin-rules: [github-pat]\n", source: "c.yaml")
        let scanner = SecretScanner(config: config)
        #expect(scanner.ruleIDs == ["github-pat"])
        #expect(scanner.scan(path: "a", content: Data("id=\(Self.awsID)\n".utf8)).isEmpty)
    }

    @Test func globalRegexAllowRuleAndPlaceholderSwitch() throws {
        let allow = try SecretConfig.parse(yaml: "allow-rules:\n  - id: ours\n    regex: RC26E$\n", source: "c.yaml")
        #expect(SecretScanner(config: allow).scan(path: "a", content: Data("id=\(Self.awsID)\n".utf8)).isEmpty)

        let example = "id=AKIAIOSFODNN7" + "EXAMPLE\n"
        #expect(SecretScanner().scan(path: "a", content: Data(example.utf8)).isEmpty)
        let off = try SecretConfig.parse(yaml: "disable-allow-rules: [placeholder]\n", source: "c.yaml")
        #expect(SecretScanner(config: off).scan(path: "a", content: Data(example.utf8)).map(\.id) == ["aws-access-key-id"])
    }

    @Test func customRuleWithoutKeywordsRunsOnEveryLine() throws {
        let yaml = "rules:\n  - id: ticket\n    category: x\n    title: t\n    severity: LOW\n    regex: 'TICKET-[0-9]{5}'\n"
        let scanner = SecretScanner(config: try SecretConfig.parse(yaml: yaml, source: "c.yaml"))
        let found = scanner.scan(path: "a", content: Data("one\ntwo TICKET-12345\nthree TICKET-99999".utf8))
        #expect(found.filter { $0.id == "ticket" }.map(\.location.startLine) == [2, 3])
    }

    @Test func customRuleReplacesBuiltinWithSameID() throws {
        let yaml = "rules:\n  - id: github-pat\n    category: Mine\n    title: t\n    severity: LOW\n    keywords: [zzq]\n    regex: zzq[0-9]+\n"
        let scanner = SecretScanner(config: try SecretConfig.parse(yaml: yaml, source: "c.yaml"))
        #expect(scanner.ruleIDs.filter { $0 == "github-pat" }.count == 1)
        #expect(scanner.scan(path: "a", content: Data("x zzq123\n".utf8)).first?.category == "Mine")
    }

    @Test func badConfigsGiveTypedErrors() {
        let cases: [(String, KensaError.Kind, String)] = [
            ("rules: [", .malformed, "invalid YAML"),
            ("- a\n- b\n", .malformed, "mapping"),
            ("rulez: []\n", .malformed, "unknown key 'rulez'"),
            ("rules: {}\n", .malformed, "must be a list"),
            ("rules:\n  - id: a\n    severity: HIGH\n", .malformed, "'regex' is required"),
            ("rules:\n  - id: a\n    severity: HUGE\n    regex: x\n", .malformed, "unknown severity"),
            ("rules:\n  - id: a\n    severity: LOW\n    regex: '(unclosed'\n", .malformed, "bad regex"),
            ("rules:\n  - id: a\n    severity: LOW\n    regex: '\\pL+'\n", .malformed, "unicode"),
            ("rules:\n  - id: a\n    severity: LOW\n    regex: x\n    exclude-block: {regexes: [y]}\n", .unsupported, "exclude-block"),
            ("rules:\n  - {id: a, severity: LOW, regex: x}\n  - {id: a, severity: LOW, regex: y}\n", .malformed, "duplicate"),
            ("allow-rules:\n  - id: empty\n", .malformed, "needs a regex or a path"),
            ("rules:\n  - {id: a, severity: LOW, regex: x, entropy: nine}\n", .malformed, "entropy"),
        ]
        for (yaml, kind, reason) in cases {
            do {
                _ = try SecretConfig.parse(yaml: yaml, source: "bad.yaml")
                Issue.record("accepted: \(yaml)")
            } catch let e as KensaError {
                #expect(e.kind == kind, "\(yaml): \(e)")
                #expect(e.input == "bad.yaml")
                #expect(e.description.contains(reason), "\(yaml): \(e)")
            } catch {
                Issue.record("untyped error \(error)")
            }
        }
        #expect(throws: KensaError.self) { try SecretConfig.parse(yaml: String(repeating: "#", count: 2 << 20), source: "big") }
    }

    @Test func loadFromFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-secret-\(UUID().uuidString).yaml").path
        try Data("disable-rules: [github-pat]\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SecretConfig.load(path: path).disableRules == ["github-pat"])
        do {
            _ = try SecretConfig.load(path: path + ".missing")
            Issue.record("loaded a missing file")
        } catch let e as KensaError {
            #expect(e.kind == .unreadable)
        }
    }
}
