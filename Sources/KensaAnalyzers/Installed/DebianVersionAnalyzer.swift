import Foundation
import KensaCore

/// `etc/debian_version`: the point release (`12.7`), or `trixie/sid` on testing. Ubuntu
/// ships one too (`bookworm/sid`); os-release wins over it there (`resolveOperatingSystem`).
struct DebianVersionAnalyzer: Analyzer {
    let name = "debian-version"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool { path == "etc/debian_version" }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let line = try ReleaseFile.firstLine(file)
        return AnalyzerOutput(os: OperatingSystem(family: "debian", version: line, source: file.path))
    }
}
