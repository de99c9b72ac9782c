import ArgumentParser
import KensaScan

struct RootfsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rootfs",
        abstract: "Inventory a root filesystem: OS, OS packages and installed language packages.",
        discussion: """
        Reads package databases (dpkg, apk, rpm) and installed language packages (Python, \
        Node, Go binaries, Java archives, Ruby, PHP, .NET) under DIR without following \
        symlinks; /proc, /sys and /dev are skipped.

        Examples:
          kensa rootfs /
          kensa rootfs ./rootfs --format cyclonedx -o sbom.cdx.json
        """
    )

    @Argument(help: "The root directory to scan.")
    var dir: String

    @OptionGroup var report: ReportOptions
    @OptionGroup var flags: ScanFlags
    @OptionGroup var gate: GateFlags

    func run() throws {
        let result = try scan(.rootfs(path: dir), options: try flags.options(format: report.format, progress: report.progress()))
        ProgressLine.shared.clear()
        try report.write(gate.apply(result), inventoryOnly: try flags.selectedScanners(for: report.format).isEmpty)
        try gate.gate(try gate.filter(result.findings))
    }
}
