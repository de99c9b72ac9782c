import ArgumentParser
import KensaCore
import KensaScan

/// The one path every scanning command takes (`image`, `rootfs`, `fs`, `sbom`): scan, keep the
/// findings the user asked to see, write the report, then gate the exit code on what is left.
/// Suppression, `--severity`, `--ignore-unfixed` and `--fail-on` all live in `GateFlags`.
func runScan(_ target: ScanTarget, report: ReportOptions, flags: ScanFlags, gate: GateFlags) throws {
    let result = try scan(target, options: try flags.options(format: report.format, progress: report.progress()))
    ProgressLine.shared.clear()
    let shown = try gate.apply(result)
    try report.write(shown, inventoryOnly: try flags.selectedScanners(for: report.format).isEmpty)
    try gate.gate(shown)
}
