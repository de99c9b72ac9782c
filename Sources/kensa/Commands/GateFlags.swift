import ArgumentParser
import KensaCore

/// Noise control and CI gating for `image`, `rootfs` and `fs` (Trivy's flags): which findings
/// the report keeps, and the exit code when some remain. Exit code 2 stays reserved for a scan
/// that could not complete.
struct GateFlags: ParsableArguments {
    @Option(name: .long, help: "Only report these severities (comma-separated: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL).")
    var severity: String?

    @Flag(name: .long, help: "Leave out vulnerabilities that have no fixed version.")
    var ignoreUnfixed = false

    @Option(name: .long, help: "Exit with this code when unsuppressed findings remain (default 0; 2 is reserved for failed scans).")
    var exitCode: Int32 = 0

    func validate() throws {
        if exitCode == 2 {
            throw ValidationError("--exit-code 2 is reserved for a scan that could not complete; pick another code")
        }
    }

    /// The findings the user asked to see.
    func filter(_ findings: [Finding]) throws -> [Finding] {
        let severities = try parseSeverities()
        return findings.filter { finding in
            if let severities, !severities.contains(finding.severity) { return false }
            if ignoreUnfixed, let vulnerability = finding.vulnerability, vulnerability.status == .affected { return false }
            return true
        }
    }

    /// Throws the gate's exit code after the report is written, when unsuppressed findings remain.
    func gate(_ report: Report) throws {
        if exitCode != 0, report.findings.contains(where: { $0.suppression == nil }) {
            throw ExitCode(exitCode)
        }
    }

    private func parseSeverities() throws -> Set<Severity>? {
        guard let severity else { return nil }
        var out: Set<Severity> = []
        for name in severity.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !name.isEmpty {
            guard let value = Severity(rawValue: name) else {
                throw KensaError(.usage, input: "--severity", reason: "unknown severity '\(name)' (known: UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)")
            }
            out.insert(value)
        }
        return out
    }
}

extension GateFlags {
    /// The report with only the findings the user asked to see.
    func apply(_ report: Report) throws -> Report {
        var report = report
        report.findings = try filter(report.findings)
        return report
    }
}
