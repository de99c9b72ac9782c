import Foundation
import KensaCore

/// `var/lib/dpkg/info/*.list`: the files each dpkg package installed, one absolute path a
/// line. They only feed `ownedFiles` (language packages dpkg installed are not reported twice).
struct DpkgFileListAnalyzer: Analyzer {
    let name = "dpkg-files"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        path.hasPrefix("var/lib/dpkg/info/") && path.hasSuffix(".list")
            && !path.dropFirst("var/lib/dpkg/info/".count).contains("/")
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.database)
        let owned = file.text.lines.map { $0.trimmingBlanks() }
            .filter { $0.hasPrefix("/") && $0 != "/." }.map(String.init)
        return AnalyzerOutput(ownedFiles: owned)
    }
}
