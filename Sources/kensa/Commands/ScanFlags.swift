import ArgumentParser
import KensaCore
import KensaReport
import KensaScan
import KensaSecrets
import KensaVulnDB

/// Flags that choose what a scan judges, shared by `image`, `rootfs` and `fs`.
struct ScanFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Comma-separated scanners: \(ScannerKind.allCases.map(\.rawValue).joined(separator: ", ")).",
        discussion: "Default: vuln,secret; none for the SBOM formats (cyclonedx, spdx-json), which inventory only."))
    var scanners: String?

    @Option(name: .long, help: "Secret rules file (YAML; Trivy's layout: rules, allow-rules, enable-builtin-rules, disable-rules).")
    var secretConfig: String?

    @Option(name: .long, help: "Cache directory holding the vulnerability DB (default: $KENSA_CACHE_DIR, else the XDG cache dir).")
    var cacheDir: String?

    /// The scanners to run for `format`: what the user asked for, else the default.
    func selectedScanners(for format: ReportFormat) throws -> Set<ScannerKind> {
        guard let scanners else {
            return format == .cyclonedx || format == .spdxJSON ? [] : [.vuln, .secret]
        }
        var set = Set<ScannerKind>()
        for name in scanners.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let kind = ScannerKind(rawValue: name) else {
                throw KensaError(.usage, input: "--scanners", reason: "unknown scanner '\(name)' (known: \(ScannerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            set.insert(kind)
        }
        return set
    }

    func options(format: ReportFormat, progress: (@Sendable (ScanProgress) -> Void)?) throws -> ScanOptions {
        let config = try secretConfig.map { try SecretConfig.load(path: $0) }
        let dbPath = VulnDBLocation.databasePath(cacheDirectory: VulnDBLocation.cacheDirectory(cacheDir))
        return ScanOptions(scanners: try selectedScanners(for: format), secretScanner: SecretScanner(config: config),
                           vulnDBPath: dbPath, vulnRequested: scanners?.contains("vuln") ?? false,
                           progress: progress)
    }
}
