import KensaCore
import KensaVersion

/// An `affected[].versions` list as the DB stores it. The entries the ecosystem's scheme parses
/// are kept sorted in that scheme's order (at build time), so asking whether a version is
/// listed is a binary search of about log2(n) parses instead of a parse of every entry (PyPI
/// records list hundreds of versions). Entries the scheme rejects are kept apart: they can
/// only match exactly, as before.
///
/// The sorted strings stay as bytes with an offset table; a lookup reads only the entries the
/// search visits. The result is the same as `OSVAffectedVersions.contains` on the original
/// list: listed exactly, or equal under the scheme (`MatchTests`, `ListedVersionsTests`).
struct ListedVersions: Sendable {
    /// The scheme the entries were sorted by (a lookup under another scheme scans them all).
    let scheme: VersionScheme
    /// Number of entries that parse, stored in scheme order.
    let sortedCount: Int
    /// The entries the scheme rejects, in list order.
    let unparsed: [String]
    private let storage: [UInt8]
    private let offsetsStart: Int
    private let stringsStart: Int

    var isEmpty: Bool { sortedCount == 0 && unparsed.isEmpty }

    /// The list parsed and sorted under `scheme` (what the DB builder stores).
    init(_ versions: [String], scheme: VersionScheme) {
        var parsed: [(version: Version, string: String)] = []
        var unparsed: [String] = []
        var seen = Set<String>()
        for string in versions where seen.insert(string).inserted {
            if let v = try? ListedVersions.parse(string, scheme) { parsed.append((v, string)) } else { unparsed.append(string) }
        }
        // Ties (equal under the scheme, different strings) by string, so the bytes are deterministic.
        parsed.sort { a, b in
            let c = a.version.compare(to: b.version)
            return c != 0 ? c < 0 : a.string < b.string
        }
        var writer = RowWriter()
        ListedVersions.write(parsed.map(\.string), unparsed: unparsed, scheme: scheme, into: &writer)
        var reader = RowReader(writer.bytes, source: "versions")
        // Reading back what was just written cannot fail; an empty list is the safe answer.
        self = (try? ListedVersions(reading: &reader)) ?? ListedVersions(empty: scheme)
    }

    private init(empty scheme: VersionScheme) {
        self.scheme = scheme
        sortedCount = 0
        unparsed = []
        storage = []
        offsetsStart = 0
        stringsStart = 0
    }

    private static func write(_ sorted: [String], unparsed: [String], scheme: VersionScheme, into writer: inout RowWriter) {
        writer.string(scheme.rawValue)
        writer.u32(sorted.count)
        var offset = 0
        writer.u32(0)
        for string in sorted {
            offset += string.utf8.count
            writer.u32(offset)
        }
        for string in sorted { writer.raw(Array(string.utf8)) }
        writer.strings(unparsed)
    }

    func write(into writer: inout RowWriter) {
        ListedVersions.write((0..<sortedCount).map(string(at:)), unparsed: unparsed, scheme: scheme, into: &writer)
    }

    /// Reads a list written by `write(into:)`; the offset table is checked whole, so a lookup
    /// never reads out of bounds.
    init(reading reader: inout RowReader) throws(KensaError) {
        guard let scheme = VersionScheme(rawValue: try reader.string()) else { throw reader.fail() }
        self.scheme = scheme
        let count = try reader.count(minimumSize: 4)
        let offsets = try reader.skip(4 * (count + 1))
        let bytes = reader.bytes
        func offset(_ i: Int) -> Int {
            let p = offsets + 4 * i
            return Int(UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
        }
        guard offset(0) == 0 else { throw reader.fail() }
        var previous = 0
        for i in stride(from: 1, through: count, by: 1) {
            let o = offset(i)
            guard o >= previous else { throw reader.fail() }
            previous = o
        }
        stringsStart = try reader.skip(previous)
        offsetsStart = offsets
        sortedCount = count
        storage = bytes
        unparsed = try reader.strings()
    }

    private func offset(_ i: Int) -> Int {
        let p = offsetsStart + 4 * i
        return Int(UInt32(storage[p]) | UInt32(storage[p + 1]) << 8 | UInt32(storage[p + 2]) << 16 | UInt32(storage[p + 3]) << 24)
    }

    /// The i-th entry in scheme order.
    func string(at i: Int) -> String {
        String(decoding: storage[stringsStart + offset(i)..<stringsStart + offset(i + 1)], as: UTF8.self)
    }

    /// Every entry: the sorted ones, then the rejected ones.
    var all: [String] { (0..<sortedCount).map(string(at:)) + unparsed }

    /// Whether `version` is listed: exactly, or equal under `scheme`. Throws the scheme's error
    /// when the installed version does not parse and is not listed exactly (as
    /// `OSVAffectedVersions.contains` does when a list is present).
    func contains(_ version: String, scheme: VersionScheme, memo: VersionMemo = VersionMemo()) throws(VersionError) -> Bool {
        if isEmpty { return false }
        // A string the scheme rejects can only be listed exactly, and only among the rejected.
        if unparsed.contains(version) { return true }
        let v = try memo.parse(version, scheme)
        guard scheme == self.scheme, ListedVersions.bisectable(scheme) else { return linearContains(v, scheme: scheme, memo: memo) }
        var low = 0, high = sortedCount
        while low < high {
            let middle = (low + high) / 2
            // Parsed at build time, so it parses now unless the scheme's parser changed since;
            // then the order may have too, and only a full scan is safe.
            guard let listed = try? memo.parse(string(at: middle), scheme) else {
                return linearContains(v, scheme: scheme, memo: memo)
            }
            let c = listed.compare(to: v)
            if c == 0 { return true }
            if c < 0 { low = middle + 1 } else { high = middle }
        }
        return false
    }

    /// Whether the scheme's order is consistent enough for bisection: equal versions must sort
    /// next to each other. Maven's ComparableVersion is not (on the Maven vectors, `1-ga`,
    /// `1.RELEASE` and `1.0.0.0` equal a listed version the search does not reach), so Maven
    /// lists are scanned whole. Every other scheme is checked against its vectors in
    /// `ListedVersionsTests`.
    static func bisectable(_ scheme: VersionScheme) -> Bool { scheme != .maven }

    private func linearContains(_ v: Version, scheme: VersionScheme, memo: VersionMemo) -> Bool {
        for i in 0..<sortedCount {
            if let listed = try? memo.parse(string(at: i), scheme), listed == v { return true }
        }
        return false
    }

    /// Parses as OSV writes versions (KensaVersion's `parseOSV`): Go without the `v`, SEMVER
    /// with or without it.
    static func parse(_ s: String, _ scheme: VersionScheme) throws(VersionError) -> Version {
        switch scheme {
        case .go: return .go(try GoVersion(osv: s))
        case .semver where s.hasPrefix("v"): return try scheme.parse(String(s.dropFirst()))
        default: return try scheme.parse(s)
        }
    }
}
