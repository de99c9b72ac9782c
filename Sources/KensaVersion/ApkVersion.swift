/// An Alpine package version (apk-tools `version.c`, the Gentoo-style grammar
/// `digit{.digit}[letter]{_suffix[number]}[-r number]`), compared token by token as apk does.
///
/// apk's quirks are kept on purpose, because matching Alpine's own answer is the point: a
/// component after a dot that starts with zeros sorts by how many zeros it has (`1.01` vs
/// `1.001`), letters only in lower case, pre-release suffixes (`_alpha _beta _pre _rc`) below
/// the bare version and post-release ones (`_cvs _svn _git _hg _p`) above it.
public struct ApkVersion: Sendable, CustomStringConvertible {
    enum TokenType: Int8, Comparable {
        case invalid = -1, digitOrZero = 0, digit, letter, suffix, suffixNumber, revisionNumber, end
        static func < (a: TokenType, b: TokenType) -> Bool { a.rawValue < b.rawValue }
    }

    /// The type each token was read as, and its value (as apk's C `int`).
    let types: [TokenType]
    let values: [Int32]
    public let description: String

    static let preSuffixes: [[UInt8]] = ["alpha", "beta", "pre", "rc"].map { Array($0.utf8) }
    static let postSuffixes: [[UInt8]] = ["cvs", "svn", "git", "hg", "p"].map { Array($0.utf8) }

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .apk)
        let b = Array(string.utf8)
        var pos = 0
        var type = TokenType.digit
        var types: [TokenType] = []
        var values: [Int32] = []
        while type != .end && type != .invalid {
            let current = type
            let v = ApkVersion.getToken(&type, b, &pos)
            types.append(current)
            values.append(v)
        }
        if type == .invalid {
            throw VersionError(scheme: .apk, input: string,
                               reason: "not a valid apk version (digit{.digit}[letter]{_suffix[N]}[-rN]) at byte \(max(pos - 1, 0))")
        }
        // Trailing NUL bytes end the string for apk; refuse them rather than guess.
        if b.contains(0) { throw VersionError(scheme: .apk, input: string, reason: "contains a NUL byte") }
        self.types = types
        self.values = values
        self.description = string
    }

    /// Reads the token of type `type` at `pos`, returns its value and leaves `type` as the type
    /// of the next token.
    static func getToken(_ type: inout TokenType, _ b: [UInt8], _ pos: inout Int) -> Int32 {
        var v: Int32 = 0
        var i = 0
        var nextType = TokenType.invalid
        let len = b.count - pos
        if len <= 0 { type = .end; return 0 }
        switch type {
        case .digitOrZero, .digit, .suffixNumber, .revisionNumber:
            if type == .digitOrZero && b[pos] == 0x30 {
                while i < len && b[pos + i] == 0x30 { i += 1 }
                nextType = .digit
                v = -Int32(truncatingIfNeeded: i)
                break
            }
            while i < len && isDigit(b[pos + i]) {
                v = v &* 10 &+ Int32(b[pos + i] - 0x30)
                i += 1
            }
        case .letter:
            v = Int32(b[pos])
            i = 1
        case .suffix:
            if let k = preSuffixes.firstIndex(where: { hasPrefix(b, pos, $0) }) {
                v = Int32(k - preSuffixes.count)
                i = preSuffixes[k].count
            } else if let k = postSuffixes.firstIndex(where: { hasPrefix(b, pos, $0) }) {
                v = Int32(k)
                i = postSuffixes[k].count
            } else {
                type = .invalid
                return -1
            }
        default:
            type = .invalid
            return -1
        }
        pos += i
        if pos >= b.count {
            type = .end
        } else if nextType != .invalid {
            type = nextType
        } else {
            nextToken(&type, b, &pos)
        }
        return v
    }

    static func hasPrefix(_ b: [UInt8], _ pos: Int, _ p: [UInt8]) -> Bool {
        guard b.count - pos >= p.count else { return false }
        for k in 0..<p.count where b[pos + k] != p[k] { return false }
        return true
    }

    static func nextToken(_ type: inout TokenType, _ b: [UInt8], _ pos: inout Int) {
        var n = TokenType.invalid
        if pos >= b.count || b[pos] == 0 {
            n = .end
        } else if (type == .digit || type == .digitOrZero) && isLower(b[pos]) {
            n = .letter
        } else if type == .letter && isDigit(b[pos]) {
            n = .digit
        } else if type == .suffix && isDigit(b[pos]) {
            n = .suffixNumber
        } else {
            switch b[pos] {
            case 0x2E: n = .digitOrZero
            case 0x5F: n = .suffix
            case 0x2D:
                if b.count - pos > 1 && b[pos + 1] == 0x72 {
                    n = .revisionNumber
                    pos += 1
                } else {
                    n = .invalid
                }
            default: break
            }
            pos += 1
        }
        if n < type {
            if !((n == .digitOrZero && type == .digit) || (n == .suffix && type == .suffixNumber)
                 || (n == .digit && type == .letter)) {
                n = .invalid
            }
        }
        type = n
    }

    /// apk's `apk_version_compare` (non-fuzzy).
    public static func compare(_ a: ApkVersion, _ b: ApkVersion) -> Int {
        var ai = 0, bi = 0
        var at = TokenType.digit, bt = TokenType.digit
        var av: Int32 = 0, bv: Int32 = 0
        // Token k of a version was read as types[k]; the type after the last token is `end`.
        @inline(__always) func typeAt(_ v: ApkVersion, _ k: Int) -> TokenType { k < v.types.count ? v.types[k] : .end }
        while at == bt && at != .end && at != .invalid && av == bv {
            av = a.values[ai]; ai += 1; at = typeAt(a, ai)
            bv = b.values[bi]; bi += 1; bt = typeAt(b, bi)
        }
        if av < bv { return -1 }
        if av > bv { return 1 }
        if at == bt { return 0 }
        if at == .suffix && a.values[ai] < 0 { return -1 }
        if bt == .suffix && b.values[bi] < 0 { return 1 }
        if at > bt { return -1 }
        if bt > at { return 1 }
        return 0
    }
}

extension ApkVersion: Comparable, Hashable {
    public static func < (a: ApkVersion, b: ApkVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: ApkVersion, b: ApkVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(types.count)
        for k in 0..<types.count {
            hasher.combine(types[k].rawValue)
            hasher.combine(values[k])
        }
    }
}
