import Foundation
import KensaCore

/// The files dpkg packages installed: `var/lib/dpkg/info/*.list` (one absolute path a line)
/// and, in distroless images, which have no `.list` files, `var/lib/dpkg/status.d/*.md5sums`
/// (`<md5>  <path relative to />` a line). They only feed `ownedFiles`: language packages
/// dpkg installed are not reported twice.
struct DpkgFileListAnalyzer: Analyzer {
    let name = "dpkg-files"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        let parent = PathText.parent(path)
        return (parent == "var/lib/dpkg/info" && path.hasSuffix(".list"))
            || (parent == "var/lib/dpkg/status.d" && path.hasSuffix(".md5sums"))
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.database)
        let owned: [String]
        if file.path.hasSuffix(".md5sums") {
            owned = file.text.lines.compactMap { line -> String? in
                // 32 hex digits, two spaces, the path.
                let bytes = line.utf8
                guard bytes.count > 34, let space = bytes.firstIndex(of: 0x20) else { return nil }
                let path = line[space...].trimmingBlanks()
                return path.isEmpty ? nil : "/" + path
            }
        } else {
            owned = file.text.lines.map { $0.trimmingBlanks() }
                .filter { $0.hasPrefix("/") && $0 != "/." }.map(String.init)
        }
        return AnalyzerOutput(ownedFiles: owned)
    }
}
