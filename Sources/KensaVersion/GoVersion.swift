/// A Go module version as `golang.org/x/mod/semver` reads it: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`
/// (the shorthands `v1` and `v1.2` mean `v1.0.0` and `v1.2.0`), compared by SemVer precedence
/// with build metadata (including `+incompatible`) ignored. Pseudo-versions
/// (`v0.0.0-20191109021931-daa7c04131f5`) are ordinary pre-releases to the comparison; they are
/// recognised for callers that need their time and revision.
public struct GoVersion: Sendable, CustomStringConvertible {
    public let major: String
    public let minor: String
    public let patch: String
    /// "" or "-…".
    public let prerelease: String
    /// "" or "+…".
    public let build: String
    public let description: String

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .go)
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .go, input: string, reason: reason) }
        let b = Array(string.utf8)
        guard b.first == 0x76 else { throw fail("must start with \"v\"") }
        var i = 1
        func int(_ what: String) throws(VersionError) -> String {
            let s = i
            while i < b.count && isDigit(b[i]) { i += 1 }
            if s == i { throw fail("missing \(what) number") }
            if b[s] == 0x30 && i - s > 1 { throw fail("leading zero in \(what) number") }
            return String(decoding: b[s..<i], as: UTF8.self)
        }
        let major = try int("major")
        var minor = "0", patch = "0", pre = "", build = ""
        if i < b.count {
            guard b[i] == 0x2E else { throw fail("unexpected character after the major number") }
            i += 1
            minor = try int("minor")
            if i < b.count {
                guard b[i] == 0x2E else { throw fail("unexpected character after the minor number") }
                i += 1
                patch = try int("patch")
                if i < b.count && b[i] == 0x2D {
                    let s = i
                    i += 1
                    try GoVersion.identifiers(b, &i, numeric: true, fail: fail("invalid pre-release"))
                    pre = String(decoding: b[s..<i], as: UTF8.self)
                }
                if i < b.count && b[i] == 0x2B {
                    let s = i
                    i += 1
                    try GoVersion.identifiers(b, &i, numeric: false, fail: fail("invalid build metadata"))
                    build = String(decoding: b[s..<i], as: UTF8.self)
                }
                if i < b.count { throw fail("unexpected text after the version") }
            }
        }
        self.major = major; self.minor = minor; self.patch = patch
        self.prerelease = pre; self.build = build
        self.description = string
    }

    /// Dot-separated identifiers of `[0-9A-Za-z-]`, none empty; in a pre-release (`numeric`)
    /// no number has a leading zero and the run ends at `+`, in build metadata it runs to the end.
    static func identifiers(_ b: [UInt8], _ i: inout Int, numeric: Bool, fail: VersionError) throws(VersionError) {
        var start = i
        while i < b.count && !(numeric && b[i] == 0x2B) {
            let c = b[i]
            if !(isAlnum(c) || c == 0x2D || c == 0x2E) { throw fail }
            if c == 0x2E {
                if start == i || (numeric && isBadNumber(b[start..<i])) { throw fail }
                start = i + 1
            }
            i += 1
        }
        if start == i || (numeric && isBadNumber(b[start..<i])) { throw fail }
    }

    static func isBadNumber(_ s: ArraySlice<UInt8>) -> Bool {
        s.allSatisfy(isDigit) && s.count > 1 && s.first == 0x30
    }

    /// The canonical form `vMAJOR.MINOR.PATCH[-PRE]` (`semver.Canonical`, build dropped).
    public var canonical: String { "v\(major).\(minor).\(patch)\(prerelease)" }

    /// Whether this is a Go pseudo-version (`vX.0.0-yyyymmddhhmmss-abcdefabcdef`,
    /// `vX.Y.Z-pre.0.yyyymmddhhmmss-…`, `vX.Y.(Z+1)-0.yyyymmddhhmmss-…`).
    public var isPseudoVersion: Bool { pseudoTimestampAndRevision != nil }

    /// The 14-digit UTC timestamp and the revision of a pseudo-version.
    public var pseudoTimestampAndRevision: (timestamp: String, revision: String)? {
        guard !prerelease.isEmpty else { return nil }
        let parts = prerelease.dropFirst().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2, let rev = parts.last, let stampField = parts.dropLast().last else { return nil }
        let stamp = stampField.split(separator: ".").last.map(String.init) ?? ""
        guard stamp.utf8.count == 14, stamp.utf8.allSatisfy(isDigit),
              rev.utf8.count >= 12, rev.utf8.allSatisfy({ isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        return (stamp, String(rev))
    }

    /// Whether the build metadata is `+incompatible` (a v2+ module without a go.mod).
    public var isIncompatible: Bool { build == "+incompatible" }

    /// OSV's Go records write versions without the `v`; this accepts both.
    public init(osv string: String) throws(VersionError) {
        try self.init(string.hasPrefix("v") ? string : "v" + string)
    }

    public static func compare(_ a: GoVersion, _ b: GoVersion) -> Int {
        var c = compareInt(a.major, b.major); if c != 0 { return c }
        c = compareInt(a.minor, b.minor); if c != 0 { return c }
        c = compareInt(a.patch, b.patch); if c != 0 { return c }
        return comparePrerelease(a.prerelease, b.prerelease)
    }

    static func compareInt(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        if x.utf8.count != y.utf8.count { return x.utf8.count < y.utf8.count ? -1 : 1 }
        return x < y ? -1 : 1
    }

    static func comparePrerelease(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        if x.isEmpty { return 1 }
        if y.isEmpty { return -1 }
        let xs = x.utf8.dropFirst().split(separator: 0x2E, omittingEmptySubsequences: false)
        let ys = y.utf8.dropFirst().split(separator: 0x2E, omittingEmptySubsequences: false)
        for k in 0..<min(xs.count, ys.count) {
            let dx = xs[k], dy = ys[k]
            if dx.elementsEqual(dy) { continue }
            let ix = dx.allSatisfy(isDigit), iy = dy.allSatisfy(isDigit)
            if ix != iy { return ix ? -1 : 1 }
            if ix && dx.count != dy.count { return dx.count < dy.count ? -1 : 1 }
            return dx.lexicographicallyPrecedes(dy) ? -1 : 1
        }
        return xs.count < ys.count ? -1 : 1
    }
}

extension GoVersion: Comparable, Hashable {
    public static func < (a: GoVersion, b: GoVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: GoVersion, b: GoVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }
}
