import ArgumentParser
import Foundation
import KensaCore
#if canImport(KensaRegistry)
import KensaRegistry
#endif
import KensaVulnDB

struct DbUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Download OSV archives and rebuild the database.",
        discussion: """
        Without --source, downloads OSV's public per-ecosystem all.zip archives. The new \
        database replaces the old one only when every download and the build succeeded.

        With --repository REF, pulls a database pushed by `kensa db push` from an OCI \
        registry instead, checks its digests and that it opens, then swaps it in.
        """
    )

    @Option(name: .customLong("source"), parsing: .singleValue, help: "An OSV zip archive URL (repeatable).")
    var sources: [String] = []

    @Option(help: "Seconds to wait for a connection or for data before giving up.")
    var timeout: Double = 30

    @Option(help: "Attempts per source after the first (exponential backoff).")
    var retries: Int = 3

    @OptionGroup var location: DbLocationOptions

    #if canImport(KensaRegistry)
    @Option(help: "Pull the database from this OCI artifact (host[:port]/repository:tag or @digest) instead of building it.")
    var repository: String?

    @OptionGroup(title: "Registry (with --repository)") var registry: RegistryAccessFlags
    #endif

    func run() async throws {
        guard timeout > 0, timeout <= 3600 else {
            throw KensaError(.usage, input: "--timeout", reason: "must be between 0 and 3600 seconds")
        }
        let start = Date()
        #if canImport(KensaRegistry)
        if let repository {
            guard sources.isEmpty else {
                throw KensaError(.usage, input: "--repository", reason: "give --repository or --source, not both")
            }
            let reference = try ImageReference(parsing: repository)
            let options = try registry.registryOptions(timeout: timeout)
            let installed = try await DbArtifact.install(from: reference, output: location.databasePath, options: options,
                                                         maximumSize: VulnDBUpdater.Options().maximumBytes)
            let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
            print("updated \(location.databasePath) from \(reference) (manifest \(installed.manifestDigest)): \(installed.metadata.records) records, built at \(installed.metadata.builtAt), in \(seconds) s")
            return
        }
        #endif
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
