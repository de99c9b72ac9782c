import Foundation
import KensaCore

/// `etc/alpine-release`: one line, the full Alpine version (`3.19.1`).
struct AlpineReleaseAnalyzer: Analyzer {
    let name = "alpine-release"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool { path == "etc/alpine-release" }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let line = try ReleaseFile.firstLine(file)
        return AnalyzerOutput(os: OperatingSystem(family: "alpine", version: line, source: file.path))
    }
}

enum ReleaseFile {
    /// The first non-empty line, trimmed; a typed error when there is none or it is not text.
    static func firstLine(_ file: AnalyzerInput) throws -> String {
        try file.requireSize(atMost: InstalledLimits.releaseFile)
        guard let text = String(data: file.content, encoding: .utf8) else {
            throw KensaError(.malformed, input: file.path, reason: "release file is not UTF-8 text")
        }
        guard let line = text.split(whereSeparator: \.isNewline)
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }),
            line.count <= 256 else {
            throw KensaError(.malformed, input: file.path, reason: "release file has no usable first line")
        }
        return line
    }
}
