#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Comparison of decimal digit runs of any length, as the reference tools do it (dpkg, rpm,
/// Go, PEP 440 use unbounded integers): leading zeros ignored, then the longer run is larger,
/// then the first differing digit decides.
@inline(__always)
func compareDigitRuns(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ aEnd: Int,
                      _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ bEnd: Int) -> Int {
    var i = aStart, j = bStart
    while i < aEnd && a[i] == 0x30 { i += 1 }
    while j < bEnd && b[j] == 0x30 { j += 1 }
    let la = aEnd - i, lb = bEnd - j
    if la != lb { return la < lb ? -1 : 1 }
    while i < aEnd {
        if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
        i += 1; j += 1
    }
    return 0
}

/// Compares two digit strings as unbounded non-negative integers.
func compareNumericStrings(_ a: Substring.UTF8View, _ b: Substring.UTF8View) -> Int {
    var ai = a.startIndex, bi = b.startIndex
    while ai < a.endIndex && a[ai] == 0x30 { ai = a.index(after: ai) }
    while bi < b.endIndex && b[bi] == 0x30 { bi = b.index(after: bi) }
    let la = a.distance(from: ai, to: a.endIndex), lb = b.distance(from: bi, to: b.endIndex)
    if la != lb { return la < lb ? -1 : 1 }
    while ai < a.endIndex {
        if a[ai] != b[bi] { return a[ai] < b[bi] ? -1 : 1 }
        ai = a.index(after: ai); bi = b.index(after: bi)
    }
    return 0
}

/// An unbounded non-negative integer kept as its digits without leading zeros ("" is zero).
/// Most values fit a UInt64, which keeps comparison to one integer compare.
public struct Numeral: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Set when the value fits in 64 bits.
    let small: UInt64?
    /// Digits without leading zeros, used only when `small` is nil.
    let digits: String

    public init(_ value: UInt64) { small = value; digits = "" }

    /// `s` must be ASCII digits (any count, leading zeros allowed).
    public init<S: StringProtocol>(digits s: S) {
        let trimmed = s.drop { $0 == "0" }
        if trimmed.utf8.count <= 20, let v = UInt64(trimmed.isEmpty ? "0" : String(trimmed)) {
            small = v; digits = ""
        } else {
            small = nil; digits = String(trimmed)
        }
    }

    public var isZero: Bool { small == 0 }

    public var description: String { small.map { String($0) } ?? digits }

    public static func < (l: Numeral, r: Numeral) -> Bool { compare(l, r) < 0 }

    public static func compare(_ l: Numeral, _ r: Numeral) -> Int {
        switch (l.small, r.small) {
        case let (a?, b?): return a == b ? 0 : (a < b ? -1 : 1)
        case (_?, nil): return -1
        case (nil, _?): return 1
        case (nil, nil):
            if l.digits.utf8.count != r.digits.utf8.count { return l.digits.utf8.count < r.digits.utf8.count ? -1 : 1 }
            return l.digits == r.digits ? 0 : (l.digits < r.digits ? -1 : 1)
        }
    }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
@inline(__always) func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
@inline(__always) func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
@inline(__always) func isLower(_ c: UInt8) -> Bool { c &- 0x61 < 26 }
@inline(__always) func isUpper(_ c: UInt8) -> Bool { c &- 0x41 < 26 }
@inline(__always) func lowerASCII(_ c: UInt8) -> UInt8 { isUpper(c) ? c | 0x20 : c }

@inline(__always) func sign(_ x: Int) -> Int { x < 0 ? -1 : (x > 0 ? 1 : 0) }

/// Byte order of two sort keys (memcmp, then the shorter first): -1, 0 or 1.
@inline(__always)
func compareKeys(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in
            let n = min(x.count, y.count)
            var r: Int32 = 0
            if n > 0, let p = x.baseAddress, let q = y.baseAddress { r = memcmp(p, q, n) }
            if r != 0 { return r < 0 ? -1 : 1 }
            return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
        }
    }
}
