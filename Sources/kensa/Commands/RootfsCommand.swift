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
        try runScan(.rootfs(path: dir), report: report, flags: flags, gate: gate)
    }
}
