/// A RubyGems version (`Gem::Version`): `N(.X)*[-X(.X)*]` where X is alphanumeric, `-` read as
/// `.pre.`, segments split into numbers and letter runs; ordered by the canonical segments (the
/// numeric prefix and the rest, each without trailing zeros), numbers above strings, strings
/// by bytes.
public struct GemVersion: Sendable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable, CustomStringConvertible {
        case number(Numeral)
        case string(String)
        public var description: String {
            switch self { case .number(let n): return n.description; case .string(let s): return s }
        }
        var isZero: Bool { if case .number(let n) = self { return n.isZero }; return false }
    }

    public let segments: [Segment]
    let canonical: [Segment]
    public let description: String

    public init(_ string: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .gem, input: string, reason: reason) }
        if string.utf8.count > maximumVersionLength { throw fail("longer than \(maximumVersionLength) bytes") }
        // `\s` around the version is allowed (and stripped); anything else must match.
        let trimmed = string.utf8.drop { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        var body = Array(trimmed)
        while let last = body.last, last == 0x20 || (last >= 0x09 && last <= 0x0D) { body.removeLast() }
        guard GemVersion.isCorrect(body) else { throw fail("malformed version number string") }
        if body.isEmpty { body = [0x30] }   // RubyGems reads a blank version as "0"
        var segs: [Segment] = []
        var i = 0
        while i < body.count {
            let c = body[i]
            if isDigit(c) {
                let s = i
                while i < body.count && isDigit(body[i]) { i += 1 }
                segs.append(.number(Numeral(digits: String(decoding: body[s..<i], as: UTF8.self))))
            } else if isAlpha(c) {
                let s = i
                while i < body.count && isAlpha(body[i]) { i += 1 }
                segs.append(.string(String(decoding: body[s..<i], as: UTF8.self)))
            } else if c == 0x2D {
                // "-" becomes ".pre."
                segs.append(.string("pre"))
                i += 1
            } else {
                i += 1
            }
        }
        self.segments = segs
        self.description = string
        let firstString = segs.firstIndex { if case .string = $0 { return true }; return false } ?? segs.count
        func dropTrailingZeros(_ s: ArraySlice<Segment>) -> [Segment] {
            var a = Array(s)
            while let l = a.last, l.isZero { a.removeLast() }
            return a
        }
        self.canonical = dropTrailingZeros(segs[..<firstString]) + dropTrailingZeros(segs[firstString...])
    }

    /// `\A\s*([0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z`, already
    /// stripped.
    static func isCorrect(_ b: [UInt8]) -> Bool {
        if b.isEmpty { return true }
        var i = 0
        let s = i
        while i < b.count && isDigit(b[i]) { i += 1 }
        if i == s { return false }
        while i < b.count && b[i] == 0x2E {
            let st = i + 1
            var j = st
            while j < b.count && isAlnum(b[j]) { j += 1 }
            if j == st { return false }
            i = j
        }
        if i < b.count && b[i] == 0x2D {
            i += 1
            while true {
                let st = i
                while i < b.count && (isAlnum(b[i]) || b[i] == 0x2D) { i += 1 }
                if i == st { return false }
                if i < b.count && b[i] == 0x2E { i += 1 } else { break }
            }
        }
        return i == b.count
    }

    public static func compare(_ a: GemVersion, _ b: GemVersion) -> Int {
        let l = a.canonical, r = b.canonical
        let n = max(l.count, r.count)
        for k in 0..<n {
            let x = k < l.count ? l[k] : .number(Numeral(0))
            let y = k < r.count ? r[k] : .number(Numeral(0))
            switch (x, y) {
            case let (.number(p), .number(q)):
                let c = Numeral.compare(p, q)
                if c != 0 { return c }
            case (.string, .number): return -1
            case (.number, .string): return 1
            case let (.string(p), .string(q)):
                let c = compareASCII(p, q)
                if c != 0 { return c }
            }
        }
        return 0
    }

    /// Whether the version has a letter in it (`Gem::Version#prerelease?`).
    public var isPrerelease: Bool { segments.contains { if case .string = $0 { return true }; return false } }
}

extension GemVersion: Comparable, Hashable {
    public static func < (a: GemVersion, b: GemVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: GemVersion, b: GemVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }
}
