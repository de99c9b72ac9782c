/// One dot-separated pre-release identifier of a SemVer 2.0.0 version.
public enum SemVerIdentifier: Sendable, Hashable, CustomStringConvertible {
    case numeric(Numeral)
    case alphanumeric(String)

    public var description: String {
        switch self { case .numeric(let n): return n.description; case .alphanumeric(let s): return s }
    }

    /// SemVer 2.0.0 §11: numbers by value, below any alphanumeric identifier; alphanumerics in
    /// ASCII order.
    static func compare(_ a: SemVerIdentifier, _ b: SemVerIdentifier) -> Int {
        switch (a, b) {
        case let (.numeric(x), .numeric(y)): return Numeral.compare(x, y)
        case (.numeric, .alphanumeric): return -1
        case (.alphanumeric, .numeric): return 1
        case let (.alphanumeric(x), .alphanumeric(y)): return compareASCII(x, y)
        }
    }

    static func comparePrerelease(_ a: [SemVerIdentifier], _ b: [SemVerIdentifier]) -> Int {
        if a.isEmpty || b.isEmpty {
            if a.isEmpty && b.isEmpty { return 0 }
            return a.isEmpty ? 1 : -1
        }
        for k in 0..<min(a.count, b.count) {
            let c = compare(a[k], b[k])
            if c != 0 { return c }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

@inline(__always)
func compareASCII(_ x: String, _ y: String) -> Int {
    if x == y { return 0 }
    return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
}

/// The strict SemVer 2.0.0 grammar (semver.org's BNF): `MAJOR.MINOR.PATCH[-PRE][+BUILD]`, no
/// leading zeros in numbers, no prefix, no whitespace.
struct StrictSemVer: Sendable, Hashable {
    var major: Numeral
    var minor: Numeral
    var patch: Numeral
    var pre: [SemVerIdentifier]
    var build: [String]

    /// `bounded`: numbers must fit a UInt64 (the Rust semver crate's limit).
    static func parse(_ s: String, scheme: VersionScheme, bounded: Bool) throws(VersionError) -> StrictSemVer {
        try checkLength(s, scheme)
        func fail(_ reason: String) -> VersionError { VersionError(scheme: scheme, input: s, reason: reason) }
        let b = Array(s.utf8)
        var pos = 0
        func number(_ what: String) throws(VersionError) -> Numeral {
            let start = pos
            while pos < b.count && isDigit(b[pos]) { pos += 1 }
            if start == pos {
                if pos < b.count {
                    throw fail("unexpected character \(VersionError.quoted(String(decoding: [b[pos]], as: UTF8.self))) in \(what) version number")
                }
                throw fail("missing \(what) version number")
            }
            if pos - start > 1 && b[start] == 0x30 { throw fail("leading zero in \(what) version number") }
            let n = Numeral(digits: String(decoding: b[start..<pos], as: UTF8.self))
            if bounded && n.small == nil { throw fail("\(what) version number out of range") }
            return n
        }
        func dot(_ what: String) throws(VersionError) {
            guard pos < b.count, b[pos] == 0x2E else { throw fail("expected '.' before the \(what) version number") }
            pos += 1
        }
        func identifiers(_ what: String, numericRules: Bool) throws(VersionError) -> [ArraySlice<UInt8>] {
            var out: [ArraySlice<UInt8>] = []
            while true {
                let start = pos
                while pos < b.count && (isAlnum(b[pos]) || b[pos] == 0x2D) { pos += 1 }
                if start == pos { throw fail("empty identifier segment in \(what)") }
                let id = b[start..<pos]
                if numericRules && id.count > 1 && id.first == 0x30 && id.allSatisfy(isDigit) {
                    throw fail("invalid leading zero in \(what) identifier")
                }
                out.append(id)
                if pos < b.count && b[pos] == 0x2E { pos += 1 } else { break }
            }
            return out
        }
        let major = try number("major"); try dot("minor")
        let minor = try number("minor"); try dot("patch")
        let patch = try number("patch")
        var pre: [SemVerIdentifier] = []
        var build: [String] = []
        if pos < b.count && b[pos] == 0x2D {
            pos += 1
            for id in try identifiers("pre-release", numericRules: true) {
                let text = String(decoding: id, as: UTF8.self)
                pre.append(id.allSatisfy(isDigit) ? .numeric(Numeral(digits: text)) : .alphanumeric(text))
            }
        }
        if pos < b.count && b[pos] == 0x2B {
            pos += 1
            build = try identifiers("build metadata", numericRules: false).map { String(decoding: $0, as: UTF8.self) }
        }
        if pos < b.count {
            throw fail("unexpected character \(VersionError.quoted(String(decoding: [b[pos]], as: UTF8.self))) after the version")
        }
        return StrictSemVer(major: major, minor: minor, patch: patch, pre: pre, build: build)
    }

    static func comparePrecedence(_ a: StrictSemVer, _ b: StrictSemVer) -> Int {
        var c = Numeral.compare(a.major, b.major); if c != 0 { return c }
        c = Numeral.compare(a.minor, b.minor); if c != 0 { return c }
        c = Numeral.compare(a.patch, b.patch); if c != 0 { return c }
        return SemVerIdentifier.comparePrerelease(a.pre, b.pre)
    }

    var formatted: String {
        var s = "\(major).\(minor).\(patch)"
        if !pre.isEmpty { s += "-" + pre.map(\.description).joined(separator: ".") }
        if !build.isEmpty { s += "+" + build.joined(separator: ".") }
        return s
    }
}

/// A SemVer 2.0.0 version (semver.org), ordered by precedence: build metadata is ignored, so
/// `1.0.0+a == 1.0.0+b`. This is what OSV `SEMVER` ranges use. Numbers may be any size.
public struct SemanticVersion: Sendable, CustomStringConvertible {
    let value: StrictSemVer
    public var major: String { value.major.description }
    public var minor: String { value.minor.description }
    public var patch: String { value.patch.description }
    public var prerelease: [SemVerIdentifier] { value.pre }
    public var build: [String] { value.build }
    public var description: String { value.formatted }

    public init(_ string: String) throws(VersionError) {
        value = try StrictSemVer.parse(string, scheme: .semver, bounded: false)
    }
}

extension SemanticVersion: Comparable, Hashable {
    public static func compare(_ a: SemanticVersion, _ b: SemanticVersion) -> Int {
        StrictSemVer.comparePrecedence(a.value, b.value)
    }
    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: SemanticVersion, b: SemanticVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value.major); hasher.combine(value.minor); hasher.combine(value.patch)
        hasher.combine(value.pre)
    }
}

/// A Rust crate version, parsed as the `semver` crate does (strict SemVer 2.0.0, numbers up
/// to 2^64-1). `Comparable` is the crate's `Ord`, where build metadata breaks ties
/// (`1.0.0 < 1.0.0+a < 1.0.0+b`); `comparePrecedence` is SemVer precedence, which is what OSV
/// ranges for crates.io use.
public struct CargoVersion: Sendable, CustomStringConvertible {
    let value: StrictSemVer
    public var description: String { value.formatted }
    public var prerelease: [SemVerIdentifier] { value.pre }
    public var build: [String] { value.build }

