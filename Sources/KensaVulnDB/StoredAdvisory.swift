import Foundation
import KensaVersion

/// What the DB keeps of one OSV record for reports (one row per record, JSON in `advisory.data`).
struct StoredAdvisory: Codable, Sendable, Hashable {
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
}

/// One `affected[]` entry of a record (one row per entry in `affected.data`).
struct StoredAffected: Codable, Sendable, Hashable {
    /// The OSV ecosystem as the record wrote it (`Ubuntu:22.04:LTS`).
    var ecosystem: String
    var name: String
    var ranges: [StoredRange]
    var versions: [String]
    /// `affected[].severity`, `ecosystem_specific.severity` or `database_specific.severity`.
    var severity: [OSVSeverity]
    var specificSeverity: String?

    var affectedVersions: OSVAffectedVersions {
        OSVAffectedVersions(ranges: ranges.compactMap(\.range), versions: versions)
    }
}

struct StoredRange: Codable, Sendable, Hashable {
    var type: String
    /// Event pairs `[kind, version]`, kind one of introduced, fixed, last_affected, limit.
    var events: [[String]]

    init(_ range: OSVRange) {
        type = range.type.rawValue
        events = range.events.map { event in
            switch event {
            case .introduced(let v): return ["introduced", v]
            case .fixed(let v): return ["fixed", v]
            case .lastAffected(let v): return ["last_affected", v]
            case .limit(let v): return ["limit", v]
            }
        }
    }

    var range: OSVRange? {
        guard let type = OSVRangeType(rawValue: type) else { return nil }
        return OSVRange(type: type, events: events.compactMap { pair in
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "introduced": return .introduced(pair[1])
            case "fixed": return .fixed(pair[1])
            case "last_affected": return .lastAffected(pair[1])
            case "limit": return .limit(pair[1])
            default: return nil
            }
        })
    }

    var fixed: [String] { events.filter { $0.count == 2 && $0[0] == "fixed" && !$0[1].isEmpty }.map { $0[1] } }
}
