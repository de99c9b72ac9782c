/// An Alpine package version, parsed and compared as apk-tools 3 does (src/version.c):
/// `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`.
///
/// Kept exactly as apk orders them, because matching Alpine's answer is the point: numbers by
/// value, except that a dot-component with a leading zero compares as text (Gentoo's rule, so
/// `1.01 < 1.1` and `1.001 < 1.01`); one lower-case letter after a number; pre-release suffixes
/// `_alpha < _beta < _pre < _rc` below the bare version and `_cvs < _svn < _git < _hg < _p`
/// above it, each with an optional number; a `~hexhash` commit component; the `-rN` package
/// revision last. When all shared parts are equal, the version with more parts is newer unless
/// its next part is a pre-release suffix.
public struct ApkVersion: Sendable, CustomStringConvertible {
    enum TokenType: UInt8 {
        case initialDigit, digit, letter, suffix, suffixNumber, commitHash, revision, end, invalid
    }

    enum Suffix: UInt8 {
        case invalid, alpha, beta, pre, rc, none, cvs, svn, git, hg, p
    }

    struct Token: Sendable {
        var type: TokenType
        var number: UInt64
        var suffix: Suffix
        /// Byte range of the token's text in `bytes`.
        var start: Int32
        var end: Int32
    }

    let bytes: [UInt8]
    let tokens: [Token]
    public let description: String

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .apk)
        let b = Array(string.utf8)
        var tokens: [Token] = []
        var pos = 0
        var t = ApkVersion.first(b, &pos)
        while t.type.rawValue < TokenType.end.rawValue {
            tokens.append(t)
            t = ApkVersion.next(t, b, &pos)
        }
        if t.type == .invalid {
            throw VersionError(scheme: .apk, input: string,
                               reason: "not a valid apk version (digit{.digit}[letter]{_suffix[N]}[~hash][-rN]) at byte \(min(pos, b.count))")
        }
        self.bytes = b
        self.tokens = tokens
        self.description = string
    }

    static func digits(_ b: [UInt8], _ pos: inout Int, _ type: TokenType) -> Token {
        let start = pos
        var n: UInt64 = 0
        while pos < b.count && isDigit(b[pos]) {
            n = n &* 10 &+ UInt64(b[pos] - 0x30)
            pos += 1
        }
        return Token(type: pos == start ? .invalid : type, number: n, suffix: .invalid,
                     start: Int32(start), end: Int32(pos))
    }

    static func first(_ b: [UInt8], _ pos: inout Int) -> Token { digits(b, &pos, .initialDigit) }

    static func next(_ previous: Token, _ b: [UInt8], _ pos: inout Int) -> Token {
        let invalid = Token(type: .invalid, number: 0, suffix: .invalid, start: Int32(pos), end: Int32(pos))
        guard pos < b.count else { return Token(type: .end, number: 0, suffix: .invalid, start: Int32(pos), end: Int32(pos)) }
        let prev = previous.type.rawValue
        let c = b[pos]
        switch c {
        case 0x61...0x7A:  // a-z
            if prev > TokenType.digit.rawValue { return invalid }
            pos += 1
            return Token(type: .letter, number: UInt64(c), suffix: .invalid, start: Int32(pos - 1), end: Int32(pos))
        case 0x2E, 0x30...0x39:  // '.' or a digit
            if c == 0x2E {
                if prev > TokenType.digit.rawValue { return invalid }
                pos += 1
            }
            switch previous.type {
            case .initialDigit, .digit: return digits(b, &pos, .digit)
            case .suffix: return digits(b, &pos, .suffixNumber)
            default: return invalid
            }
        case 0x5F:  // '_'
            if prev > TokenType.suffixNumber.rawValue { return invalid }
            pos += 1
            let start = pos
            while pos < b.count && isLower(b[pos]) { pos += 1 }
            let s = suffix(b[start..<pos])
            if s == .invalid { return invalid }
            return Token(type: .suffix, number: 0, suffix: s, start: Int32(start), end: Int32(pos))
        case 0x7E:  // '~'
            if prev >= TokenType.commitHash.rawValue { return invalid }
            pos += 1
            let start = pos
            while pos < b.count && (isDigit(b[pos]) || (b[pos] >= 0x61 && b[pos] <= 0x66)) { pos += 1 }
            if pos == start { return invalid }
            return Token(type: .commitHash, number: 0, suffix: .invalid, start: Int32(start), end: Int32(pos))
        case 0x2D:  // '-'
            if prev >= TokenType.revision.rawValue { return invalid }
            guard pos + 1 < b.count, b[pos + 1] == 0x72 else { return invalid }
            pos += 2
            return digits(b, &pos, .revision)
        default:
            return invalid
        }
    }

    static let suffixNames: [(String, Suffix)] = [("alpha", .alpha), ("beta", .beta), ("pre", .pre), ("rc", .rc),
                                                  ("cvs", .cvs), ("svn", .svn), ("git", .git), ("hg", .hg), ("p", .p)]

    static func suffix(_ s: ArraySlice<UInt8>) -> Suffix {
        for (name, value) in suffixNames where s.elementsEqual(name.utf8) { return value }
        return .invalid
    }

    /// apk's `apk_blob_sort`: bytes, then length.
    static func blobSort(_ a: ApkVersion, _ x: Token, _ b: ApkVersion, _ y: Token) -> Int {
        let l = a.bytes[Int(x.start)..<Int(x.end)], r = b.bytes[Int(y.start)..<Int(y.end)]
        if l.elementsEqual(r) { return 0 }
        return l.lexicographicallyPrecedes(r) ? -1 : 1
    }

    static func tokenCompare(_ a: ApkVersion, _ x: Token, _ b: ApkVersion, _ y: Token) -> Int {
        let p: UInt64, q: UInt64
        switch x.type {
        case .digit:
            if a.bytes[Int(x.start)] == 0x30 || b.bytes[Int(y.start)] == 0x30 { return blobSort(a, x, b, y) }
            p = x.number; q = y.number
        case .initialDigit, .suffixNumber, .revision, .letter:
            p = x.number; q = y.number
        case .suffix:
            p = UInt64(x.suffix.rawValue); q = UInt64(y.suffix.rawValue)
        default:
            return blobSort(a, x, b, y)
        }
        return p == q ? 0 : (p < q ? -1 : 1)
    }

    public static func compare(_ a: ApkVersion, _ b: ApkVersion) -> Int {
        let n = min(a.tokens.count, b.tokens.count)
        var k = 0
        while k < n && a.tokens[k].type == b.tokens[k].type {
            let r = tokenCompare(a, a.tokens[k], b, b.tokens[k])
            if r != 0 { return r }
            k += 1
        }
        let ta: TokenType = k < a.tokens.count ? a.tokens[k].type : .end
        let tb: TokenType = k < b.tokens.count ? b.tokens[k].type : .end
        if ta == tb { return 0 }
        if ta == .suffix && a.tokens[k].suffix.rawValue < Suffix.none.rawValue { return -1 }
        if tb == .suffix && b.tokens[k].suffix.rawValue < Suffix.none.rawValue { return 1 }
        return ta.rawValue > tb.rawValue ? -1 : 1
    }
}

extension ApkVersion: Comparable, Hashable {
    public static func < (a: ApkVersion, b: ApkVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: ApkVersion, b: ApkVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokens.count)
        for t in tokens {
            hasher.combine(t.type.rawValue)
            switch t.type {
            case .digit where bytes[Int(t.start)] == 0x30, .commitHash:
                hasher.combine(bytes[Int(t.start)..<Int(t.end)].count)
                for c in bytes[Int(t.start)..<Int(t.end)] { hasher.combine(c) }
            case .suffix: hasher.combine(t.suffix.rawValue)
            default: hasher.combine(t.number)
            }
        }
    }
}
