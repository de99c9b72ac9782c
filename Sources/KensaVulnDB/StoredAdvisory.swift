import Foundation
import KensaCore
import KensaVersion

/// What the DB keeps of one OSV record for reports (one row per record in `advisory.data`,
/// in `RowCodec`'s binary form).
struct StoredAdvisory: Sendable, Hashable {
    var id: String
    var aliases: [String]
    var summary: String?
    var severity: [OSVSeverity]
    /// `database_specific.severity` (GitHub's `HIGH`, `MODERATE`, …).
    var databaseSeverity: String?
    var references: [String]
    var withdrawn: String?
    var published: String?
    var modified: String?

    func encoded() -> [UInt8] {
        var w = RowWriter()
        w.string(id)
        w.strings(aliases)
        w.optional(summary)
        StoredAdvisory.write(severity, into: &w)
        w.optional(databaseSeverity)
        w.strings(references)
        w.optional(withdrawn)
        w.optional(published)
        w.optional(modified)
        return w.bytes
    }

    init(id: String, aliases: [String], summary: String?, severity: [OSVSeverity], databaseSeverity: String?,
         references: [String], withdrawn: String?, published: String?, modified: String?) {
        self.id = id
        self.aliases = aliases
        self.summary = summary
        self.severity = severity
        self.databaseSeverity = databaseSeverity
        self.references = references
        self.withdrawn = withdrawn
        self.published = published
        self.modified = modified
    }

    init(decoding bytes: [UInt8], source: String) throws(KensaError) {
        var r = RowReader(bytes, source: source)
        id = try r.string()
        aliases = try r.strings()
        summary = try r.optional()
        severity = try StoredAdvisory.readSeverity(&r)
        databaseSeverity = try r.optional()
        references = try r.strings()
        withdrawn = try r.optional()
        published = try r.optional()
        modified = try r.optional()
        guard r.atEnd else { throw r.fail() }
    }

    static func write(_ severity: [OSVSeverity], into w: inout RowWriter) {
        w.u32(severity.count)
        for s in severity {
            w.string(s.type)
            w.string(s.score)
        }
    }

    static func readSeverity(_ r: inout RowReader) throws(KensaError) -> [OSVSeverity] {
        let n = try r.count(minimumSize: 8)
        var out: [OSVSeverity] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(OSVSeverity(type: try r.string(), score: try r.string())) }
        return out
    }
}

/// One `affected[]` entry of a record (one row per entry in `affected.data`).
struct StoredAffected: Sendable {
    /// The OSV ecosystem as the record wrote it (`Ubuntu:22.04:LTS`).
    var ecosystem: String
    var name: String
    var ranges: [OSVRange]
    /// `versions`, sorted under the ecosystem's scheme for lookups.
    var versions: ListedVersions
    /// `affected[].severity`, `ecosystem_specific.severity` or `database_specific.severity`.
    var severity: [OSVSeverity]
    var specificSeverity: String?
    /// Shared by the entries of one package name while one `match` runs (set by `entries(for:)`).
    var memo: VersionMemo?

    init(ecosystem: String, name: String, ranges: [OSVRange], versions: ListedVersions,
         severity: [OSVSeverity], specificSeverity: String?) {
        self.ecosystem = ecosystem
        self.name = name
        self.ranges = ranges
        self.versions = versions
        self.severity = severity
        self.specificSeverity = specificSeverity
    }

    var affectedVersions: OSVAffectedVersions {
        OSVAffectedVersions(ranges: ranges, versions: versions.all)
    }

    /// Whether `version` is affected: the same answer as `affectedVersions.contains`, without
    /// parsing the whole `versions` list (see `ListedVersions`).
    func contains(_ version: String, scheme: VersionScheme) throws(VersionError) -> Bool {
        let memo = self.memo ?? VersionMemo()
        if try versions.contains(version, scheme: scheme, memo: memo) { return true }
        for range in ranges where try memo.contains(range, version, scheme: scheme) { return true }
        return false
    }

    /// The ranges' `fixed` versions, as written.
    var fixed: [String] {
        ranges.flatMap { range in
            range.events.compactMap { event -> String? in
                if case .fixed(let v) = event, !v.isEmpty { return v }
                return nil
            }
        }
    }

    func encoded() -> [UInt8] {
        var w = RowWriter()
        w.string(ecosystem)
        w.string(name)
        w.u32(ranges.count)
        for range in ranges {
            w.string(range.type.rawValue)
            w.u32(range.events.count)
            for event in range.events {
                switch event {
                case .introduced(let v): w.u8(0); w.string(v)
                case .fixed(let v): w.u8(1); w.string(v)
                case .lastAffected(let v): w.u8(2); w.string(v)
                case .limit(let v): w.u8(3); w.string(v)
                }
            }
        }
        StoredAdvisory.write(severity, into: &w)
        w.optional(specificSeverity)
        versions.write(into: &w)
        return w.bytes
    }

    init(decoding bytes: [UInt8], source: String) throws(KensaError) {
        var r = RowReader(bytes, source: source)
        ecosystem = try r.string()
        name = try r.string()
        let rangeCount = try r.count(minimumSize: 8)
        var ranges: [OSVRange] = []
        ranges.reserveCapacity(rangeCount)
        for _ in 0..<rangeCount {
            guard let type = OSVRangeType(rawValue: try r.string()) else { throw r.fail() }
            let eventCount = try r.count(minimumSize: 5)
            var events: [OSVEvent] = []
            events.reserveCapacity(eventCount)
            for _ in 0..<eventCount {
                let kind = try r.u8()
                let v = try r.string()
                switch kind {
                case 0: events.append(.introduced(v))
                case 1: events.append(.fixed(v))
                case 2: events.append(.lastAffected(v))
                case 3: events.append(.limit(v))
                default: throw r.fail()
                }
            }
            ranges.append(OSVRange(type: type, events: events))
        }
        self.ranges = ranges
        severity = try StoredAdvisory.readSeverity(&r)
        specificSeverity = try r.optional()
        versions = try ListedVersions(reading: &r)
        guard r.atEnd else { throw r.fail() }
    }
}
