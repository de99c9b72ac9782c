import Foundation
import GRDB
import KensaCore

/// The local vulnerability database: one SQLite file built from OSV records by
/// `VulnDBBuilder`, opened read-only for scans. Safe to share between threads.
public final class VulnDB: Sendable {
    /// Bumped whenever the tables change; a file of another version is refused.
    public static let schemaVersion = 2

    public let path: String
    public let metadata: VulnDBMetadata
    private let queue: DatabaseQueue

    /// Opens an existing DB. A missing file, a file that is not a kensa DB, and a DB of
    /// another schema version are each a one-line error that says what to run.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw KensaError(.unreadable, input: path,
                             reason: "no vulnerability database: run `kensa db update` or `kensa db build --from DIR`")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "kensa-vulndb"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            metadata = try queue.read { db in try VulnDB.readMetadata(db, path: path) }
        } catch let error as KensaError {
            throw error
        } catch {
            throw KensaError(.malformed, input: path,
                             reason: "not a kensa vulnerability database (\(VulnDB.describe(error))): run `kensa db build` or `kensa db update`")
        }
    }

    private static func readMetadata(_ db: Database, path: String) throws -> VulnDBMetadata {
        guard try db.tableExists("meta") else {
            throw KensaError(.malformed, input: path,
                             reason: "not a kensa vulnerability database: run `kensa db build` or `kensa db update`")
        }
        var values: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") {
            if let key = row["key"] as String?, let value = row["value"] as String? { values[key] = value }
        }
        let version = values["schema_version"].flatMap(Int.init)
        guard version == schemaVersion else {
            throw KensaError(.unsupported, input: path,
                             reason: "database schema version \(values["schema_version"] ?? "unknown"), this kensa reads version \(schemaVersion): run `kensa db update` or `kensa db build`")
        }
        let decoder = JSONDecoder()
        let sources = values["sources"].flatMap { try? decoder.decode([String].self, from: Data($0.utf8)) } ?? []
        let counts = values["ecosystems"].flatMap { try? decoder.decode([String: Int].self, from: Data($0.utf8)) } ?? [:]
        return VulnDBMetadata(schemaVersion: schemaVersion, builtAt: values["built_at"] ?? "",
                              sources: sources, recordCounts: counts,
                              records: values["records"].flatMap(Int.init) ?? 0,
                              malformedRecords: values["malformed"].flatMap(Int.init) ?? 0,
                              epssRecords: values["epss"].flatMap(Int.init) ?? 0,
                              kevRecords: values["kev"].flatMap(Int.init) ?? 0)
    }

    /// Every advisory entry filed under `key`, with its record.
    func entries(for key: EcosystemKey) throws -> [(advisory: StoredAdvisory, affected: StoredAffected)] {
        try entries(for: [key])[key] ?? []
    }

    /// The entries of every key, read in one transaction with one prepared statement (a
    /// transaction per name cost a tenth of the matching time). Keys without entries are absent.
    /// The entries of one key share a `VersionMemo`.
    func entries(for keys: Set<EcosystemKey>) throws -> [EcosystemKey: [(advisory: StoredAdvisory, affected: StoredAffected)]] {
        guard !keys.isEmpty else { return [:] }
        do {
            return try queue.read { db in
                let statement = try db.cachedStatement(sql: """
                    SELECT a.data, r.data FROM affected a JOIN advisory r ON r.id = a.advisory_id
                    WHERE a.ecosystem = ? AND a.name = ? ORDER BY a.advisory_id, a.rowid
                    """)
                var out: [EcosystemKey: [(advisory: StoredAdvisory, affected: StoredAffected)]] = [:]
                for key in keys {
                    var entries: [(advisory: StoredAdvisory, affected: StoredAffected)] = []
                    let memo = VersionMemo()
                    let rows = try Row.fetchCursor(statement, arguments: [key.ecosystem, key.name])
                    while let row = try rows.next() {
                        let affected: Data = row[0]
                        let advisory: Data = row[1]
                        var entry = try StoredAffected(decoding: Array(affected), source: path)
                        entry.memo = memo
                        entries.append((try StoredAdvisory(decoding: Array(advisory), source: path), entry))
                    }
                    if !entries.isEmpty { out[key] = entries }
                }
                return out
            }
        } catch let error as KensaError {
            throw error
        } catch {
            throw KensaError(.malformed, input: path, reason: "cannot read advisories: \(VulnDB.describe(error))")
        }
    }

    /// The highest EPSS score (with its percentile) and whether any of `cves` is in KEV.
    func exploitInfo(_ cves: [String]) throws -> (epss: Double?, percentile: Double?, kev: Bool) {
        // Most DBs carry neither table's data: no query per finding then.
        guard !cves.isEmpty, metadata.epssRecords > 0 || metadata.kevRecords > 0 else { return (nil, nil, false) }
        do {
            return try queue.read { db in
                var best: (Double, Double)?
                var kev = false
                let epss = try db.cachedStatement(sql: "SELECT score, percentile FROM epss WHERE cve = ?")
                let known = try db.cachedStatement(sql: "SELECT 1 FROM kev WHERE cve = ?")
                for cve in cves {
                    if let row = try Row.fetchOne(epss, arguments: [cve]) {
                        let score: Double = row[0], percentile: Double = row[1]
                        if best.map({ score > $0.0 }) ?? true { best = (score, percentile) }
                    }
                    if try Bool.fetchOne(known, arguments: [cve]) != nil { kev = true }
                }
                return (best?.0, best?.1, kev)
            }
        } catch {
            throw KensaError(.malformed, input: path, reason: "cannot read exploit data: \(VulnDB.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// What `kensa db info` prints.
public struct VulnDBMetadata: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    /// RFC 3339, UTC.
    public var builtAt: String
    /// The paths or URLs the DB was built from.
    public var sources: [String]
    /// Records per OSV ecosystem (normalised: `Ubuntu:22.04`, `Red Hat:9`).
    public var recordCounts: [String: Int]
    public var records: Int
    public var malformedRecords: Int
    /// Rows of EPSS scores and of the KEV catalog imported with the records.
    public var epssRecords: Int
    public var kevRecords: Int
}
