/// A NuGet package version (NuGet.Versioning's `NuGetVersion`, SemVer 2.0.0 with NuGet's
/// extensions): 1 to 4 numeric parts (missing ones are 0, each at most 2^31-1, leading zeros
/// allowed: `1.01` is `1.1`), optional `-` release labels (no empty label, numeric labels without
/// leading zeros) and `+` metadata. Ordered as `VersionComparer.Default`: the four numbers, then
/// a release beats any pre-release, then labels one by one (numbers by value and below text,
/// text case-insensitively); metadata is ignored.
public struct NuGetVersion: Sendable, CustomStringConvertible {
    public let major: Int32
    public let minor: Int32
    public let patch: Int32
    public let revision: Int32
    public let releaseLabels: [String]
    public let metadata: String?
    public let description: String

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .nuget)
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .nuget, input: string, reason: reason) }
        // NuGet trims surrounding whitespace (this parser is its lenient one).
        let trimmed = string.trimmingASCIISpaces()
        var main = Substring(trimmed)
        var labels: [String]?
        var meta: String?
        if let plus = main.firstIndex(of: "+") {
            meta = String(main[main.index(after: plus)...])
            main = main[..<plus]
        }
        if let dash = main.firstIndex(of: "-") {
            labels = main[main.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            main = main[..<dash]
        }
        let parts = main.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { throw fail("expected 1 to 4 numeric parts") }
        var numbers: [Int32] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.allSatisfy(isDigit) else { throw fail("version part \(VersionError.quoted(String(part))) is not a number") }
            guard let n = Int32(part.drop { $0 == "0" }.isEmpty ? "0" : String(part.drop { $0 == "0" })) else {
                throw fail("version part \(part) is larger than 2147483647")
            }
            numbers.append(n)
        }
        while numbers.count < 4 { numbers.append(0) }
        if let labels {
            for l in labels {
                if l.isEmpty { throw fail("empty release label") }
                guard l.utf8.allSatisfy({ isAlnum($0) || $0 == 0x2D }) else { throw fail("release label \(VersionError.quoted(l)) has a character outside [0-9A-Za-z-]") }
                if l.utf8.count > 1 && l.utf8.first == 0x30 && l.utf8.allSatisfy(isDigit) { throw fail("numeric release label \(l) has a leading zero") }
            }
        }
        if let meta {
            let ids = meta.split(separator: ".", omittingEmptySubsequences: false)
            if ids.contains(where: { $0.isEmpty || !$0.utf8.allSatisfy({ isAlnum($0) || $0 == 0x2D }) }) {
                throw fail("invalid build metadata")
            }
        }
        major = numbers[0]; minor = numbers[1]; patch = numbers[2]; revision = numbers[3]
        releaseLabels = labels ?? []
        metadata = meta
        description = string
    }

    public var isPrerelease: Bool { !releaseLabels.isEmpty }

    /// NuGet's normalised form ("Normalized version numbers" in the NuGet docs): leading
    /// zeros dropped, three parts plus a fourth only when it is not zero, release labels, and
    /// no build metadata.
    public var normalized: String {
        var s = "\(major).\(minor).\(patch)"
        if revision != 0 { s += ".\(revision)" }
        if !releaseLabels.isEmpty { s += "-" + releaseLabels.joined(separator: ".") }
        return s
    }

    public static func compare(_ a: NuGetVersion, _ b: NuGetVersion) -> Int {
        for (x, y) in [(a.major, b.major), (a.minor, b.minor), (a.patch, b.patch), (a.revision, b.revision)] where x != y {
            return x < y ? -1 : 1
        }
        if a.isPrerelease != b.isPrerelease { return a.isPrerelease ? -1 : 1 }
        for k in 0..<min(a.releaseLabels.count, b.releaseLabels.count) {
            let c = compareLabel(a.releaseLabels[k], b.releaseLabels[k])
            if c != 0 { return c }
        }
        let (m, n) = (a.releaseLabels.count, b.releaseLabels.count)
        return m == n ? 0 : (m < n ? -1 : 1)
    }

    /// .NET's `int.TryParse` decides what is numeric, so a label too large for an Int32 is text.
    static func compareLabel(_ x: String, _ y: String) -> Int {
        let nx = Int32(x), ny = Int32(y)
        switch (nx, ny) {
        case let (p?, q?): return p == q ? 0 : (p < q ? -1 : 1)
        case (_?, nil): return -1
        case (nil, _?): return 1
        case (nil, nil): return compareASCII(x.uppercased(), y.uppercased())
        }
    }
}

extension NuGetVersion: Comparable, Hashable {
    public static func < (a: NuGetVersion, b: NuGetVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: NuGetVersion, b: NuGetVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(major); hasher.combine(minor); hasher.combine(patch); hasher.combine(revision)
        hasher.combine(releaseLabels.map { Int32($0).map(String.init) ?? $0.uppercased() })
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        let u = utf8
        guard let s = u.firstIndex(where: { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }) else { return "" }
        let e = u.lastIndex(where: { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }) ?? s
        return String(self[s...e])
    }
}
