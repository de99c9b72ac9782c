import Foundation

/// Judgements on a matched secret value that a regex cannot make: entropy, documentation
/// placeholders, the shape of a free-form assignment value, base64 `user:password`.
enum SecretValueChecks {
    /// Shannon entropy in bits per byte.
    static func entropy(_ s: UnsafeBufferPointer<UInt8>) -> Double {
        guard !s.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for b in s { counts[Int(b)] += 1 }
            let n = Double(s.count)
            var h = 0.0
            for c in counts where c > 0 {
                let p = Double(c) / n
                h -= p * log2(p)
            }
            return h
        }
    }

    private static let words: [[UInt8]] = [
        "example", "xxxx", "****", "your", "placeholder", "changeme", "change_me", "change-me",
        "redacted", "dummy", "sample", "replace", "todo", "notreal", "not-a-real", "not_a_real",
        "insert", "1234567", "abcdefg", "0000000", "<", ">", "${", "{{", "$(", "%s", "%(",
    ].map { Array($0.utf8) }

    /// True for documentation and template values: `EXAMPLE`, `xxxx`, `<your-token>`,
    /// `${VAR}`, `{{ secrets.X }}`, one character repeated, `1234567`.
    static func isPlaceholder(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = s.first else { return true }
        if first == UInt8(ascii: "$") { return true }
        var run = 1, longestRun = 1
        for i in 1..<max(1, s.count) {
            run = s[i] == s[i - 1] ? run + 1 : 1
            longestRun = max(longestRun, run)
        }
        if longestRun >= 6 || (s.count >= 4 && longestRun * 2 >= s.count) { return true }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: s.count) { lower in
            for i in 0..<s.count { lower[i] = KeywordAutomaton.lower(s[i]) }
            let hay = UnsafeBufferPointer(lower)
            return words.contains { contains(hay, $0) }
        }
    }

    /// "Password" and "secret" in the languages most often seen in documentation, diacritics
    /// folded, longest first (so `passwort` is not read as `pass` + `wort`).
    private static let credentialWords: [[UInt8]] = [
        "mot_de_passe", "mot-de-passe", "adgangskode", "motdepasse", "passphrase", "contrasena",
        "wachtwoord", "losenord", "password", "passwort", "salasana", "kennwort", "passwd", "geheim",
        "parole", "secret", "secreto", "segreto", "parola", "senha", "haslo", "heslo", "sifre",
        "jelszo", "clave", "pass",
    ].map { Array($0.utf8) }.sorted { $0.count > $1.count }

    /// True when the value is itself a word for "password" or "secret" (any case, after
    /// percent-decoding and folding diacritics), with at most three other letters or digits:
    /// `p%C3%A4ssword`, `geheim$parole`, `Secret!`. Such values are documentation.
    static func isCredentialWord(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count <= 256 else { return false }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == UInt8(ascii: "%"), i + 2 < s.count, let h = hexValue(s[i + 1]), let l = hexValue(s[i + 2]) {
                decoded.append(h << 4 | l)
                i += 3
            } else {
                decoded.append(s[i])
                i += 1
            }
        }
        var folded: [UInt8] = []
        for scalar in String(decoding: decoded, as: UTF8.self).decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x300...0x36f: continue  // combining marks left by the decomposition
            case 0xdf: folded += Array("ss".utf8)
            case 0x131: folded.append(UInt8(ascii: "i"))
            case 0x141, 0x142: folded.append(UInt8(ascii: "l"))
            case 0xd8, 0xf8: folded.append(UInt8(ascii: "o"))
            case 0..<0x80: folded.append(KeywordAutomaton.lower(UInt8(scalar.value)))
            default: folded.append(0x80)  // counts as "other", never part of a word
            }
        }
        var other = 0, words = 0
        var j = 0
        outer: while j < folded.count {
            for word in credentialWords where j + word.count <= folded.count && folded[j..<j + word.count].elementsEqual(word) {
                j += word.count
                words += 1
                continue outer
            }
            let b = folded[j]
            if b >= 0x80 || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) { other += 1 }
            j += 1
        }
        return words > 0 && other <= 3
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - 55
        default: return nil
        }
    }

    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let n0 = needle.first else { return false }
        outer: for i in 0...(hay.count - needle.count) where hay[i] == n0 {
            for j in 1..<needle.count where hay[i + j] != needle[j] { continue outer }
            return true
        }
        return false
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count else { return false }
        outer: for i in 0...(hay.count - needle.count) {
            for j in 0..<needle.count where hay[i + j] != needle[j] { continue outer }
            return true
        }
        return false
    }

    private static let keySuffixes: [[UInt8]] = [
        "name", "ref", "file", "path", "url", "uri", "type", "id", "length", "len", "size",
        "policy", "mode", "format", "version", "count", "expiry", "expires", "ttl", "timeout",
        "header", "field", "param", "prefix", "suffix", "hash", "label", "provider", "store",
        "manager", "arn", "dir", "env", "endpoint", "key_name", "secretref", "selector", "class",
        // settings about a credential rather than the credential (`password_encryption =
        // scram-sha-256` in postgresql.conf)
        "encryption", "algorithm", "algo", "cipher", "scheme", "method", "digest", "rounds",
        "iterations", "complexity", "strength",
    ].map { Array($0.utf8) }

    private static let valueMarkers: [[UInt8]] = [
        "password", "passwd", "secret", "token", "env.", "environ", "getenv", "process.", "os.",
        "config.", "settings.", "true", "false", "null", "none", "undefined",
    ].map { Array($0.utf8) }

    /// A free-form assignment value that looks like a credential rather than code or config:
    /// not a reference, path, number, identifier, or a key whose name says it holds something else.
    static func isCredentialLikeAssignment(key: UnsafeBufferPointer<UInt8>?, value s: UnsafeBufferPointer<UInt8>) -> Bool {
        var hasDigit = false, hasSymbol = false, allDigits = true
        var lower = [UInt8](repeating: 0, count: s.count)
        for (i, b) in s.enumerated() {
            lower[i] = KeywordAutomaton.lower(b)
            let isDigit = b >= 48 && b <= 57
            let isLetter = (b | 0x20) >= 97 && (b | 0x20) <= 122
            if isDigit { hasDigit = true } else { allDigits = false }
            if !isDigit && !isLetter && b != UInt8(ascii: "_") && b != UInt8(ascii: "-") && b != UInt8(ascii: ".") {
                hasSymbol = true
            }
        }
        if allDigits || (!hasDigit && !hasSymbol) { return false }
        // paths, empty query parameters (`token=&page=2`), references
        if let f = s.first, "/~%&=:?#|@*".utf8.contains(f) { return false }
        if let amp = lower.firstIndex(of: UInt8(ascii: "&")), lower[amp...].contains(UInt8(ascii: "=")) { return false }
        if s.count >= 2, s[0] == UInt8(ascii: "."), s[1] == UInt8(ascii: "/") || s[1] == UInt8(ascii: ".") { return false }
        if contains(lower, Array("://".utf8)) { return false }
        if valueMarkers.contains(where: { contains(lower, $0) }) { return false }
        if let key {
            let k = key.map(KeywordAutomaton.lower)
            for suffix in keySuffixes where k.count >= suffix.count && Array(k.suffix(suffix.count)) == suffix {
                return false
            }
        }
        return true
    }

    /// Base64 (standard alphabet, padding optional) of `user:password` with both parts present
    /// and printable.
    static func isBase64UserPassword(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let decoded = base64Decode(s), decoded.count >= 3 else { return false }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < decoded.count - 1 else { return false }
        return decoded.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    }

    static func base64Decode(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.count * 3 / 4)
        var acc: UInt32 = 0, bits = 0
        for b in s {
            let v: UInt32
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(b - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(b - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(b - 48 + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xff))
            }
        }
        return out
    }

    /// `ghp_*** (40 chars)`: at most four leading characters, never more than a fifth of the
    /// value, printable ASCII only.
    static func redact(_ s: UnsafeBufferPointer<UInt8>) -> String {
        // PEM bodies start with a line break (or an escaped one inside JSON): skip it
        var from = 0
        while from < s.count {
            if s[from] == 10 || s[from] == 13 || s[from] == 32 || s[from] == 9 { from += 1; continue }
            if s[from] == UInt8(ascii: "\\"), from + 1 < s.count, s[from + 1] == UInt8(ascii: "n") { from += 2; continue }
            break
        }
        let keep = min(4, s.count / 5)
        var prefix = ""
        for b in s[from...].prefix(keep) {
            guard b > 0x20, b < 0x7f else { break }
            prefix.unicodeScalars.append(Unicode.Scalar(b))
        }
        return "\(prefix)*** (\(s.count) chars)"
    }
}
