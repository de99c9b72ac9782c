import Foundation
import GRDB
import KensaCore
import KensaVersion

/// Builds a DB file from OSV sources. The file is written under a temporary name in the
/// output's directory and renamed over the output only when complete, so a reader never sees
/// a half-built DB and a failed build leaves the old one in place.
public enum VulnDBBuilder {
    public struct Summary: Sendable {
        public var path: String
        public var metadata: VulnDBMetadata
        /// One line per record that was skipped (`file: reason`), sorted.
        public var warnings: [String]
    }

    /// `sourceLabels` names the sources in the metadata when `sources` are local copies
    /// (`db update` downloads to temporary files and records the URLs).
    /// `epss` and `kev` name FIRST's EPSS CSV and CISA's KEV JSON catalog (optional).
    public static func build(from sources: [String], output: String, builtAt: Date = Date(),
                             sourceLabels: [String]? = nil, epss: String? = nil, kev: String? = nil) throws -> Summary {
        let epssRows = try epss.map { try ExploitData.parseEPSS(try ExploitData.read($0), source: $0) } ?? []
        let kevRows = try kev.map { try ExploitData.parseKEV(try ExploitData.read($0), source: $0) } ?? []
        guard !sources.isEmpty else {
            throw KensaError(.usage, input: "", reason: "no OSV source given (--from PATH)")
        }
        let outputURL = URL(fileURLWithPath: output)
        let directory = outputURL.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KensaError(.unreadable, input: directory.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
        let temporary = directory.appendingPathComponent(".\(outputURL.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }

        let metadata: VulnDBMetadata
        var warnings: [String] = []
        var replaced = 0
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            }
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            metadata = try queue.write { db in
                try createSchema(db)
                var importer = Importer(db: db)
                for source in sources {
                    try OSVSource.read(source) { name, data in try importer.add(data, source: name) }
                }
                warnings = importer.warnings.sorted()
                replaced = importer.replaced
                let insertEPSS = try db.makeStatement(sql: "INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?, ?, ?)")
                for row in epssRows { try insertEPSS.execute(arguments: [row.cve, row.score, row.percentile]) }
                let insertKEV = try db.makeStatement(sql: "INSERT OR REPLACE INTO kev (cve, date_added, ransomware) VALUES (?, ?, ?)")
                for row in kevRows { try insertKEV.execute(arguments: [row.cve, row.dateAdded, row.ransomware]) }
                return try finish(db, sources: sourceLabels ?? sources, builtAt: builtAt, malformed: importer.warnings.count)
            }
            // Rows are only ever appended, and the indexes are made after them, so the file has
            // free pages only where a record replaced an older copy of itself.
            if replaced > 0 { try queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") } }
            try queue.close()
        } catch let error as KensaError {
            throw error
        } catch {
            throw KensaError(.unreadable, input: temporary, reason: "cannot write database: \(VulnDB.describe(error))")
        }
        guard rename(temporary, output) == 0 else {
            throw KensaError(.unreadable, input: output, reason: "cannot replace: \(String(cString: strerror(errno)))")
        }
        return Summary(path: output, metadata: metadata, warnings: warnings)
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE advisory (id TEXT PRIMARY KEY, modified TEXT, data BLOB NOT NULL);
            CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory_id TEXT NOT NULL, data BLOB NOT NULL);
            CREATE TABLE epss (cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL);
            CREATE TABLE kev (cve TEXT PRIMARY KEY, date_added TEXT, ransomware INTEGER NOT NULL);
            """)
    }

    static func finish(_ db: Database, sources: [String], builtAt: Date, malformed: Int) throws -> VulnDBMetadata {
        try db.execute(sql: """
            CREATE INDEX affected_key ON affected (ecosystem, name);
            CREATE INDEX affected_advisory ON affected (advisory_id);
            """)
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT ecosystem, COUNT(DISTINCT advisory_id) AS n FROM affected GROUP BY ecosystem") {
            counts[row["ecosystem"]] = row["n"]
        }
        let records = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM advisory") ?? 0
        let epssCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM epss") ?? 0
        let kevCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM kev") ?? 0
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let metadata = VulnDBMetadata(schemaVersion: VulnDB.schemaVersion, builtAt: formatter.string(from: builtAt),
                                      sources: sources, recordCounts: counts, records: records, malformedRecords: malformed,
                                      epssRecords: epssCount, kevRecords: kevCount)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let values: [(String, String)] = [
            ("schema_version", String(VulnDB.schemaVersion)),
            ("built_at", metadata.builtAt),
            ("sources", String(decoding: try encoder.encode(sources), as: UTF8.self)),
            ("ecosystems", String(decoding: try encoder.encode(counts), as: UTF8.self)),
            ("records", String(records)),
            ("malformed", String(malformed)),
            ("epss", String(epssCount)),
            ("kev", String(kevCount)),
        ]
        for (key, value) in values {
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
        return metadata
    }
}

/// Turns record bytes into rows. A record seen twice (the same ID in two sources) keeps the
/// copy with the later `modified` time; a malformed record becomes a warning.
private struct Importer {
    let db: Database
    var modified: [String: String] = [:]
    var warnings: [String] = []
    /// Records that replaced an older copy of themselves (their old rows were deleted).
    var replaced = 0

    init(db: Database) {
        self.db = db
    }

    mutating func add(_ data: Data, source: String) throws {
        let record: OSVRecord
        var entries: [(EcosystemKey, StoredAffected)] = []
        do throws(KensaError) {
            record = try OSVRecord.decode(data, source: source)
            for affected in record.affected ?? [] {
                guard let package = affected.package, !package.ecosystem.isEmpty, !package.name.isEmpty else { continue }
                let ranges = try OSVRecord.ranges(affected.ranges ?? [], source: source)
                let key = EcosystemKey(osvEcosystem: package.ecosystem, name: package.name)
                // Sorted under the scheme `match` compares with (VulnMatcher: `?? .semver`).
                let scheme = VersionScheme(osvEcosystem: key.ecosystem) ?? .semver
                let stored = StoredAffected(
                    ecosystem: package.ecosystem, name: package.name, ranges: ranges,
                    versions: ListedVersions(affected.versions ?? [], scheme: scheme), severity: affected.severity ?? [],
                    specificSeverity: affected.ecosystemSpecific?.severity ?? affected.databaseSpecific?.severity)
                entries.append((key, stored))
            }
        } catch {
            warnings.append(error.description)
            return
        }
        if let previous = modified[record.id] {
            guard (record.modified ?? "") > previous else { return }
            try db.execute(sql: "DELETE FROM affected WHERE advisory_id = ?", arguments: [record.id])
            replaced += 1
        }
        modified[record.id] = record.modified ?? ""
        var seenReferences = Set<String>()
        let references = (record.references ?? []).compactMap(\.url).filter { seenReferences.insert($0).inserted }
        let advisory = StoredAdvisory(
            id: record.id, aliases: record.aliases ?? [], summary: record.summary ?? firstLine(record.details),
            severity: record.severity ?? [], databaseSeverity: record.databaseSpecific?.severity,
            references: references, withdrawn: record.withdrawn, published: record.published, modified: record.modified)
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO advisory (id, modified, data) VALUES (?, ?, ?)")
            .execute(arguments: [record.id, record.modified, Data(advisory.encoded())])
        let insert = try db.cachedStatement(sql: "INSERT INTO affected (ecosystem, name, advisory_id, data) VALUES (?, ?, ?, ?)")
        for (key, stored) in entries {
            try insert.execute(arguments: [key.ecosystem, key.name, record.id, Data(stored.encoded())])
        }
    }

    private func firstLine(_ details: String?) -> String? {
        guard let details else { return nil }
        let line = details.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces)
        guard let line, !line.isEmpty else { return nil }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
