import Foundation
import KensaCore
import KensaVersion

/// The parts of an OSV record (https://ossf.github.io/osv-schema/) that matching and reports
/// use. Unknown fields are ignored; a record without `id` or with a field of the wrong type is
/// malformed.
///
/// `upstream` (schema 1.7) is read into `aliases`: distro advisories (Debian's DSA/DLA/DEBIAN-CVE,
/// Red Hat's, Ubuntu's) name the CVE they are about there and nowhere else, and matching groups
/// advisories by the IDs they share. `VulnDB.match` then reports a distro finding per CVE.
/// AlmaLinux's errata name their CVEs in `related` instead (`foldRelatedCVEsOfDistroErratum`).
struct OSVRecord: Decodable, Sendable {
    var id: String
    var modified: String?
    var published: String?
    var withdrawn: String?
    /// `aliases`, then the `upstream` IDs not already among them (and see
    /// `foldRelatedCVEsOfDistroErratum`).
    var aliases: [String]?
    var related: [String]?
    var summary: String?
    var details: String?
    var severity: [OSVSeverity]?
    var affected: [OSVAffected]?
    var references: [OSVReference]?
    var databaseSpecific: OSVSpecific?

    enum CodingKeys: String, CodingKey {
        case id, modified, published, withdrawn, aliases, upstream, related, summary, details, severity, affected, references
        case databaseSpecific = "database_specific"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        modified = try c.decodeIfPresent(String.self, forKey: .modified)
        published = try c.decodeIfPresent(String.self, forKey: .published)
        withdrawn = try c.decodeIfPresent(String.self, forKey: .withdrawn)
        let aliases = try c.decodeIfPresent([String].self, forKey: .aliases)
        let upstream = try c.decodeIfPresent([String].self, forKey: .upstream)
        if let upstream {
            var merged = aliases ?? []
            // A set, not `contains`: a hostile record may list a million IDs.
            var seen = Set(merged + [id])
            for name in upstream where seen.insert(name).inserted { merged.append(name) }
            self.aliases = merged
        } else {
            self.aliases = aliases
        }
        related = try c.decodeIfPresent([String].self, forKey: .related)
        summary = try c.decodeIfPresent(String.self, forKey: .summary)
        details = try c.decodeIfPresent(String.self, forKey: .details)
        severity = try c.decodeIfPresent([OSVSeverity].self, forKey: .severity)
        affected = try c.decodeIfPresent([OSVAffected].self, forKey: .affected)
        references = try c.decodeIfPresent([OSVReference].self, forKey: .references)
        databaseSpecific = try c.decodeIfPresent(OSVSpecific.self, forKey: .databaseSpecific)
        foldRelatedCVEsOfDistroErratum()
    }

    /// The distributions' OSV ecosystems (before the `:release`).
    static let distroEcosystems: Set<Substring> = [
        "AlmaLinux", "Alpine", "Chainguard", "Debian", "Red Hat", "Rocky Linux", "SUSE", "Ubuntu", "Wolfi", "openSUSE",
    ]

    /// AlmaLinux's errata (`ALSA-…`, written before OSV had `upstream`) name the CVEs they fix
    /// only in `related`. A record about distro packages alone that names no CVE in `aliases`
    /// or `upstream` gets its related CVEs as aliases, so it meets the CVE-keyed records of the
    /// same vulnerability; a language record's `related` stays apart (there it means "not the
    /// same vulnerability").
    private mutating func foldRelatedCVEsOfDistroErratum() {
        guard let related, let affected, !affected.isEmpty,
              !(aliases ?? []).contains(where: { $0.hasPrefix("CVE-") }),
              affected.allSatisfy({ entry in
                  entry.package.map { OSVRecord.distroEcosystems.contains(EcosystemKey.base($0.ecosystem)) } ?? false
              }) else { return }
        var merged = aliases ?? []
        var seen = Set(merged + [id])
        for name in related where name.hasPrefix("CVE-") && seen.insert(name).inserted { merged.append(name) }
        aliases = merged
    }
}

