import Foundation
import KensaCore
@testable import KensaSecrets
import Testing

/// Documentation that free-form rules must let go: doctest prompts and values that are the
/// word "password" or "secret" itself. Each near miss has a reported twin, so an allow that
/// grows too broad fails here too. (`·` is removed before scanning, as in the rule examples.)
@Suite struct DocumentationAllowTests {
    let scanner = SecretScanner()

    static func scan(_ scanner: SecretScanner, _ text: String) -> [String] {
        scanner.scan(path: "doc.py", content: Data(BuiltinRuleTests.unmark(text).utf8)).map(\.id)
    }

    /// (rule, near miss, reported twin)
    static let cases: [(String, String, String)] = [
        // a percent-encoded "pässword" in a URL
        ("url-credentials", "iri = 'http://%C3%BCser:p%C3%A4ss·word@xn--n3h.net/p%C3%A5th'",
         "iri = 'http://%C3%BCser:p%C3%A4Qv7·3dbbS@xn--n3h.net/p%C3%A5th'"),
        // the word itself in other languages and cases
        ("url-credentials", "url = 'https://admin:Contrase%C3%B1a!@db.internal/'",
         "url = 'https://admin:Cq8%C3%B1a·!zR@db.internal/'"),
        ("generic-password", "    urlopen(passwd='geheim$·parole')", "    urlopen(passwd='gx7Hm$·prZle')"),
        ("generic-password", "PASSWORD = 'MotDePasse·!2'", "PASSWORD = 'MqtDzPv·sse!2'"),
        ("generic-secret", "client_secret = 'Geheimes_Pass·wort1'", "client_secret = 'Gxhzmes_Pqss·wzrt1'"),
        // a Python doctest line is an interactive example, not configuration
        ("url-credentials", "    >>> connect('postgresql://app:hbnHiqOW·ZtRzVvj3@db:5432/app')",
         "    conn = connect('postgresql://app:hbnHiqOW·ZtRzVvj3@db:5432/app')"),
        ("generic-password", ">>> login(password='Qv7#3dbb·SDSVoF')", "login(password='Qv7#3dbb·SDSVoF')"),
    ]

    @Test(arguments: cases.indices)
    func nearMissIsAllowedAndTwinReported(index: Int) {
        let (id, nearMiss, twin) = Self.cases[index]
        #expect(!Self.scan(scanner, nearMiss).contains(id), "\(id) reported \(nearMiss)")
        #expect(Self.scan(scanner, twin).contains(id), "\(id) missed \(twin)")
    }

    @Test func doctestPromptCountsOnlyAtTheStartOfALine() {
        // `>>>` later in the line (a shell redirect, a comparison) is no prompt
        #expect(Self.scan(scanner, "x = 1 >>> 2; db = 'postgresql://app:hbnHiqOW·ZtRzVvj3@db/app'").contains("url-credentials"))
        // a prompt on the line before does not cover this one
        #expect(Self.scan(scanner, ">>> x = 1\nDATABASE_PASSWORD='Qv7#3dbb·SDSVoF'").contains("generic-password"))
    }

    @Test func credentialWordNeedsTheWordAndLittleElse() {
        func word(_ s: String) -> Bool {
            Array(s.utf8).withUnsafeBufferPointer { SecretValueChecks.isCredentialWord($0) }
        }
        #expect(word("password") && word("PASSWORD123") && word("p%C3%A4ssword") && word("geheim$parole"))
        #expect(word("Contrase%C3%B1a") && word("mot_de_passe") && word("Kennwort!") && word("has%C5%82o"))
        #expect(!word("password1234") && !word("hunter22") && !word("$$$$$$") && !word(""))
        #expect(!word("%") && !word("%C3") && !word("%%%zz") && !word(String(repeating: "password", count: 40)))
    }
}
