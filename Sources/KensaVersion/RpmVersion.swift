/// An RPM `[epoch:]version[-release]`, split the way rpm's own EVR parser splits it (the epoch is
/// a leading run of digits ended by `:`, the release follows the last `-`), and compared as
/// `rpm.labelCompare` does: epoch, version and release each with rpmvercmp, a missing epoch as
/// 0, and a missing release lower than any release.
public struct RpmVersion: Sendable, CustomStringConvertible {
    /// The epoch digits ("0" when absent), compared with rpmvercmp like rpm does.
    public var epoch: String { String(decoding: epochBytes, as: UTF8.self) }
    public var version: String { String(decoding: versionBytes, as: UTF8.self) }
    public var release: String? { releaseBytes.map { String(decoding: $0, as: UTF8.self) } }
    let epochBytes: [UInt8]
    let versionBytes: [UInt8]
    let releaseBytes: [UInt8]?
    public let description: String

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .rpm)
        let bytes = Array(string.utf8)
        if bytes.contains(0) {
            throw VersionError(scheme: .rpm, input: string, reason: "contains a NUL byte")
        }
        var s = 0
        while s < bytes.count && isDigit(bytes[s]) { s += 1 }
        var e: ArraySlice<UInt8> = bytes[0..<0]
        var vStart = 0
        var hasEpoch = false
        if s < bytes.count && bytes[s] == 0x3A {
            e = bytes[0..<s]
            vStart = s + 1
            hasEpoch = true
        }
        // rpm searches for the release separator from the end of the epoch digits.
        let hyphen = bytes[s...].lastIndex(of: 0x2D)
        var v: ArraySlice<UInt8>
        var r: ArraySlice<UInt8>?
        if let h = hyphen, h >= vStart {
            v = bytes[vStart..<h]
            r = bytes[(h + 1)...]
        } else if let h = hyphen {
            // The last hyphen sits before the epoch colon cannot happen: the colon ends the
            // digit run the search starts from.
            v = bytes[vStart...]
            _ = h
        } else {
            v = bytes[vStart...]
        }
        if !hasEpoch || e.isEmpty { e = [0x30][...] }
        self.epochBytes = Array(e)
        self.versionBytes = Array(v)
        self.releaseBytes = r.map { Array($0) }
        self.description = string
    }

    public static func compare(_ a: RpmVersion, _ b: RpmVersion) -> Int {
        var c = rpmvercmp(a.epochBytes, b.epochBytes)
        if c != 0 { return c }
        c = rpmvercmp(a.versionBytes, b.versionBytes)
        if c != 0 { return c }
        switch (a.releaseBytes, b.releaseBytes) {
        case (nil, nil): return 0
        case (_?, nil): return 1
        case (nil, _?): return -1
        case let (x?, y?): return rpmvercmp(x, y)
        }
    }

    /// rpm's segment comparison: alphanumeric segments, other characters only separate, `~`
    /// sorts before everything, `^` after the end but before any further segment, numbers beat
    /// letters, numbers compare by value and letters by byte order.
    public static func rpmvercmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        return a.withUnsafeBufferPointer { one in
            b.withUnsafeBufferPointer { two in vercmp(one, two) }
        }
    }

    static func vercmp(_ one: UnsafeBufferPointer<UInt8>, _ two: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0, j = 0
        let n1 = one.count, n2 = two.count
        @inline(__always) func sep(_ c: UInt8) -> Bool { !isAlnum(c) && c != 0x7E && c != 0x5E }
        while i < n1 || j < n2 {
            while i < n1 && sep(one[i]) { i += 1 }
            while j < n2 && sep(two[j]) { j += 1 }
            let c1: UInt8 = i < n1 ? one[i] : 0, c2: UInt8 = j < n2 ? two[j] : 0
            if c1 == 0x7E || c2 == 0x7E {
                if c1 != 0x7E { return 1 }
                if c2 != 0x7E { return -1 }
                i += 1; j += 1
                continue
            }
            if c1 == 0x5E || c2 == 0x5E {
                if i >= n1 { return -1 }
                if j >= n2 { return 1 }
                if c1 != 0x5E { return 1 }
                if c2 != 0x5E { return -1 }
                i += 1; j += 1
                continue
            }
            if !(i < n1 && j < n2) { break }
            let s1 = i, s2 = j
            let isNum = isDigit(one[i])
            if isNum {
                while i < n1 && isDigit(one[i]) { i += 1 }
                while j < n2 && isDigit(two[j]) { j += 1 }
            } else {
                while i < n1 && isAlpha(one[i]) { i += 1 }
                while j < n2 && isAlpha(two[j]) { j += 1 }
            }
            if s2 == j { return isNum ? 1 : -1 }
            if isNum {
                let r = compareDigitRuns(one, s1, i, two, s2, j)
                if r != 0 { return r }
            } else {
                var x = s1, y = s2
                while x < i && y < j {
                    if one[x] != two[y] { return one[x] < two[y] ? -1 : 1 }
                    x += 1; y += 1
                }
                let l1 = i - s1, l2 = j - s2
                if l1 != l2 { return l1 < l2 ? -1 : 1 }
            }
        }
        if i >= n1 && j >= n2 { return 0 }
        return i >= n1 ? -1 : 1
    }
}

extension RpmVersion: Comparable, Hashable {
    public static func < (a: RpmVersion, b: RpmVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: RpmVersion, b: RpmVersion) -> Bool { compare(a, b) == 0 }
    /// Only the alphanumeric content matters to rpmvercmp (separators are interchangeable and
    /// leading zeros ignored), so hash the letters and the digits with zeros stripped per run.
    public func hash(into hasher: inout Hasher) {
        for part in [epochBytes, versionBytes, releaseBytes ?? [0x21]] {
            var i = 0
            while i < part.count {
                let c = part[i]
                if isDigit(c) {
                    var k = i
                    while k < part.count && part[k] == 0x30 { k += 1 }
                    while k < part.count && isDigit(part[k]) { hasher.combine(part[k]); k += 1 }
                    hasher.combine(UInt8(0x2E))
                    i = k
                } else {
                    if isAlpha(c) || c == 0x7E || c == 0x5E { hasher.combine(c) }
                    i += 1
                }
            }
            hasher.combine(UInt8(0xFF))
        }
    }
}