struct OSVSeverity: Codable, Sendable, Hashable {
    var type: String
    var score: String
}

struct OSVReference: Decodable, Sendable {
    var type: String?
    var url: String?
}

struct OSVAffected: Decodable, Sendable {
    var package: OSVPackage?
    var severity: [OSVSeverity]?
    var ranges: [OSVRawRange]?
    var versions: [String]?
    var ecosystemSpecific: OSVSpecific?
    var databaseSpecific: OSVSpecific?

    enum CodingKeys: String, CodingKey {
        case package, severity, ranges, versions
        case ecosystemSpecific = "ecosystem_specific"
        case databaseSpecific = "database_specific"
    }
}

struct OSVPackage: Decodable, Sendable {
    var ecosystem: String
    var name: String
    var purl: String?
}

struct OSVRawRange: Decodable, Sendable {
    var type: String
    var events: [[String: String]]
}

/// `database_specific` / `ecosystem_specific` are free-form objects; only a string `severity`
/// inside is read (GitHub's `HIGH`/`MODERATE`, Ubuntu's and Debian's words), anything else is
/// skipped without failing the record.
struct OSVSpecific: Decodable, Sendable {
    var severity: String?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else { return }
        severity = try? container.decodeIfPresent(String.self, forKey: Key(stringValue: "severity"))
    }
}

extension OSVRecord {
    /// Largest record accepted: real records are a few KB, the biggest a few hundred KB (long
    /// `versions` lists); this bounds memory on hostile input.
    static let maximumSize = 16 << 20

    static func decode(_ data: Data, source: String) throws(KensaError) -> OSVRecord {
        guard data.count <= maximumSize else {
            throw KensaError(.limitExceeded, input: source, reason: "record larger than \(maximumSize >> 20) MiB")
        }
        guard jsonNestingDepth(data) <= maximumDepth else {
            throw KensaError(.limitExceeded, input: source, reason: "JSON nested deeper than \(maximumDepth) levels")
        }
        let record: OSVRecord
        do {
            record = try JSONDecoder().decode(OSVRecord.self, from: data)
        } catch let error as DecodingError {
            throw KensaError(.malformed, input: source, reason: "not an OSV record: \(describe(error))")
        } catch {
            throw KensaError(.malformed, input: source, reason: "not an OSV record: \(error)")
        }
        guard !record.id.isEmpty, record.id.utf8.count <= 256 else {
            throw KensaError(.malformed, input: source, reason: "record id is empty or too long")
        }
        return record
    }

    /// OSV records nest a few levels deep; deeper input is hostile and is refused before the
    /// decoder (which recurses) sees it.
    static let maximumDepth = 64

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : " at \(p)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(key.stringValue)\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context))"
        case .valueNotFound(_, let context): return "null value\(path(context))"
        case .dataCorrupted(let context): return "invalid JSON\(path(context))"
        @unknown default: return "invalid"
        }
    }

    /// The range events as KensaVersion reads them; an unknown event key or range type makes the
    /// affected entry malformed (it would otherwise be misread as affecting everything).
    static func ranges(_ raw: [OSVRawRange], source: String) throws(KensaError) -> [OSVRange] {
        var out: [OSVRange] = []
        for range in raw {
            guard let type = OSVRangeType(rawValue: range.type) else {
                throw KensaError(.malformed, input: source, reason: "unknown range type \(range.type)")
            }
            var events: [OSVEvent] = []
            for event in range.events {
                guard event.count == 1, let (key, value) = event.first else {
                    throw KensaError(.malformed, input: source, reason: "a range event must have exactly one key")
                }
                switch key {
                case "introduced": events.append(.introduced(value))
                case "fixed": events.append(.fixed(value))
                case "last_affected": events.append(.lastAffected(value))
                case "limit": events.append(.limit(value))
                default: throw KensaError(.malformed, input: source, reason: "unknown range event \(key)")
                }
            }
            out.append(OSVRange(type: type, events: events))
        }
        return out
    }
}
