import ArgumentParser
import KensaCore
import KensaScan

struct SBOMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbom",
        abstract: "Scan an existing CycloneDX or SPDX JSON SBOM for known vulnerabilities.",
        discussion: """
        Reads the packages and the operating system that FILE lists (CycloneDX JSON 1.2-1.7, \
        SPDX JSON 2.2/2.3, as kensa, Trivy and Syft write them) and matches them against the \
        vulnerability DB as `kensa rootfs` would. Packages are identified by their purl; distro \
        packages are matched on their source package (Trivy's SrcName/SrcVersion properties, \
        Syft's `upstream` qualifier and metadata). The OS is the operating-system component \
        (SPDX: the OPERATING-SYSTEM package), else the purls' `distro` qualifier. Elements \
        without a purl are skipped with a warning. Only the vuln scanner applies (an SBOM has \
        no file contents to search for secrets or misconfigurations).

        Examples:
          kensa sbom app.cdx.json
          kensa sbom app.spdx.json --severity HIGH,CRITICAL --exit-code 1
          kensa sbom app.cdx.json -f sarif -o app.sarif
          kensa sbom app.spdx.json -f cyclonedx -o app.cdx.json
          trivy image -f cyclonedx app:1.0 | kensa sbom -
          syft scan dir:. -o spdx-json | kensa sbom -
        """
    )

    @Argument(help: "The SBOM file (CycloneDX or SPDX, JSON); - reads standard input.")
    var file: String

    @OptionGroup var report: ReportOptions
    @OptionGroup var flags: ScanFlags
    @OptionGroup var gate: GateFlags

    func run() throws {
        let selected = try flags.selectedScanners(for: report.format)
        let fileScanners = selected.intersection([.secret, .misconfig])
        if flags.scanners != nil, !fileScanners.isEmpty {
            throw KensaError(.usage, input: "--scanners",
                             reason: "\(fileScanners.map(\.rawValue).sorted().joined(separator: ", ")): an SBOM has no file contents; kensa sbom runs vuln only")
        }
        try runScan(.sbom(path: file), report: report, flags: flags, gate: gate) { options in
            options.scanners.subtract([.secret, .misconfig])
        }
    }
}
