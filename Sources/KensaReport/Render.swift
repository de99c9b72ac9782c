import Foundation
import KensaCore

/// The output formats kensa writes. Raw values are the `--format` spellings.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table
    case json
    case cyclonedx
    case spdxJSON = "spdx-json"
    case sarif
}

/// What the CLI's flags mean to a writer; writers never see the flags themselves.
public struct WriterOptions: Sendable {
    /// Table only: list every package, not just the summary.
    public var listPackages: Bool
    /// Table only: ANSI colour (the CLI turns it on for a terminal).
    public var color: Bool

    public init(listPackages: Bool = true, color: Bool = false) {
        self.listPackages = listPackages
        self.color = color
    }
}

/// Renders `report` in `format`. The same report and options always give the same bytes.
public func render(_ report: Report, as format: ReportFormat, options: WriterOptions = WriterOptions()) throws -> Data {
    guard let writer = allWriters.first(where: { $0.format == format }) else {
        throw KensaError(.unsupported, input: format.rawValue, reason: "no writer for this format")
    }
    return try writer.write(report, options)
}

/// One output format and the function that writes it.
struct Writer: Sendable {
    var format: ReportFormat
    var write: @Sendable (Report, WriterOptions) throws -> Data
}

/// Every writer, in one place; nothing registers itself elsewhere.
let allWriters: [Writer] = [
    Writer(format: .table, write: { report, options in TableWriter.write(report, options: options) }),
    Writer(format: .json, write: { report, _ in JSONWriter.write(report) }),
    Writer(format: .cyclonedx, write: { report, _ in CycloneDXWriter.write(report) }),
    Writer(format: .spdxJSON, write: { report, _ in SPDXWriter.write(report) }),
    Writer(format: .sarif, write: { report, _ in SARIFWriter.write(report) }),
]
