/// A Debian package version, `[epoch:]upstream[-revision]`, compared as `dpkg --compare-versions`
/// does (deb-version(7)): epochs numerically, then upstream and revision alternately by
/// non-digit runs (letters before non-letters, `~` before everything, even the end) and digit
/// runs (numerically, any length).
///
/// Validity follows `dpkg --validate-version`, counting what dpkg only warns about (an upstream
/// that does not start with a digit, characters outside the allowed set) as invalid.
public struct DpkgVersion: Sendable, CustomStringConvertible {
    public let epoch: UInt32
    /// Where upstream and revision sit in `description`'s UTF-8 (kept as offsets so a value
    /// is two references and copies cheaply).
    let upstreamRange: Range<Int32>
    let revisionRange: Range<Int32>
    /// An order-preserving encoding of (epoch, upstream, revision): comparing two keys byte
    /// by byte gives dpkg's answer, so a comparison is one memcmp (see `sortKey`).
    let key: [UInt8]
    /// The string as given (without surrounding blanks).
    public let description: String

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .dpkg)
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .dpkg, input: string, reason: reason) }
        // dpkg trims blanks around the string, then refuses any space left inside it.
        var all = Array(string.utf8)[...]
        while let f = all.first, f == 0x20 || f == 0x09 { all.removeFirst() }
        while let l = all.last, l == 0x20 || (l >= 0x09 && l <= 0x0D) { all.removeLast() }
        let bytes = Array(all)
        if bytes.contains(where: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
            throw fail("version string has embedded spaces")
        }
        if bytes.isEmpty { throw fail("version string is empty") }
        var rest = bytes[...]
        var epoch: UInt32 = 0
        if let colon = bytes.firstIndex(of: 0x3A) {
            // The epoch is read with strtol: an optional sign, then digits up to the colon.
            var e = bytes[..<colon]
            var negative = false
            if let sign = e.first, sign == 0x2B || sign == 0x2D {
                negative = sign == 0x2D
                e = e.dropFirst()
            }
            let digits = e.prefix(while: isDigit)
            if digits.isEmpty { throw fail("epoch in version is empty") }
            if digits.count != e.count { throw fail("epoch in version is not number") }
            var value: UInt64 = 0
            for d in digits {
                value = value * 10 + UInt64(d - 0x30)
                if value > UInt64(Int32.max) + 1 { break }
            }
            if negative && value != 0 { throw fail("epoch in version is negative") }
            if value > UInt64(Int32.max) { throw fail("epoch in version is too big") }
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
        self.upstreamRange = Int32(up.startIndex)..<Int32(up.endIndex)
        self.revisionRange = rev.isEmpty ? Int32(bytes.count)..<Int32(bytes.count) : Int32(rev.startIndex)..<Int32(rev.endIndex)
        // The string as given, less the blanks dpkg trims (the ranges index into it).
        self.description = bytes.count == string.utf8.count ? string : String(decoding: bytes, as: UTF8.self)
        var key: [UInt8] = [UInt8(truncatingIfNeeded: epoch >> 24), UInt8(truncatingIfNeeded: epoch >> 16),
                            UInt8(truncatingIfNeeded: epoch >> 8), UInt8(truncatingIfNeeded: epoch)]
        key.reserveCapacity(4 + (up.count + rev.count) * 2 + 14)
        DpkgVersion.appendSortKey(of: up, to: &key)
        DpkgVersion.appendSortKey(of: rev, to: &key)
        self.key = key
    }

    /// Encodes a version part so that byte order is dpkg's order. The part is read as pairs
    /// of (non-digit run, digit run), as verrevcmp reads it:
    /// - each non-digit byte becomes its weight: `~` 0x01, letters 0x03…0x3C (ASCII order),
    ///   other characters 0x80 + ASCII; the run ends with 0x02, which sits where dpkg puts
    ///   "end of run" (after `~`, before letters);
    /// - each digit run becomes its length without leading zeros (two bytes) and its digits,
    ///   so longer numbers are larger and equal lengths compare digit by digit;
    /// - the part ends with 0x02 0x00 0x00 0x02: an empty run, a zero, and the start of
    ///   another empty run, which is what dpkg reads past the end of the shorter string
    ///   (a trailing (empty run, zero) pair is dropped first, so "0" and "" encode alike).
    ///   Only the first run of a part can be empty, so no other run starts with 0x02 and the
    ///   marker sorts exactly where "end" sorts: above `~`, below everything else.
    /// No part's encoding is a proper prefix of another's, so concatenating epoch, upstream
    /// and revision keeps the order field by field.
    static func appendSortKey(of part: ArraySlice<UInt8>, to key: inout [UInt8]) {
        var i = part.startIndex
        let end = part.endIndex
        var lastMeaningful = key.count
        while i < end {
            while i < end && !isDigit(part[i]) {
                let c = part[i]
                key.append(c == 0x7E ? 0x01 : (isAlpha(c) ? c - 0x41 + 0x03 : 0x80 &+ c))
                i += 1
            }
            key.append(0x02)
            while i < end && part[i] == 0x30 { i += 1 }
            let s = i
            while i < end && isDigit(part[i]) { i += 1 }
            let n = i - s
            key.append(UInt8(truncatingIfNeeded: n >> 8)); key.append(UInt8(truncatingIfNeeded: n))
            key.append(contentsOf: part[s..<i])
            // A pair of (empty run, zero) is what the end reads as; it only counts when
            // something follows it.
            if !(key.count - lastMeaningful == 3 && n == 0 && key[lastMeaningful] == 0x02) {
                lastMeaningful = key.count
            }
        }
        key.removeSubrange(lastMeaningful...)
        key.append(contentsOf: [0x02, 0x00, 0x00, 0x02])
    }

    public var upstream: String { part(upstreamRange) }
    /// The revision, or "" when there is none (dpkg compares a missing revision as "").
    public var revision: String { part(revisionRange) }
    var upstreamBytes: [UInt8] { Array(upstream.utf8) }
    var revisionBytes: [UInt8] { Array(revision.utf8) }

    private func part(_ r: Range<Int32>) -> String {
        let u = description.utf8
        return String(decoding: u[u.index(u.startIndex, offsetBy: Int(r.lowerBound))..<u.index(u.startIndex, offsetBy: Int(r.upperBound))], as: UTF8.self)
    }

    /// -1, 0 or 1.
    public static func compare(_ a: DpkgVersion, _ b: DpkgVersion) -> Int {
        compareKeys(a.key, b.key)
    }

    /// dpkg's own algorithm, kept as the reference the sort key is tested against.
    static func compareByAlgorithm(_ a: DpkgVersion, _ b: DpkgVersion) -> Int {
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

}

extension DpkgVersion: Comparable, Hashable {
    public static func < (a: DpkgVersion, b: DpkgVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: DpkgVersion, b: DpkgVersion) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}
