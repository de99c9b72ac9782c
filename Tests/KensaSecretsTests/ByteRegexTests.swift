@testable import KensaSecrets
import Testing

@Suite struct ByteRegexTests {
    func find(_ pattern: String, _ text: String) throws -> String? {
        let re = try ByteRegex(pattern)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            re.firstMatch(in: buf, from: 0, to: buf.count).map { String(decoding: bytes[$0[0]..<$0[1]], as: UTF8.self) }
        }
    }

    func group(_ pattern: String, _ name: String, _ text: String) throws -> String? {
        let re = try ByteRegex(pattern)
        let bytes = Array(text.utf8)
        guard let g = re.group(named: name) else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> String? in
            guard let m = re.firstMatch(in: buf, from: 0, to: buf.count), m[2 * g] >= 0 else { return nil }
            return String(decoding: bytes[m[2 * g]..<m[2 * g + 1]], as: UTF8.self)
        }
    }

    @Test func basics() throws {
        #expect(try find("abc", "xxabcxx") == "abc")
        #expect(try find("a.c", "a\nc abc") == "abc")
        #expect(try find("[0-9]{3}", "ab12c345") == "345")
        #expect(try find("[^a-z]+", "abcDEF1ghi") == "DEF1")
        #expect(try find("colou?r", "color") == "color")
        #expect(try find("a{2,3}", "aaaa") == "aaa")
        #expect(try find("a{2,}", "a aaaaa") == "aaaaa")
        #expect(try find("x{2}", "x") == nil)
        #expect(try find(#"\d+\.\d+"#, "v 10.25") == "10.25")
        #expect(try find(#"\bcat\b"#, "concat cat") == "cat")
        #expect(try find(#"^b"#, "a\nb") == "b")
        #expect(try find(#"a$"#, "ab\nca\n") == "a")
        #expect(try find("[[:xdigit:]]+", "zz0fA9g") == "0fA9")
        #expect(try find(#"a{,2}"#, "a{,2}") == "a{,2}")  // not a repetition: literal, as in Go
    }

    @Test func leftmostFirstAndLaziness() throws {
        #expect(try find("ab|abc", "abc") == "ab")
        #expect(try find("abc|ab", "abc") == "abc")
        #expect(try find("a+?", "aaa") == "a")
        #expect(try find("<.+>", "<a><b>") == "<a><b>")
        #expect(try find("<.+?>", "<a><b>") == "<a>")
    }

    @Test func groupsAndFlags() throws {
        #expect(try group("(?P<key>[a-z]+)=(?P<secret>[0-9]+)", "secret", "x token=1234;") == "1234")
        #expect(try group("(?<v>b+)", "v", "abbbc") == "bbb")
        #expect(try find("(?i)hello", "HeLLo") == "HeLLo")
        #expect(try find("(?i:ab)c", "ABc") == "ABc")
        #expect(try find("(?i:ab)c", "ABC") == nil)
        #expect(try find("(?i)a(?-i:b)", "AB") == nil)
        #expect(try find("(?s:a.b)", "a\nb") == "a\nb")
        #expect(try find("(?:ab)+", "ababx") == "abab")
    }

    @Test func rejectsWhatItCannotDo() {
        for bad in ["(", "a)", "[a-", #"\pL"#, #"(a)\1"#, "*a", "(?=a)", "[z-a]", #"\q"#, "(?P<n>a)(?P<n>b)"] {
            #expect(throws: RegexSyntaxError.self, "\(bad)") { try ByteRegex(bad) }
        }
        #expect(throws: RegexSyntaxError.self) { try ByteRegex("((a{1000}){1000})") }
        var deep = ""
        for _ in 0..<500 { deep += "(" }
        deep += "a"
        for _ in 0..<500 { deep += ")" }
        #expect(throws: RegexSyntaxError.self) { try ByteRegex(deep) }
    }

    /// A pattern that makes backtracking engines take exponential time answers at once here.
    @Test func pathologicalPatternIsLinear() throws {
        let text = String(repeating: "a", count: 50_000)
        #expect(try find("(a*)*b", text) == nil)
        #expect(try find("(a|aa)+$", text) == text)
    }
}
