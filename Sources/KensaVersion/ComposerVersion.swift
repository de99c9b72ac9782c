/// A Composer (PHP) package version: normalised as composer/semver's
/// `VersionParser::normalize` + `normalizeDefaultBranch` do (`v1.0` → `1.0.0.0`, `1.0-b1` →
/// `1.0.0.0-beta1`, `-pl`/`-p` → `-patch`, `+build` dropped, `1.x-dev` →
/// `1.9999999.9999999.9999999-dev`, `dev-master` → `9999999-dev`, other `dev-NAME` kept as
/// branch names), then ordered with PHP's `version_compare`, as Composer's `Comparator` does.
///
/// The grammar is written with the same regular expressions composer/semver uses, since its
/// backtracking and possessive quantifiers are the definition of what is valid.
public struct ComposerVersion: Sendable, CustomStringConvertible {
    /// The normalised version (`1.0.0.0-RC1`, `9999999-dev`, `dev-feature`).
    public let normalized: String
    let canonical: [UInt8]
    public let description: String

    public var isBranch: Bool { normalized.hasPrefix("dev-") }

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .composer)
        guard let n = ComposerVersion.normalize(string) else {
            throw VersionError(scheme: .composer, input: string, reason: "invalid version string")
        }
        normalized = ComposerVersion.normalizeDefaultBranch(n)
        canonical = PHPVersionCompare.canonicalize(Array(normalized.utf8))
        description = string
    }

    // MARK: normalisation

    static let modifier = #"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*+)?)?([.-]?dev)?"#
    // `Regex<AnyRegexOutput>` is not marked Sendable, but a compiled regex is immutable (its
    // program is lowered once, atomically) and matching keeps no shared state, so sharing
    // these constants across threads is safe. The patterns are constants checked by the
    // tests; if one failed to compile, every version would be rejected, never mis-ordered.
    nonisolated(unsafe) static let classical = try? Regex(#"(?i)v?([0-9]{1,5})(\.[0-9]++)?(\.[0-9]++)?(\.[0-9]++)?"# + modifier)
    nonisolated(unsafe) static let dated = try? Regex(#"(?i)v?([0-9]{4}(?:[.:-]?[0-9]{2}){1,6}(?:[.:-]?[0-9]{1,3})?)"# + modifier)
    nonisolated(unsafe) static let devSuffix = try? Regex(#"(?i)(.*?)[.-]?dev"#)
    nonisolated(unsafe) static let branch = try? Regex(#"(?i)v?([0-9]++)(\.(?:[0-9]++|[xX*]))?(\.(?:[0-9]++|[xX*]))?(\.(?:[0-9]++|[xX*]))?"#)

    static func group(_ m: Regex<AnyRegexOutput>.Match, _ i: Int) -> String? {
        guard i < m.output.count, let s = m.output[i].substring else { return nil }
        return String(s)
    }

    /// PHP's `empty()` on a capture: missing, "" or "0".
    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty, s != "0" else { return nil }
        return s
    }

    /// PCRE's `\s` without the `u` flag: ASCII whitespace only.
    static func isRegexSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }

    static func isPHPSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\0" || c == "\u{0B}" }

    static func normalize(_ input: String) -> String? {
        var version = String(input.drop(while: isPHPSpace).reversed().drop(while: isPHPSpace).reversed())

        // "1.0 as 2.0": the alias target is ignored.
        let words = version.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 3, words[1] == "as", !words[0].contains(","), !words[2].contains(","),
           !version.contains("\t") {
            version = String(words[0])
        }
        // "@stable"-style stability flags.
        for flag in ["stable", "RC", "beta", "alpha", "dev"] {
            let suffix = "@" + flag
            if version.count >= suffix.count, version.suffix(suffix.count).lowercased() == suffix.lowercased() {
                version = String(version.dropLast(suffix.count))
                break
            }
        }
        if ["master", "trunk", "default"].contains(version) { version = "dev-" + version }
        if version.lowercased().hasPrefix("dev-") { return "dev-" + version.dropFirst(4) }

        // Build metadata: "{^([^,\s+]++)\+[^\s]++$}".
        if let plus = version.firstIndex(of: "+") {
            let head = version[..<plus], tail = version[version.index(after: plus)...]
            if !head.isEmpty, !head.contains(where: { $0 == "," || isRegexSpace($0) }),
               !tail.isEmpty, !tail.contains(where: isRegexSpace) {
                version = String(head)
            }
        }

        var base: String?
        var m: Regex<AnyRegexOutput>.Match?
        var index = 0
        if let c = try? classical?.wholeMatch(in: version) {
            base = (group(c, 1) ?? "") + (nonEmpty(group(c, 2)) ?? ".0") + (nonEmpty(group(c, 3)) ?? ".0") + (nonEmpty(group(c, 4)) ?? ".0")
            m = c
            index = 5
        } else if let d = try? dated?.wholeMatch(in: version) {
            base = String((group(d, 1) ?? "").map { $0.isASCII && $0.isNumber ? $0 : "." })
            m = d
            index = 2
        }
        if var v = base, let m {
            if let stability = nonEmpty(group(m, index)) {
                if stability == "stable" { return v }
                let number = group(m, index + 1) ?? ""
                v += "-" + expandStability(stability) + String(number.drop { $0 == "." || $0 == "-" })
            }
            if nonEmpty(group(m, index + 2)) != nil { v += "-dev" }
            return v
        }
        if let d = try? devSuffix?.wholeMatch(in: version) {
            let normalized = normalizeBranch(group(d, 1) ?? "")
            if !normalized.contains("dev-") { return normalized }
        }
        return nil
    }

    static func expandStability(_ s: String) -> String {
        switch s.lowercased() {
        case "a": return "alpha"
        case "b": return "beta"
        case "p", "pl": return "patch"
        case "rc": return "RC"
        default: return s.lowercased()
        }
    }

    static func normalizeBranch(_ name: String) -> String {
        let n = String(name.drop(while: isPHPSpace).reversed().drop(while: isPHPSpace).reversed())
        if let m = try? branch?.wholeMatch(in: n) {
            var v = ""
            for i in 1..<5 {
                if let g = group(m, i) {
                    v += g.replacingOccurrences("*", "x").replacingOccurrences("X", "x")
                } else {
                    v += ".x"
                }
            }
            return v.replacingOccurrences("x", "9999999") + "-dev"
        }
        return "dev-" + n
    }

    static func normalizeDefaultBranch(_ name: String) -> String {
        ["dev-master", "dev-default", "dev-trunk"].contains(name) ? "9999999-dev" : name
    }

    // MARK: comparison

    public static func compare(_ a: ComposerVersion, _ b: ComposerVersion) -> Int {
        if a.normalized == b.normalized { return 0 }
        if a.isBranch && b.isBranch {
            // Composer cannot order two branch names; order them by name so sorting is stable.
            return compareASCII(a.normalized, b.normalized)
        }
        return PHPVersionCompare.compareCanonical(a.canonical, b.canonical)
    }
}

extension ComposerVersion: Comparable, Hashable {
    public static func < (a: ComposerVersion, b: ComposerVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: ComposerVersion, b: ComposerVersion) -> Bool { compare(a, b) == 0 }
    /// version_compare treats some different spellings alike (`alpha`/`a…`), so hash only the
    /// leading numeric segments, which equal versions always share.
    public func hash(into hasher: inout Hasher) {
        for seg in canonical.split(separator: 0x2E, omittingEmptySubsequences: false) {
            guard let f = seg.first, isDigit(f) else { break }
            hasher.combine(PHPVersionCompare.strtol(seg))
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// PHP's `version_compare` (ext/standard/versioning.c) on already-canonical strings.
enum PHPVersionCompare {
    static func isdig(_ c: UInt8) -> Bool { isDigit(c) }
    static func isndig(_ c: UInt8) -> Bool { !isDigit(c) && c != 0x2E }
    static func isSpecial(_ c: UInt8) -> Bool { c == 0x2D || c == 0x5F || c == 0x2B }

    /// `-_+` become `.`, a `.` goes between digit and non-digit runs, other non-alphanumerics
    /// become `.`; dots are never doubled.
    static func canonicalize(_ v: [UInt8]) -> [UInt8] {
        guard let first = v.first else { return [] }
        var q: [UInt8] = [first]
        var lp = first
        for p in v.dropFirst() {
            if isSpecial(p) {
                if q.last != 0x2E { q.append(0x2E) }
            } else if (isndig(lp) && isdig(p)) || (isdig(lp) && isndig(p)) {
                if q.last != 0x2E { q.append(0x2E) }
                q.append(p)
            } else if !isAlnum(p) {
                if q.last != 0x2E { q.append(0x2E) }
            } else {
                q.append(p)
            }
            lp = p
        }
        return q
    }

    static func strtol(_ s: ArraySlice<UInt8>) -> Int64 {
        var v: Int64 = 0
        for c in s {
            guard isDigit(c) else { break }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 0x30))
            if o1 || o2 { return Int64.max }
            v = a
        }
        return v
    }

    static let specialForms: [([UInt8], Int)] = [("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2),
                                                 ("RC", 3), ("rc", 3), ("#", 4), ("pl", 5), ("p", 5)].map { (Array($0.0.utf8), $0.1) }
    static let numberForm: [UInt8] = Array("#N#".utf8)

    static func order(_ form: ArraySlice<UInt8>) -> Int {
        for (name, o) in specialForms where form.starts(with: name) { return o }
        return -1
    }

    static func compareSpecial(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        sign(order(a) - order(b))
    }

    static func compareCanonical(_ v1: [UInt8], _ v2: [UInt8]) -> Int {
        if v1.isEmpty || v2.isEmpty {
            if v1.isEmpty && v2.isEmpty { return 0 }
            return v1.isEmpty ? -1 : 1
        }
        var p1 = 0, p2 = 0
        var n1: Int? = 0, n2: Int? = 0
        var result = 0
        while p1 < v1.count && p2 < v2.count && n1 != nil && n2 != nil {
            n1 = v1[p1...].firstIndex(of: 0x2E)
            n2 = v2[p2...].firstIndex(of: 0x2E)
            let s1 = v1[p1..<(n1 ?? v1.count)], s2 = v2[p2..<(n2 ?? v2.count)]
            let d1 = s1.first.map(isDigit) ?? false, d2 = s2.first.map(isDigit) ?? false
            if d1 && d2 {
                let l1 = strtol(s1), l2 = strtol(s2)
                result = l1 == l2 ? 0 : (l1 < l2 ? -1 : 1)
            } else if !d1 && !d2 {
                result = compareSpecial(s1, s2)
            } else if d1 {
                result = compareSpecial(numberForm[...], s2)
            } else {
                result = compareSpecial(s1, numberForm[...])
            }
            if result != 0 { break }
            if let n = n1 { p1 = n + 1 }
            if let n = n2 { p2 = n + 1 }
        }
        if result == 0 {
            if n1 != nil {
                result = tail(v1, p1)
            } else if n2 != nil {
                result = -tail(v2, p2)
            }
        }
        return result
    }

    /// How the rest of the longer version, from `p`, compares with "no more parts": PHP
    /// recurses with "#N#"; this is that recursion unrolled.
    static func tail(_ v: [UInt8], _ start: Int) -> Int {
        var p = start
        while true {
            if p < v.count && isDigit(v[p]) { return 1 }
            if p >= v.count { return -1 }
            let n = v[p...].firstIndex(of: 0x2E)
            let r = compareSpecial(v[p..<(n ?? v.count)], numberForm[...])
            if r != 0 { return r }
            guard let next = n else { return 0 }
            p = next + 1
        }
    }
}
