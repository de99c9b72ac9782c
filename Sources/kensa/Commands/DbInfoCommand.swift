import ArgumentParser
import Foundation
import KensaCore
import KensaVulnDB

struct DbInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print the database's schema version, build time, sources and record counts."
    )

    @Option(name: .customLong("db"), help: "A database file (default: the one in the cache directory).")
    var database: String?

    @OptionGroup var location: DbLocationOptions

    func run() throws {
        let path = database ?? location.databasePath
        let db = try VulnDB(path: path)
        let meta = db.metadata
        print("Database: \(path)")
        print("Schema version: \(meta.schemaVersion)")
        print("Built at: \(meta.builtAt)")
        print("Records: \(meta.records) (\(meta.malformedRecords) skipped as malformed)")
        print("EPSS scores: \(meta.epssRecords)")
        print("KEV entries: \(meta.kevRecords)")
        print("Sources:")
        for source in meta.sources { print("  \(source)") }
        print("Ecosystems:")
        for (ecosystem, count) in meta.recordCounts.sorted(by: { $0.key < $1.key }) {
            print("  \(ecosystem): \(count)")
        }
    }
}
