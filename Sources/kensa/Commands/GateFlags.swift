import ArgumentParser
import Foundation
import KensaCore

/// Noise control and CI gating for `image`, `rootfs` and `fs` (Trivy's and Grype's flags):
/// which findings are suppressed (ignore file, OpenVEX), which the report keeps, and the exit
/// code when some remain. Exit code 2 stays reserved for a scan that could not complete.
struct GateFlags: ParsableArguments {
    @Option(name: .long, help: "Only report these severities (comma-separated: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL).")
    var severity: String?

    @Flag(name: .long, help: "Leave out vulnerabilities that have no fixed version.")
    var ignoreUnfixed = false

    @Option(name: .long, help: ArgumentHelp(
        "Exit with this code when unsuppressed findings remain (default 0, or 1 with --fail-on; 2 is reserved for failed scans).",
        valueName: "code"))
    var exitCode: Int32?

    @Option(name: .long, help: ArgumentHelp(
        "Ignore file (YAML entries: id, paths, purls, expires, reason).",
        discussion: "Default: .kensaignore in the scanned directory (fs, rootfs) or the current directory (image), when present.",
        valueName: "file"))
    var ignorefile: String?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "OpenVEX document: not_affected and fixed statements suppress the vulnerabilities they name (repeatable).",
        valueName: "file"))
    var vex: [String] = []

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "Fail only on findings matching one of these (repeatable or comma-separated): kev, epss>=X, or a severity (high: HIGH or worse).",
        valueName: "condition"))
    var failOn: [String] = []

    func validate() throws {
        if exitCode == 2 {
            throw ValidationError("--exit-code 2 is reserved for a scan that could not complete; pick another code")
        }
        _ = try failConditions()
        _ = try parseSeverities()
    }

    /// `--exit-code`, else 1 when `--fail-on` is given (a gate that cannot fail is a mistake), else 0.
    var effectiveExitCode: Int32 { exitCode ?? (failOn.isEmpty ? 0 : 1) }

    /// Reads the ignore file and VEX documents before the scan, so a bad one fails fast.
    /// `directory` is where `.kensaignore` is looked for when `--ignorefile` is not given.
    func suppressions(defaultDirectory directory: String) throws -> Suppressions {
        var ignore: IgnoreFile?
        if let ignorefile {
            ignore = try IgnoreFile.load(path: ignorefile)
        } else {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(".kensaignore").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                ignore = try IgnoreFile.load(path: candidate)
            }
        }
        return Suppressions(ignoreFile: ignore, vex: try vex.map { try OpenVEX.load(path: $0) })
    }

    /// Suppression first (suppressed findings stay in the report, marked with the reason), then
    /// `--severity` and `--ignore-unfixed`.
    func apply(_ report: Report, suppressions: Suppressions = Suppressions(), now: Date = Date()) throws -> Report {
        var report = report
        var findings = report.findings
        let image = report.artifact.image
        let digests = Set([image?.manifestDigest, image?.imageID].compactMap { $0 })
        let warnings = suppressions.apply(to: &findings, now: now, imageDigests: digests)
        report.findings = try filter(findings)
        if !warnings.isEmpty { report.warnings = (report.warnings + warnings).sorted() }
        return report
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

    /// Throws the gate's exit code after the report is written, when unsuppressed findings
    /// remain (with `--fail-on`: unsuppressed findings that match it).
    func gate(_ report: Report) throws {
        let code = effectiveExitCode
        guard code != 0 else { return }
        let conditions = try failConditions()
        let failing = report.findings.contains { finding in
            finding.suppression == nil && (conditions.isEmpty || conditions.contains { $0.matches(finding) })
        }
        if failing { throw ExitCode(code) }
    }

    func failConditions() throws -> [FailCondition] {
        try failOn.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { try FailCondition(parsing: $0) }
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

/// What the ignore file and the VEX documents say, applied in that order.
struct Suppressions {
    var ignoreFile: IgnoreFile?
    var vex: [OpenVEX] = []

    /// Marks suppressed findings; returns warnings (expired ignore entries). `imageDigests`
    /// identify a scanned image, which VEX statements may name as their product.
    func apply(to findings: inout [Finding], now: Date, imageDigests: Set<String>) -> [ScanWarning] {
        let warnings = ignoreFile?.apply(to: &findings, now: now) ?? []
        if !vex.isEmpty { OpenVEX.apply(vex, to: &findings, imageDigests: imageDigests) }
        return warnings
    }
}

/// One `--fail-on` condition (Grype's `--fail-on`, plus exploit data).
enum FailCondition: Equatable {
    /// Listed in CISA's Known Exploited Vulnerabilities catalog.
    case kev
    /// EPSS probability at or above (or above) the threshold.
    case epss(Double, inclusive: Bool)
    /// This severity or worse.
    case severity(Severity)

    init(parsing text: String) throws {
        let lower = text.lowercased().replacingOccurrences(of: " ", with: "")
        if lower == "kev" { self = .kev; return }
        if lower.hasPrefix("epss") {
            let rest = lower.dropFirst(4)
            let inclusive = rest.hasPrefix(">=")
            guard inclusive || rest.hasPrefix(">"), let value = Double(rest.dropFirst(inclusive ? 2 : 1)), (0...1).contains(value) else {
                throw KensaError(.usage, input: "--fail-on", reason: "'\(text)': write epss>=X or epss>X with X between 0 and 1")
            }
            self = .epss(value, inclusive: inclusive)
            return
        }
        if let severity = Severity(rawValue: lower.uppercased()) { self = .severity(severity); return }
        throw KensaError(.usage, input: "--fail-on", reason: "unknown condition '\(text)' (known: kev, epss>=X, epss>X, unknown, low, medium, high, critical)")
    }

    func matches(_ finding: Finding) -> Bool {
        switch self {
        case .kev: return finding.vulnerability?.knownExploited == true
        case .epss(let threshold, let inclusive):
            guard let epss = finding.vulnerability?.epss else { return false }
            return inclusive ? epss >= threshold : epss > threshold
        case .severity(let minimum): return finding.severity >= minimum
        }
    }
}
