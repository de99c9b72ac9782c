import ArgumentParser
import Foundation
import KensaChecks
import KensaCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Find misconfigurations in Kubernetes manifests and Dockerfiles.",
        discussion: """
        PATH is a file, a directory (every *.yaml, *.yml, *.json and Dockerfile under it) or - for \
        standard input (rendered Helm or Kustomize output, or a Dockerfile). Checks: Pod Security \
        Standards, workload hygiene, RBAC, NetworkPolicy coverage, Dockerfile. Suppress with a \
        .kensaignore file, the kensa.dev/ignore annotation or a '# kensa:ignore=ID reason' comment.

        Examples:
          kensa config k8s/
          helm template ./chart | kensa config -
          kensa config --compliance pss-restricted deploy/
          kensa config --exit-code 1 --severity HIGH,CRITICAL .
        """
    )

    @Argument(help: "File, directory or - (standard input).")
    var path: String

    @OptionGroup var report: ReportOptions

    @Option(name: .long, help: "Custom CEL policies: a directory (or file) of YAML policy files.")
    var policy: String?

    @Option(name: .long, help: "ValidatingAdmissionPolicy and binding manifests to evaluate offline against PATH.")
    var admissionPolicies: String?

    @Option(name: .long, help: "Ignore file (default: PATH/.kensaignore when PATH is a directory).")
    var ignorefile: String?

    @Option(name: .long, help: "Only report these severities (comma-separated: LOW,MEDIUM,HIGH,CRITICAL,UNKNOWN).")
    var severity: String?

    @Option(name: .long, help: "Exit with this code when unsuppressed findings remain (default 0).")
    var exitCode: Int32 = 0

    @Option(name: .long, help: "Per-control pass/fail result instead of findings: pss-baseline or pss-restricted (a table, or with --format json a JSON document).")
    var compliance: String?

    func run() throws {
        var options = ConfigScanOptions()
        if let policy { options.policies = try loadPolicies(policy) }
        if let admissionPolicies { options.admissionObjects = try loadManifests(admissionPolicies) }
        if let ignorefile {
            options.ignoreFile = try IgnoreFile.parse(try readText(ignorefile), path: ignorefile)
        }
        let profile = try compliance.map { name in
            guard let p = ComplianceProfile(rawValue: name) else {
                throw KensaError(.usage, input: "--compliance", reason: "unknown profile '\(name)' (known: pss-baseline, pss-restricted)")
            }
            return p
        }
        if let profile { options.checks = profile.checks() }
        let severities = try parseSeverities()

        let result: ConfigScanResult
        if path == "-" {
            result = try ConfigScan.scan(stdin: FileHandle.standardInput.readDataToEndOfFile(), options: options)
        } else {
            result = try ConfigScan.scan(path: path, options: options)
        }
        var findings = result.findings  // sorted by the scan
        if let severities { findings = findings.filter { severities.contains($0.severity) } }

        if let profile, report.format == .table {
            try writeText(complianceTable(profile, findings: findings, objects: result.objects.count))
        } else if let profile, report.format == .json {
            try writeText(try complianceJSON(profile, findings: findings, objects: result.objects.count))
        } else {
            let name = path == "-" ? "-" : path
            let report = Report(artifact: Report.Artifact(name: name, kind: .filesystem), os: nil, packages: [],
                                warnings: result.warnings, createdAt: reportDate(), findings: findings)
            try self.report.write(report)
        }
        if exitCode != 0, findings.contains(where: { $0.suppression == nil }) {
            throw ExitCode(exitCode)
        }
    }

    func parseSeverities() throws -> Set<Severity>? {
        guard let severity else { return nil }
        var out: Set<Severity> = []
        for s in severity.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) where !s.isEmpty {
            guard let v = Severity(rawValue: s) else {
                throw KensaError(.usage, input: "--severity", reason: "unknown severity '\(s)'")
            }
            out.insert(v)
        }
        return out
    }

    func reportDate() -> Date {
        if let s = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let t = TimeInterval(s) { return Date(timeIntervalSince1970: t) }
        return Date()
    }

    func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KensaError(.unreadable, input: path, reason: "cannot read")
        }
        guard let s = String(data: data, encoding: .utf8) else { throw KensaError(.malformed, input: path, reason: "not UTF-8 text") }
        return s
    }

    /// The YAML files of a directory (sorted), or the file itself.
    func yamlFiles(_ path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw KensaError(.unreadable, input: path, reason: "no such file or directory")
        }
        guard isDir.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter(ConfigScan.isManifestName).sorted().map { (path as NSString).appendingPathComponent($0) }
    }

    func loadPolicies(_ path: String) throws -> [CustomPolicy] {
        var out: [CustomPolicy] = []
        for file in try yamlFiles(path) { out += try CustomPolicyLoader.load(try readText(file), path: file) }
        return out
    }

    func loadManifests(_ path: String) throws -> [ManifestObject] {
        var out: [ManifestObject] = []
        for file in try yamlFiles(path) { out += try ManifestLoader.load(try readText(file), path: file) }
        return out
    }

    func complianceTable(_ profile: ComplianceProfile, findings: [Finding], objects: Int) -> String {
        let rows = profile.rows(findings)
        var lines = ["\(profile.rawValue): \(rows.filter(\.passed).count)/\(rows.count) controls pass (\(objects) objects)", ""]
        let width = max(7, rows.map(\.control.count).max() ?? 0)
        lines.append("ID            LEVEL       " + "CONTROL".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATUS  FAILING OBJECTS")
        for r in rows {
            let failing = r.failingObjects.isEmpty ? "" : "\(r.failingObjects.count): " + r.failingObjects.prefix(5).joined(separator: ", ")
                + (r.failingObjects.count > 5 ? ", …" : "")
            lines.append(r.id.padding(toLength: 14, withPad: " ", startingAt: 0) + r.level.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + r.control.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (r.passed ? "PASS  " : "FAIL  ") + "  " + failing)
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
    }

    /// `{profile, controls: [{id, level, control, status, failingObjects}], summary}`, keys sorted.
    func complianceJSON(_ profile: ComplianceProfile, findings: [Finding], objects: Int) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(ComplianceReport(profile: profile, findings: findings, objects: objects))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func writeText(_ text: String) throws {
        let data = Data(text.utf8)
        guard let output = report.output, output != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        try ReportOptions.writeFile(data, to: output)
    }
}
