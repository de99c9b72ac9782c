import ArgumentParser
import KensaVersion

/// `kensa debug`: developer tools for checking how kensa decides a match.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Developer tools: compare versions and test ranges as kensa does.",
        subcommands: [DebugVercmpCommand.self, DebugSatisfiesCommand.self]
    )
}

/// Reads `A<TAB>B` lines and prints how the scheme orders each pair.
struct DebugVercmpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vercmp",
        abstract: "Compare version pairs read from standard input.",
        discussion: """
        Each input line is A<TAB>B. Each output line is -1 (A < B), 0 (equal), 1 (A > B), or \
        "error: REASON" when a version is not valid in the scheme. Schemes: \
        \(VersionScheme.allCases.map(\.rawValue).joined(separator: " ")).
        """
    )

    @Option(name: .long, help: "The version scheme: \(VersionScheme.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scheme: String

    func validate() throws {
        guard VersionScheme(rawValue: scheme) != nil else {
            throw ValidationError("unknown scheme '\(scheme)'; expected one of: \(VersionScheme.allCases.map(\.rawValue).joined(separator: " "))")
        }
    }

    func run() throws {
        guard let scheme = VersionScheme(rawValue: scheme) else { throw ExitCode.validationFailure }
        let out = DebugOutput()
        DebugLineReader.forEachLine { line in
            guard let (a, b) = DebugLineReader.twoFields(line) else {
                out.write("error: expected two fields separated by a tab\n")
                return
            }
            do {
                let c = try scheme.compare(a, b)
                out.write(c < 0 ? "-1\n" : (c > 0 ? "1\n" : "0\n"))
            } catch {
                out.write("error: \(error)\n")
            }
        } onOversizedLine: {
            out.write("error: line longer than \(DebugLineReader.maximumLineLength) bytes\n")
        }
        out.flush()
    }
}

/// Reads `VERSION<TAB>RANGE` lines and prints whether each version is in the range.
struct DebugSatisfiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfies",
        abstract: "Test versions against ranges read from standard input.",
        discussion: """
        Each input line is VERSION<TAB>RANGE (an empty range means any version). Each output \
        line is true, false, or "error: REASON" when the version or the range is not valid. \
        Only the npm scheme has ranges.
        """
    )

    @Option(name: .long, help: "The range scheme (npm).")
    var scheme: String

    func validate() throws {
        guard scheme == VersionScheme.npm.rawValue else {
            throw ValidationError("satisfies supports --scheme npm only, not '\(scheme)'")
        }
    }

    func run() throws {
        let out = DebugOutput()
        DebugLineReader.forEachLine { line in
            guard let (v, r) = DebugLineReader.twoFields(line) else {
                out.write("error: expected two fields separated by a tab\n")
                return
            }
            do {
                let version = try NpmVersion(v)
                let range = try NpmRange(r)
                out.write(range.isSatisfied(by: version) ? "true\n" : "false\n")
            } catch {
                out.write("error: \(error)\n")
            }
        } onOversizedLine: {
            out.write("error: line longer than \(DebugLineReader.maximumLineLength) bytes\n")
        }
        out.flush()
    }
}
