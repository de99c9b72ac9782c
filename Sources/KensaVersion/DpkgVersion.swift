/// A Debian package version, `[epoch:]upstream[-revision]`, compared as `dpkg --compare-versions`
/// does (deb-version(7)): epochs numerically, then upstream and revision alternately by
/// non-digit runs (letters before non-letters, `~` before everything, even the end) and digit
/// runs (numerically, any length).
///
/// Validity follows `dpkg --validate-version`, counting what dpkg only warns about (an upstream
/// that does not start with a digit, characters outside the allowed set) as invalid.
public struct DpkgVersion: Sendable, CustomStringConvertible {
    public let epoch: UInt32
    public let upstream: String
    /// The revision, or "" when there is none (dpkg compares a missing revision as "").
    public let revision: String
    let upstreamBytes: [UInt8]
    let revisionBytes: [UInt8]
    /// The string as given.
    public let description: String

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .dpkg)
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .dpkg, input: string, reason: reason) }
        let bytes = Array(string.utf8)
        if bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw fail("version string has embedded spaces")
        }
        var rest = bytes[...]
        var epoch: UInt32 = 0
        if let colon = bytes.firstIndex(of: 0x3A) {
            let e = bytes[..<colon]
            if e.isEmpty { throw fail("epoch in version is empty") }
            if e.first == 0x2D { throw fail("epoch in version is negative") }
            guard e.allSatisfy(isDigit) else { throw fail("epoch in version is not number") }
            var value: UInt64 = 0
            for d in e {
                value = value * 10 + UInt64(d - 0x30)
                if value > UInt64(Int32.max) { throw fail("epoch in version is too big") }
            }
            epoch = UInt32(value)
            rest = bytes[(colon + 1)...]
            if rest.isEmpty { throw fail("nothing after colon in version number") }
        }
        var up = rest
        var rev: ArraySlice<UInt8> = []
        if let hyphen = rest.lastIndex(of: 0x2D) {
            up = rest[..<hyphen]
            rev = rest[(hyphen + 1)...]
            if rev.isEmpty { throw fail("revision number is empty") }
        }
        guard let first = up.first else { throw fail("version number is empty") }
        if !isDigit(first) { throw fail("version number does not start with digit") }
        for c in up where !(isAlnum(c) || c == 0x2E || c == 0x2D || c == 0x2B || c == 0x7E || c == 0x3A) {
            throw fail("invalid character in version number")
        }
        for c in rev where !(isAlnum(c) || c == 0x2E || c == 0x2B || c == 0x7E) {
            throw fail("invalid character in revision number")
        }
        self.epoch = epoch
        self.upstreamBytes = Array(up)
        self.revisionBytes = Array(rev)
        self.upstream = String(decoding: up, as: UTF8.self)
        self.revision = String(decoding: rev, as: UTF8.self)
        self.description = string
    }

    /// -1, 0 or 1.
    public static func compare(_ a: DpkgVersion, _ b: DpkgVersion) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let r = a.upstreamBytes.withUnsafeBufferPointer { x in
            b.upstreamBytes.withUnsafeBufferPointer { y in verrevcmp(x, y) }
        }
        if r != 0 { return r }
        return a.revisionBytes.withUnsafeBufferPointer { x in
            b.revisionBytes.withUnsafeBufferPointer { y in verrevcmp(x, y) }
        }
    }

    /// dpkg's character weight: `~` lowest, then the end of a part and digits, then letters,
    /// then everything else.
    @inline(__always)
    static func order(_ c: UInt8) -> Int {
        if isDigit(c) { return 0 }
        if isAlpha(c) { return Int(c) }
        if c == 0x7E { return -1 }
        return Int(c) + 256
    }

    static func verrevcmp(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0, j = 0
        let na = a.count, nb = b.count
        while i < na || j < nb {
            var firstDiff = 0
            while (i < na && !isDigit(a[i])) || (j < nb && !isDigit(b[j])) {
                let ac = i < na ? order(a[i]) : 0
                let bc = j < nb ? order(b[j]) : 0
                if ac != bc { return ac < bc ? -1 : 1 }
                i += 1; j += 1
            }
            while i < na && a[i] == 0x30 { i += 1 }
            while j < nb && b[j] == 0x30 { j += 1 }
            while i < na && j < nb && isDigit(a[i]) && isDigit(b[j]) {
                if firstDiff == 0 { firstDiff = Int(a[i]) - Int(b[j]) }
                i += 1; j += 1
            }
            if i < na && isDigit(a[i]) { return 1 }
            if j < nb && isDigit(b[j]) { return -1 }
            if firstDiff != 0 { return firstDiff < 0 ? -1 : 1 }
        }
        return 0
    }

    /// The comparison-relevant shape of a part: non-digit runs and digit runs without leading
    /// zeros, with trailing empty/zero pairs dropped, so equal versions hash alike.
    static func canonical(_ bytes: [UInt8], into hasher: inout Hasher) {
        var pairs: [([UInt8], [UInt8])] = []
        var i = 0
        while i < bytes.count {
            var s: [UInt8] = []
            while i < bytes.count && !isDigit(bytes[i]) { s.append(bytes[i]); i += 1 }
            while i < bytes.count && bytes[i] == 0x30 { i += 1 }
            var d: [UInt8] = []
            while i < bytes.count && isDigit(bytes[i]) { d.append(bytes[i]); i += 1 }
            pairs.append((s, d))
        }
        while let last = pairs.last, last.0.isEmpty, last.1.isEmpty { pairs.removeLast() }
        hasher.combine(pairs.count)
        for (s, d) in pairs { hasher.combine(s); hasher.combine(d) }
    }
}

extension DpkgVersion: Comparable, Hashable {
    public static func < (a: DpkgVersion, b: DpkgVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: DpkgVersion, b: DpkgVersion) -> Bool { compare(a, b) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        DpkgVersion.canonical(upstreamBytes, into: &hasher)
        DpkgVersion.canonical(revisionBytes, into: &hasher)
    }
}
