import ArgumentParser
import Foundation
import KensaCore
import KensaVulnDB

struct DbUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Download OSV archives and rebuild the database.",
        discussion: """
        Without --source, downloads OSV's public per-ecosystem all.zip archives. The new \
        database replaces the old one only when every download and the build succeeded.
        """
    )

    @Option(name: .customLong("source"), parsing: .singleValue, help: "An OSV zip archive URL (repeatable).")
    var sources: [String] = []

    @Option(help: "Seconds to wait for a connection or for data before giving up.")
    var timeout: Double = 30

    @Option(help: "Attempts per source after the first (exponential backoff).")
    var retries: Int = 3

    @OptionGroup var location: DbLocationOptions

    func run() async throws {
        guard timeout > 0, timeout <= 3600 else {
            throw KensaError(.usage, input: "--timeout", reason: "must be between 0 and 3600 seconds")
        }
        let start = Date()
        let summary = try await VulnDBUpdater.update(
            sources: sources.isEmpty ? VulnDBUpdater.defaultSources : sources, output: location.databasePath,
            options: .init(timeout: timeout, retries: retries), builtAt: DbBuildCommand.builtAt())
        for warning in summary.warnings {
            FileHandle.standardError.write(Data("kensa: warning: \(warning)\n".utf8))
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        print("updated \(summary.path): \(summary.metadata.records) records, \(summary.warnings.count) skipped as malformed, in \(seconds) s")
    }
}
