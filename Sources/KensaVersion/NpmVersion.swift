/// An npm package version as node-semver (7.x, strict mode) parses and compares it: SemVer
/// 2.0.0 with an optional leading `v`, at most 256 characters, major/minor/patch at most
/// 2^53-1 (JavaScript's safe integers), build metadata ignored by `compare`.
///
/// node-semver compares all-digit pre-release identifiers as JavaScript numbers (doubles),
/// so identifiers above 2^53 can compare equal; that is kept, because matching npm is the point.
public struct NpmVersion: Sendable, CustomStringConvertible {
    enum Identifier: Sendable, Hashable {
        case numeric(Double)
        case text(String)
    }

    public let major: UInt64
    public let minor: UInt64
    public let patch: UInt64
    /// Pre-release identifiers as written.
    public let prerelease: [String]
    public let build: [String]
    let pre: [Identifier]

    static let maxSafeInteger: UInt64 = 9_007_199_254_740_991
    static let maxLength = 256

    /// "major.minor.patch[-pre][+build]", without the `v`: node-semver's `version` property.
    public var description: String {
        var s = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { s += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { s += "+" + build.joined(separator: ".") }
        return s
    }

    public init(_ string: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .npm, input: string, reason: reason) }
        if string.utf8.count > NpmVersion.maxLength { throw fail("longer than 256 characters") }
        let trimmed = trimJSWhitespace(string)
        var body = Substring(trimmed)
        if body.hasPrefix("v") { body = body.dropFirst() }
        let strict: StrictSemVer
        do {
            strict = try StrictSemVer.parse(String(body), scheme: .npm, bounded: true)
        } catch {
            throw fail(error.reason)
        }
        guard let ma = strict.major.small, ma <= NpmVersion.maxSafeInteger else { throw fail("invalid major version (above 2^53-1)") }
        guard let mi = strict.minor.small, mi <= NpmVersion.maxSafeInteger else { throw fail("invalid minor version (above 2^53-1)") }
        guard let pa = strict.patch.small, pa <= NpmVersion.maxSafeInteger else { throw fail("invalid patch version (above 2^53-1)") }
        self.init(major: ma, minor: mi, patch: pa, prerelease: strict.pre.map(\.description), build: strict.build)
    }

    init(major: UInt64, minor: UInt64, patch: UInt64, prerelease: [String], build: [String]) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
        self.pre = prerelease.map { id in
            id.utf8.allSatisfy(isDigit) ? .numeric(Double(id) ?? .infinity) : .text(id)
        }
    }

    static func compareMain(_ a: NpmVersion, _ b: NpmVersion) -> Int {
        if a.major != b.major { return a.major < b.major ? -1 : 1 }
        if a.minor != b.minor { return a.minor < b.minor ? -1 : 1 }
        if a.patch != b.patch { return a.patch < b.patch ? -1 : 1 }
        return 0
    }

    static func comparePre(_ a: NpmVersion, _ b: NpmVersion) -> Int {
        if !a.pre.isEmpty && b.pre.isEmpty { return -1 }
        if a.pre.isEmpty && !b.pre.isEmpty { return 1 }
        var k = 0
        while true {
            let x = k < a.pre.count ? a.pre[k] : nil
            let y = k < b.pre.count ? b.pre[k] : nil
            switch (x, y) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?):
                let c = compareIdentifiers(x, y)
                if c != 0 { return c }
            }
            k += 1
        }
    }

    static func compareIdentifiers(_ a: Identifier, _ b: Identifier) -> Int {
        switch (a, b) {
        case let (.numeric(x), .numeric(y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.numeric, .text): return -1
        case (.text, .numeric): return 1
        case let (.text(x), .text(y)): return compareUTF16(x, y)
        }
    }

    public static func compare(_ a: NpmVersion, _ b: NpmVersion) -> Int {
        let c = compareMain(a, b)
        return c != 0 ? c : comparePre(a, b)
    }
}

/// JavaScript's `<` on strings compares UTF-16 code units.
func compareUTF16(_ x: String, _ y: String) -> Int {
    if x == y { return 0 }
    return x.utf16.lexicographicallyPrecedes(y.utf16) ? -1 : 1
}

/// `String.prototype.trim`: JavaScript's whitespace and line terminators.
func trimJSWhitespace(_ s: String) -> Substring {
    func isWS(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
             0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }
    let scalars = s.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isWS($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isWS($0) }) ?? first
    return Substring(scalars[first...last])
}

extension NpmVersion: Comparable, Hashable {
    public static func < (a: NpmVersion, b: NpmVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: NpmVersion, b: NpmVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(major); hasher.combine(minor); hasher.combine(patch)
        hasher.combine(pre)
    }
}
