/// An npm version range (node-semver 7.x `Range`, default options): `||`-separated sets of
/// space-separated comparators, with hyphen ranges (`1.2 - 2`), X-ranges (`1.x`, `*`), tilde
/// (`~1.2.3`, `~>1.2`) and caret (`^0.2.3`) desugared exactly as node-semver desugars them,
/// and its pre-release rule: a pre-release version only satisfies a set that names a
/// pre-release of the same major.minor.patch.
public struct NpmRange: Sendable, CustomStringConvertible {
    enum Operator: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "" }

    struct Comparator: Sendable {
        /// nil: matches everything (`*`, the empty comparator).
        let op: Operator
        let version: NpmVersion?
        var isAny: Bool { version == nil }
        /// node-semver's `value`, used to drop duplicates and to spot the null set.
        var value: String { version.map { op.rawValue + $0.descriptionWithoutBuild } ?? "" }

        func test(_ v: NpmVersion) -> Bool {
            guard let version else { return true }
            let c = NpmVersion.compare(v, version)
            switch op {
            case .lt: return c < 0
            case .le: return c <= 0
            case .gt: return c > 0
            case .ge: return c >= 0
            case .eq: return c == 0
            }
        }
    }

    let sets: [[Comparator]]
    public let description: String

    public init(_ range: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .npm, input: range, reason: reason) }
        if range.utf8.count > maximumVersionLength { throw fail("range longer than \(maximumVersionLength) bytes") }
        var sets: [[Comparator]] = []
        for part in NpmRange.splitOr(range) {
            guard let set = NpmRange.parseSet(part) else { throw fail("invalid comparator in range \(VersionError.quoted(String(part)))") }
            if !set.isEmpty { sets.append(set) }
        }
        if sets.isEmpty { throw fail("invalid range") }
        if sets.count > 1 {
            let first = sets[0]
            sets = sets.filter { !($0[0].value == "<0.0.0-0") }
            if sets.isEmpty {
                sets = [first]
            } else if sets.count > 1, let any = sets.first(where: { $0.count == 1 && $0[0].isAny }) {
                sets = [any]
            }
        }
        self.sets = sets
        self.description = range
    }

    /// Whether `version` is in the range.
    public func isSatisfied(by version: NpmVersion) -> Bool {
        sets.contains { NpmRange.testSet($0, version) }
    }

    static func testSet(_ set: [Comparator], _ v: NpmVersion) -> Bool {
        for c in set where !c.test(v) { return false }
        if !v.prerelease.isEmpty {
            for c in set {
                guard let allowed = c.version, !allowed.prerelease.isEmpty else { continue }
                if allowed.major == v.major && allowed.minor == v.minor && allowed.patch == v.patch { return true }
            }
            return false
        }
        return true
    }

    // MARK: - Parsing (node-semver's regular-expression rewrites, done on tokens)

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

    /// `range.split(/\s*\|\|\s*/)`.
    static func splitOr(_ s: String) -> [String] {
        var parts: [String] = []
        var current: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 0x7C && i + 1 < b.count && b[i + 1] == 0x7C {
                parts.append(String(decoding: current, as: UTF8.self))
                current = []
                i += 2
            } else {
                current.append(b[i]); i += 1
            }
        }
        parts.append(String(decoding: current, as: UTF8.self))
        return parts
    }

    static func splitSpaces(_ s: String) -> [String] {
        s.utf8.split(whereSeparator: isSpace).map { String(decoding: $0, as: UTF8.self) }
    }

    /// nil when a comparator is invalid.
    static func parseSet(_ raw: String) -> [Comparator]? {
        var range = String(trimJSWhitespace(raw))
        if let hyphen = hyphenReplace(range) { range = hyphen }
        // node-semver's global rewrites, in its order: `> 1.2.3` → `>1.2.3` (COMPARATORTRIM),
        // `~ 1.2` / `~> 1.2` → `~1.2` (TILDETRIM), `^ 1.2` → `^1.2` (CARETTRIM).
        var b = comparatorTrim(Array(range.utf8))
        b = loneOperatorTrim(b, tilde: true)
        b = loneOperatorTrim(b, tilde: false)
        var tokens = splitSpaces(String(decoding: b, as: UTF8.self))
        if tokens.isEmpty { tokens = [""] }

        var comparators: [String] = []
        for t in tokens {
            let rewritten = replaceStars(replaceXRange(replaceTilde(replaceCaret(t))))
            let pieces = splitSpaces(rewritten)
            comparators.append(contentsOf: pieces.isEmpty ? [""] : pieces)
        }
        // Every comparator must parse before the null set short-cuts the rest, as in node-semver.
        var parsed: [Comparator] = []
        for text in comparators {
            guard let c = parseComparator(isGTE0(text) ? "" : text) else { return nil }
            parsed.append(c)
        }
        var result: [Comparator] = []
        var seen: Set<String> = []
        for c in parsed {
            if c.value == "<0.0.0-0" { return [c] }
            if seen.insert(c.value).inserted { result.append(c) }
        }
        if result.count > 1 { result.removeAll { $0.isAny } }
        return result
    }

    /// node-semver's GTE0 test, `^\s*>=\s*0\.0\.0\s*$` — written in its source as a plain
    /// string, so the dots are regex wildcards: any `>=0?0?0` comparator means "any version".
    static func isGTE0(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        return u.count == 7 && u[0] == ">" && u[1] == "=" && u[2] == "0" && u[4] == "0" && u[6] == "0"
            && u[3] != "\n" && u[5] != "\n" && u[3] != "\r" && u[5] != "\r"
    }

    /// COMPARATORTRIM, `(\s*)GTLT\s*(LOOSEPLAIN|XRANGEPLAIN)` replaced by `$1$2$3` everywhere:
    /// the space between an operator and the version after it is removed.
    static func comparatorTrim(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var p = 0
        while p < s.count {
            if let m = comparatorMatch(s, p) {
                out.append(contentsOf: s[p..<m.operatorEnd])
                out.append(contentsOf: s[m.versionStart..<m.end])
                p = m.end
            } else {
                out.append(s[p]); p += 1
            }
        }
        return out
    }

    /// A COMPARATORTRIM match starting at `p`: where its operator ends, where its version
    /// starts and where the match ends.
    static func comparatorMatch(_ s: [UInt8], _ p: Int) -> (operatorEnd: Int, versionStart: Int, end: Int)? {
        var i = p
        while i < s.count && isSpace(s[i]) { i += 1 }
        // GTLT `((?:<|>)?=?)`, longest first, then shorter on failure.
        var candidates: [Int] = []
        if i < s.count && (s[i] == 0x3C || s[i] == 0x3E) {
            if i + 1 < s.count && s[i + 1] == 0x3D { candidates.append(i + 2) }
            candidates.append(i + 1)
        } else if i < s.count && s[i] == 0x3D {
            candidates.append(i + 1)
        }
        candidates.append(i)
        for opEnd in candidates {
            var j = opEnd
            while j < s.count && isSpace(s[j]) { j += 1 }
            if let end = looseOrXRangeEnd(s, j) { return (opEnd, j, end) }
        }
        return nil
    }

    /// Where `LOOSEPLAIN` or else `XRANGEPLAIN` (not anchored) ends when matched at `j`.
    static func looseOrXRangeEnd(_ s: [UInt8], _ j: Int) -> Int? {
        var k = j
        while k < s.count && (s[k] == 0x76 || s[k] == 0x3D || isSpace(s[k])) { k += 1 }
        // LOOSEPLAIN: N.N.N, then `-?` loose pre-release identifiers, then build.
        func digits(_ i: Int) -> Int? {
            var e = i
            while e < s.count && isDigit(s[e]) { e += 1 }
            return e > i ? e : nil
        }
        if let a = digits(k), a < s.count, s[a] == 0x2E, let b = digits(a + 1), b < s.count, s[b] == 0x2E, let c = digits(b + 1) {
            var e = c
            var q = e
            if q < s.count && s[q] == 0x2D { q += 1 }
            if let (_, pe) = identifiers(s, q, prerelease: false) { e = pe }
            if e < s.count && s[e] == 0x2B, let (_, be) = identifiers(s, e + 1, prerelease: false) { e = be }
            return e
        }
        var m = k
        return matchXRange(s, &m) != nil ? m : nil
    }

    /// TILDETRIM `(\s*)~>?\s+` → `$1~` and CARETTRIM `(\s*)\^\s+` → `$1^`.
    static func loneOperatorTrim(_ s: [UInt8], tilde: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var p = 0
        while p < s.count {
            let c = s[p]
            if (tilde && c == 0x7E) || (!tilde && c == 0x5E) {
                var q = p + 1
                if tilde && q < s.count && s[q] == 0x3E { q += 1 }
                var r = q
                while r < s.count && isSpace(s[r]) { r += 1 }
                if r > q {
                    out.append(c)
                    p = r
                    continue
                }
            }
            out.append(c); p += 1
        }
        return out
    }

    /// `^GTLT\s*(FULLPLAIN)$|^$`, then a strict SemVer.
    static func parseComparator(_ s: String) -> Comparator? {
        if s.isEmpty { return Comparator(op: .eq, version: nil) }
        var rest = Substring(s)
        var op = Operator.eq
        for (prefix, o) in [("<=", Operator.le), (">=", .ge), ("<", .lt), (">", .gt), ("=", .eq)] where rest.hasPrefix(prefix) {
            op = o
            rest = rest.dropFirst(prefix.count)
            break
        }
        rest = rest.drop { $0 == " " || $0 == "\t" }
        guard let v = try? NpmVersion(String(rest)), !rest.hasPrefix(" ") else { return nil }
        // FULLPLAIN allows no surrounding space, which NpmVersion would trim.
        if rest.last.map({ $0.isWhitespace }) == true { return nil }
        return Comparator(op: op, version: v)
    }

    // MARK: XRANGEPLAIN

    struct XRange {
        var text: String   // the whole match, prefix included
        var major: String
        var minor: String?
        var patch: String?
        var pre: String?
        var build: String?
    }

    /// Matches `[v=\s]*XR(\.XR(\.XR PRERELEASE? BUILD?)?)?` at `pos`; XR is `0|[1-9]\d*|x|X|\*`.
    static func matchXRange(_ b: [UInt8], _ pos: inout Int) -> XRange? {
        let start = pos
        var i = pos
        while i < b.count && (b[i] == 0x76 || b[i] == 0x3D || isSpace(b[i])) { i += 1 }
        func ident(_ i: inout Int) -> String? {
            guard i < b.count else { return nil }
            let s = i
            if b[i] == 0x78 || b[i] == 0x58 || b[i] == 0x2A { i += 1 }
            else if b[i] == 0x30 { i += 1 }
            else if isDigit(b[i]) { while i < b.count && isDigit(b[i]) { i += 1 } }
            else { return nil }
            return String(decoding: b[s..<i], as: UTF8.self)
        }
        guard let major = ident(&i) else { return nil }
        var r = XRange(text: "", major: major)
        if i + 1 < b.count && b[i] == 0x2E, case var j = i + 1, let minor = ident(&j) {
            r.minor = minor; i = j
            if i + 1 < b.count && b[i] == 0x2E, case var k = i + 1, let patch = ident(&k) {
                r.patch = patch; i = k
                if i < b.count && b[i] == 0x2D, let (pre, e) = identifiers(b, i + 1, prerelease: true) {
                    r.pre = pre; i = e
                }
                if i < b.count && b[i] == 0x2B, let (build, e) = identifiers(b, i + 1, prerelease: false) {
                    r.build = build; i = e
                }
            }
        }
        r.text = String(decoding: b[start..<i], as: UTF8.self)
        pos = i
        return r
    }

    /// Dot-separated identifiers from `start`; pre-release identifiers may not be numbers with
    /// leading zeros. Returns the text and the end.
    static func identifiers(_ b: [UInt8], _ start: Int, prerelease: Bool) -> (String, Int)? {
        var i = start
        var lastGoodEnd: Int?
        while true {
            let s = i
            while i < b.count && (isAlnum(b[i]) || b[i] == 0x2D) { i += 1 }
            if s == i { break }
            let id = b[s..<i]
            if prerelease && id.count > 1 && id.first == 0x30 && id.allSatisfy(isDigit) {
                // Only the leading "0" would match; the identifier cannot continue the range.
                break
            }
            lastGoodEnd = i
            if i < b.count && b[i] == 0x2E { i += 1 } else { break }
        }
        guard let end = lastGoodEnd else { return nil }
        return (String(decoding: b[start..<end], as: UTF8.self), end)
    }

    static func isX(_ id: String?) -> Bool {
        guard let id, !id.isEmpty else { return true }
        return id == "x" || id == "X" || id == "*"
    }

    /// JavaScript's `+id + 1` for a numeric identifier, as text; values past 2^53 are turned
    /// into text that SemVer rejects, as they are in node-semver.
    static func plusOne(_ id: String?) -> String {
        guard let id, let v = UInt64(id), v < NpmVersion.maxSafeInteger else { return "9007199254740993" }
        return String(v + 1)
    }

    static func wholeXRange(_ s: String, prefix: (inout Int, [UInt8]) -> String?) -> (String, XRange)? {
        let b = Array(s.utf8)
        var i = 0
        guard let p = prefix(&i, b) else { return nil }
        guard let xr = matchXRange(b, &i), i == b.count else { return nil }
        return (p, xr)
    }

    static func replaceCaret(_ comp: String) -> String {
        guard let (_, r) = wholeXRange(comp, prefix: { i, b in
            guard i < b.count, b[i] == 0x5E else { return nil }
            i += 1; return "^"
        }) else { return comp }
        let M = r.major, m = r.minor, p = r.patch
        if isX(M) { return "" }
        if isX(m) { return ">=\(M).0.0 <\(plusOne(M)).0.0-0" }
        let mm = m ?? "0"
        if isX(p) {
            if M == "0" { return ">=\(M).\(mm).0 <\(M).\(plusOne(mm)).0-0" }
            return ">=\(M).\(mm).0 <\(plusOne(M)).0.0-0"
        }
        let pp = p ?? "0"
        if let pr = r.pre {
            if M == "0" {
                if mm == "0" { return ">=\(M).\(mm).\(pp)-\(pr) <\(M).\(mm).\(plusOne(pp))-0" }
                return ">=\(M).\(mm).\(pp)-\(pr) <\(M).\(plusOne(mm)).0-0"
            }
            return ">=\(M).\(mm).\(pp)-\(pr) <\(plusOne(M)).0.0-0"
        }
        if M == "0" {
            if mm == "0" { return ">=\(M).\(mm).\(pp) <\(M).\(mm).\(plusOne(pp))-0" }
            return ">=\(M).\(mm).\(pp) <\(M).\(plusOne(mm)).0-0"
        }
        return ">=\(M).\(mm).\(pp) <\(plusOne(M)).0.0-0"
    }

    static func replaceTilde(_ comp: String) -> String {
        guard let (_, r) = wholeXRange(comp, prefix: { i, b in
            guard i < b.count, b[i] == 0x7E else { return nil }
            i += 1
            if i < b.count && b[i] == 0x3E { i += 1 }
            return "~"
        }) else { return comp }
        let M = r.major, m = r.minor, p = r.patch
        if isX(M) { return "" }
        if isX(m) { return ">=\(M).0.0 <\(plusOne(M)).0.0-0" }
        if isX(p) { return ">=\(M).\(m ?? "0").0 <\(M).\(plusOne(m)).0-0" }
        if let pr = r.pre { return ">=\(M).\(m ?? "0").\(p ?? "0")-\(pr) <\(M).\(plusOne(m)).0-0" }
        return ">=\(M).\(m ?? "0").\(p ?? "0") <\(M).\(plusOne(m)).0-0"
    }

    static func replaceXRange(_ comp: String) -> String {
        var gtlt = ""
        guard let (g, r) = wholeXRange(comp, prefix: { i, b in
            var g = ""
            if i < b.count && (b[i] == 0x3C || b[i] == 0x3E) { g.append(Character(UnicodeScalar(b[i]))); i += 1 }
            if i < b.count && b[i] == 0x3D { g += "="; i += 1 }
            while i < b.count && isSpace(b[i]) { i += 1 }
            return g
        }) else { return comp }
        gtlt = g
        let xM = isX(r.major)
        let xm = xM || isX(r.minor)
        let xp = xm || isX(r.patch)
        if gtlt == "=" && xp { gtlt = "" }
        if xM {
            return (gtlt == ">" || gtlt == "<") ? "<0.0.0-0" : "*"
        }
        var M = r.major, m = r.minor ?? "", p = r.patch ?? ""
        if !gtlt.isEmpty && xp {
            if xm { m = "0" }
            p = "0"
            var pr = ""
            if gtlt == ">" {
                gtlt = ">="
                if xm { M = plusOne(M); m = "0"; p = "0" } else { m = plusOne(m); p = "0" }
            } else if gtlt == "<=" {
                gtlt = "<"
                if xm { M = plusOne(M) } else { m = plusOne(m) }
            }
            if gtlt == "<" { pr = "-0" }
            return "\(gtlt)\(M).\(m).\(p)\(pr)"
        }
        if xm { return ">=\(M).0.0 <\(plusOne(M)).0.0-0" }
        if xp { return ">=\(M).\(m).0 <\(M).\(plusOne(m)).0-0" }
        return comp
    }

    /// Removes the first `(<|>)?=?\s*\*`.
    static func replaceStars(_ comp: String) -> String {
        var b = Array(comp.utf8)
        guard let star = b.firstIndex(of: 0x2A) else { return comp }
        var start = star
        while start > 0 && isSpace(b[start - 1]) { start -= 1 }
        if start > 0 && b[start - 1] == 0x3D { start -= 1 }
        if start > 0 && (b[start - 1] == 0x3C || b[start - 1] == 0x3E) { start -= 1 }
        b.removeSubrange(start...star)
        return String(decoding: b, as: UTF8.self)
    }

    /// `^\s*(XRANGEPLAIN)\s+-\s+(XRANGEPLAIN)\s*$` → `>=from <=to` with X parts widened.
    static func hyphenReplace(_ s: String) -> String? {
        let b = Array(s.utf8)
        var i = 0
        while i < b.count && isSpace(b[i]) { i += 1 }
        guard let from = matchXRange(b, &i) else { return nil }
        let afterFrom = i
        while i < b.count && isSpace(b[i]) { i += 1 }
        guard i > afterFrom, i < b.count, b[i] == 0x2D else { return nil }
        i += 1
        let afterDash = i
        while i < b.count && isSpace(b[i]) { i += 1 }
        guard i > afterDash, let to = matchXRange(b, &i) else { return nil }
        while i < b.count && isSpace(b[i]) { i += 1 }
        guard i == b.count else { return nil }

        var f: String
        if isX(from.major) { f = "" }
        else if isX(from.minor) { f = ">=\(from.major).0.0" }
        else if isX(from.patch) { f = ">=\(from.major).\(from.minor ?? "0").0" }
        else { f = ">=\(from.text)" }
        var t: String
        if isX(to.major) { t = "" }
        else if isX(to.minor) { t = "<\(plusOne(to.major)).0.0-0" }
        else if isX(to.patch) { t = "<\(to.major).\(plusOne(to.minor)).0-0" }
        else if let pr = to.pre { t = "<=\(to.major).\(to.minor ?? "0").\(to.patch ?? "0")-\(pr)" }
        else { t = "<=\(to.text)" }
        return String(trimJSWhitespace("\(f) \(t)"))
    }
}

extension NpmVersion {
    var descriptionWithoutBuild: String {
        var s = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { s += "-" + prerelease.joined(separator: ".") }
        return s
    }
}

/// node-semver's `satisfies(version, range)`: false when either does not parse.
public func npmSatisfies(_ version: String, _ range: String) -> Bool {
    guard let v = try? NpmVersion(version), let r = try? NpmRange(range) else { return false }
    return r.isSatisfied(by: v)
}
