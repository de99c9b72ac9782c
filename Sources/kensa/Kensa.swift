import ArgumentParser
import Foundation
import KensaCore

@main
struct Kensa: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kensa",
        abstract: "Security scanner for containers and Kubernetes.",
        discussion: """
        Inventories images and root filesystems (SBOM), finds known vulnerabilities, \
        misconfigurations and secrets, and evaluates runtime rules.

        Exit codes: 0 when the scan completed, 2 when it could not (bad input, bad flags).
        """,
        version: KensaVersionInfo.version,
        // One line per command.
        subcommands: [
            ImageCommand.self,
            RootfsCommand.self,
            FSCommand.self,
            SBOMCommand.self,
            ConfigCommand.self,
            RuntimeCommand.self,
            DbCommand.self,
            CleanCommand.self,
            DebugCommand.self,
        ]
    )

    /// Every failure is one line on standard error and exit code 2, including flag errors
    /// (ArgumentParser would use 64); help and `--version` still exit 0.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as KensaError {
            FileHandle.standardError.write(Data("kensa: \(error.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                exit(withError: error)
            }
            if let exit = error as? ExitCode {
                Foundation.exit(exit.rawValue)
            }
            // The message alone: one line, no usage block (`kensa CMD --help` shows that).
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("kensa: \(message)\n".utf8))
            Foundation.exit(2)
        }
    }
}
