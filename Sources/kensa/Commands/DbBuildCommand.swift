import ArgumentParser
import Foundation
import KensaCore
import KensaVulnDB

struct DbBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the database from OSV records (directories, .zip files, OSV's all.zip).",
        discussion: """
        Records that are not valid OSV are skipped and listed as warnings on standard error. \
        The new file replaces the old one only when complete.
        """
    )

    @Option(name: .customLong("from"), parsing: .singleValue, help: "A directory of OSV JSON records, a .zip of them, or a .json record (repeatable).")
    var sources: [String] = []

    @Option(name: [.short, .customLong("output")], help: "Write the database here instead of the cache directory.")
    var output: String?

    @Option(help: "FIRST's EPSS scores (CSV: cve,epss,percentile) to attach to findings.")
    var epss: String?

    @Option(help: "CISA's Known Exploited Vulnerabilities catalog (JSON) to mark findings.")
    var kev: String?

    @OptionGroup var location: DbLocationOptions

    func run() throws {
        guard !sources.isEmpty else {
            throw KensaError(.usage, input: "db build", reason: "give at least one --from PATH")
        }
        let start = Date()
        let summary = try VulnDBBuilder.build(from: sources, output: output ?? location.databasePath,
                                              builtAt: DbBuildCommand.builtAt(), epss: epss, kev: kev)
        for warning in summary.warnings {
            FileHandle.standardError.write(Data("kensa: warning: \(warning)\n".utf8))
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
        print("built \(summary.path): \(summary.metadata.records) records, \(summary.warnings.count) skipped as malformed, in \(seconds) s")
        for (ecosystem, count) in summary.metadata.recordCounts.sorted(by: { $0.key < $1.key }) {
            print("  \(ecosystem): \(count)")
        }
        if epss != nil || kev != nil {
            print("EPSS scores: \(summary.metadata.epssRecords), KEV entries: \(summary.metadata.kevRecords)")
        }
    }

    /// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
    static func builtAt() -> Date {
        if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) {
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        return Date()
    }
}
