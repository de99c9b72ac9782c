import ArgumentParser
import Foundation
import KensaCore
import KensaScan

/// The one path every scanning command takes (`image`, `rootfs`, `fs`, `sbom`): read the
/// suppressions, scan, keep the findings the user asked to see, write the report, then gate
/// the exit code on what is left. Suppression, `--severity`, `--ignore-unfixed` and `--fail-on`
/// all live in `GateFlags`. `adjust` sets what only one command knows (`image REF`: the layer
/// cache; `sbom`: no secret or misconfiguration scanners, there are no files).
func runScan(_ target: ScanTarget, report: ReportOptions, flags: ScanFlags, gate: GateFlags,
             adjust: (inout ScanOptions) throws -> Void = { _ in }) throws {
    let suppressions = try gate.suppressions(defaultDirectory: target.ignoreFileDirectory)
    var options = try flags.options(format: report.format, progress: report.progress())
    try adjust(&options)
    let result = try scan(target, options: options)
    ProgressLine.shared.clear()
    let shown = try gate.apply(result, suppressions: suppressions)
    try report.write(shown, inventoryOnly: try flags.selectedScanners(for: report.format).isEmpty)
    try gate.gate(shown)
}

extension ScanTarget {
    /// Where `.kensaignore` is looked for without `--ignorefile`: the scanned tree for `fs` and
    /// `rootfs`, the current directory for everything else (an image or SBOM is not a directory).
    var ignoreFileDirectory: String {
        if case .filesystem(let path) = self { return path }
        if case .rootfs(let path) = self { return path }
        return FileManager.default.currentDirectoryPath
    }
}