    public init(_ string: String) throws(VersionError) {
        try self.init(string, scheme: .cargo)
    }

    /// `scheme` only names the scheme in errors (`cargo` or `cargo-ord`).
    init(_ string: String, scheme: VersionScheme) throws(VersionError) {
        value = try StrictSemVer.parse(string, scheme: scheme, bounded: true)
    }

    public static func comparePrecedence(_ a: CargoVersion, _ b: CargoVersion) -> Int {
        StrictSemVer.comparePrecedence(a.value, b.value)
    }

    /// The crate's `Ord`: precedence, then build metadata identifier by identifier (numbers by
    /// value then by length, numbers below text, text by bytes; fewer identifiers first).
    public static func compare(_ a: CargoVersion, _ b: CargoVersion) -> Int {
        let c = comparePrecedence(a, b)
        if c != 0 { return c }
        return compareBuild(a.value.build, b.value.build)
    }

    static func compareBuild(_ a: [String], _ b: [String]) -> Int {
        // The crate splits the metadata string on '.', so no metadata is one empty identifier.
        let x = a.isEmpty ? [""] : a, y = b.isEmpty ? [""] : b
        for k in 0..<x.count {
            guard k < y.count else { return 1 }
            let l = x[k], r = y[k]
            let ld = l.utf8.allSatisfy(isDigit), rd = r.utf8.allSatisfy(isDigit)
            var c: Int
            switch (ld, rd) {
            case (true, true):
                let lv = l.drop { $0 == "0" }, rv = r.drop { $0 == "0" }
                c = lv.utf8.count == rv.utf8.count ? compareASCII(String(lv), String(rv)) : (lv.utf8.count < rv.utf8.count ? -1 : 1)
                if c == 0 && l.utf8.count != r.utf8.count { c = l.utf8.count < r.utf8.count ? -1 : 1 }
            case (true, false): return -1
            case (false, true): return 1
            case (false, false): c = compareASCII(l, r)
            }
            if c != 0 { return c }
        }
        return x.count == y.count ? 0 : -1
    }
}

extension CargoVersion: Comparable, Hashable {
    public static func < (a: CargoVersion, b: CargoVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: CargoVersion, b: CargoVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
