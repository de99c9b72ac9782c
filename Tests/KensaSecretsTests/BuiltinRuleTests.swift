import Foundation
import KensaCore
@testable import KensaSecrets
import Testing

/// Runs every built-in rule's own examples (SwiftLint-style): a rule cannot ship untested.
@Suite struct BuiltinRuleTests {
    let scanner = SecretScanner()

    /// Examples carry a `·` so that this repository's sources hold no scannable secret.
    static func unmark(_ s: String) -> String { s.replacingOccurrences(of: "·", with: "") }

    @Test func atLeastEightyRulesWithUniqueIDsThatCompile() {
        #expect(builtinSecretRules.count >= 80)
        #expect(Set(builtinSecretRules.map(\.id)).count == builtinSecretRules.count)
        for rule in builtinSecretRules {
            #expect(rule.compileError == nil, "\(rule.id): \(rule.compileError ?? "")")
            #expect(!rule.keywords.isEmpty, "\(rule.id) has no keywords")
            #expect(!rule.example.isEmpty && !rule.nearMiss.isEmpty, "\(rule.id) lacks examples")
            if let g = rule.secretGroup { #expect(rule.compiled?.group(named: g) != nil, "\(rule.id): no group \(g)") }
        }
        #expect(scanner.ruleIDs.count == builtinSecretRules.count)
    }

    @Test(arguments: builtinSecretRules.map(\.id))
    func exampleIsReported(id: String) throws {
        let rule = try #require(builtinSecretRules.first { $0.id == id })
        let text = Self.unmark(rule.example)
        let found = scanner.scan(path: "example.txt", content: Data(text.utf8))
        #expect(found.contains { $0.id == id }, "\(id) missed its example; found \(found.map(\.id))")
    }

    @Test(arguments: builtinSecretRules.map(\.id))
    func nearMissIsNotReported(id: String) throws {
        let rule = try #require(builtinSecretRules.first { $0.id == id })
        let text = Self.unmark(rule.nearMiss)
        let found = scanner.scan(path: "near-miss.txt", content: Data(text.utf8))
        #expect(!found.contains { $0.id == id }, "\(id) reported its near miss")
    }

    @Test(arguments: builtinSecretRules.map(\.id))
    func outputNeverHoldsTheSecret(id: String) throws {
        let rule = try #require(builtinSecretRules.first { $0.id == id })
        let text = Self.unmark(rule.example)
        // the marker sits inside the secret, after any vendor prefix
        let secretPart = rule.example.split(separator: "·", maxSplits: 1).last.map(String.init) ?? ""
        for f in scanner.scan(path: "example.txt", content: Data(text.utf8)) where f.id == id {
            let match = try #require(f.match)
            #expect(match.hasSuffix(" chars)"))
            // no 8-character run of the secret appears in what we print
            let chars = Array(secretPart.prefix(64))
            for start in stride(from: 0, to: max(0, chars.count - 8), by: 1) {
                let piece = String(chars[start..<start + 8])
                if piece.allSatisfy({ $0.isLetter || $0.isNumber }) {
                    #expect(!match.contains(piece) && !f.message.contains(piece), "\(id) leaks \(piece)")
                }
            }
        }
    }
}
