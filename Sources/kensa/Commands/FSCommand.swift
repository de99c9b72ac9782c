import ArgumentParser
import KensaScan

struct FSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fs",
        abstract: "Inventory a project tree from its lock and manifest files.",
        discussion: """
        Reads package-lock.json, yarn.lock, pnpm-lock.yaml, go.mod, Cargo.lock, Gemfile.lock, \
        composer.lock, packages.lock.json, poetry.lock, Pipfile.lock, uv.lock, pinned \
        requirements*.txt and Package.resolved anywhere under DIR.

        Examples:
          kensa fs .
          kensa fs ~/src/app --format spdx-json -o app.spdx.json
        """
    )

    @Argument(help: "The project directory to scan.")
    var dir: String

    @OptionGroup var report: ReportOptions
    @OptionGroup var flags: ScanFlags
    @OptionGroup var gate: GateFlags

    func run() throws {
        try runScan(.filesystem(path: dir), report: report, flags: flags, gate: gate)
    }
}
