import ArgumentParser
import Foundation
import KensaCore
import KensaReport

extension ReportFormat: ExpressibleByArgument {}

/// Flags shared by every command that writes a report.
struct ReportOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ReportFormat = .table

    @Option(name: [.short, .long], help: "Write the report to FILE instead of standard output.")
    var output: String?

    @Flag(name: [.short, .long], help: "No progress display.")
    var quiet = false

    @Flag(name: .long, help: "Table: list every package, not only findings and counts.")
    var listPackages = false

    /// Renders and writes the report. A file is written whole or not at all: the report goes
    /// to a temporary file beside it, then takes its name.
    func write(_ report: Report, inventoryOnly: Bool = false) throws {
        try emit(try render(report, as: format, options: writerOptions(inventoryOnly: inventoryOnly)))
    }

    /// What the writers are told: colour only for a table on a terminal (and no NO_COLOR).
    func writerOptions(inventoryOnly: Bool) -> WriterOptions {
        let color = output == nil && format == .table && isatty(STDOUT_FILENO) == 1
            && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        return WriterOptions(listPackages: listPackages || inventoryOnly, color: color)
    }

    /// Rendered output to `-o FILE` (see `writeFile`) or standard output.
    func emit(_ data: Data) throws {
        guard let output, output != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        try ReportOptions.writeFile(data, to: output)
    }

    /// A regular file (or a new one) is written whole or not at all: a temporary file beside
    /// it, then a rename. Anything else — `/dev/null`, a FIFO, a terminal — is opened and
    /// written in place: renaming over it would replace the device with a plain file. A
    /// symlink is followed, so the link stays a link.
    static func writeFile(_ data: Data, to output: String) throws {
        let path = URL(fileURLWithPath: output).resolvingSymlinksInPath().path
        var info = stat()
        let exists = lstat(path, &info) == 0
        do {
            if exists, (info.st_mode & S_IFMT) != S_IFREG {
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw KensaError(.unreadable, input: output, reason: "cannot open for writing")
                }
                defer { try? handle.close() }
                try handle.write(contentsOf: data)
            } else {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            }
        } catch let error as KensaError {
            throw error
        } catch {
            throw KensaError(.unreadable, input: output, reason: "cannot write the report: \(error.localizedDescription)")
        }
    }

    /// A progress line on standard error, only when it is a terminal.
    func progress() -> (@Sendable (ScanProgressEvent) -> Void)? {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        return { ProgressLine.handle($0) }
    }
}
