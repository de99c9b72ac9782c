import Foundation
import KensaCore

/// The report for people: what was scanned, the packages grouped by ecosystem (when asked
/// for), then the findings per target as Trivy shows them (`TableTarget`: a header, a
/// `Total: N (UNKNOWN: a, …)` line and a row per finding with its evidence), the counts, how
/// many findings were suppressed (they are only in JSON and SARIF) and the warnings. Plain text
/// unless colour is asked for.
///
/// Every value from the scanned artifact goes through `TextCell.printable`, so a package name
/// carrying terminal escape sequences or bidirectional overrides cannot rewrite the terminal.
enum TableWriter {
    static func write(_ report: Report, options: WriterOptions) -> Data {
        var out = TextOutput(color: options.color)
        header(report, into: &out)

        let packages = Ordering.packages(report.packages)
        let groups = Dictionary(grouping: packages, by: \.ecosystem)
        if options.listPackages {
            for ecosystem in groups.keys.sorted() {
                guard let members = groups[ecosystem] else { continue }
                out.line()
                table(ecosystem, members, into: &out)
            }
        }

        // Suppressed findings leave the table; JSON keeps them with the reason.
        let findings = Ordering.findings(report.findings)
        let active = findings.filter { $0.suppression == nil }
        let lookup = PackageLookup(packages)
        for target in TableTarget.group(active, report: report, packages: lookup) {
            out.line()
            findingsTable(target, packages: lookup, into: &out)
        }

        out.line()
        let counts = groups.keys.sorted().map { "\(groups[$0]?.count ?? 0) \($0.rawValue)" }
        let total = "\(packages.count) package" + (packages.count == 1 ? "" : "s")
        out.line(out.bold("Summary: ") + (counts.isEmpty ? total : total + " (" + counts.joined(separator: ", ") + ")"))
        if !findings.isEmpty {
            let bySeverity = Dictionary(grouping: active, by: \.severity)
            let parts = Severity.allCases.reversed().compactMap { severity in
                bySeverity[severity].map { "\($0.count) \(severity.rawValue.lowercased())" }
            }
            var line = "\(active.count)"
            if !parts.isEmpty { line += " (" + parts.joined(separator: ", ") + ")" }
            out.line(out.bold("Findings: ") + line)
        }
        let suppressed = findings.count - active.count
        if suppressed > 0 {
            out.line("\(suppressed) finding" + (suppressed == 1 ? "" : "s") + " suppressed (see JSON)")
        }

        let warnings = Ordering.warnings(report.warnings)
        if !warnings.isEmpty {
            out.line()
            out.line(out.yellow("Warnings (\(warnings.count)):"))
            for warning in warnings {
                var text = "  " + TextCell.printable(warning.path) + ": " + TextCell.printable(warning.reason)
                if let layer = warning.layer { text += " (layer " + TextCell.printable(shortDigest(layer)) + ")" }
                out.line(text)
            }
        }
        return Data(out.text.utf8)
    }

    private static func header(_ report: Report, into out: inout TextOutput) {
        var rows: [(String, String)] = []
        let kind: String
        switch report.artifact.kind {
        case .containerImage: kind = "container image"
        case .rootfs: kind = "root filesystem"
        case .filesystem: kind = "filesystem"
        }
        rows.append(("Artifact", report.artifact.name + " (" + kind + ")"))
        if let image = report.artifact.image {
            rows.append(("Image ID", image.imageID))
            if let digest = image.manifestDigest { rows.append(("Digest", digest)) }
            if !image.repoTags.isEmpty { rows.append(("Tags", image.repoTags.sorted().joined(separator: ", "))) }
            if let os = image.os, let architecture = image.architecture {
                rows.append(("Platform", "\(os)/\(architecture)" + (image.variant.map { "/\($0)" } ?? "")))
            }
            if !image.layers.isEmpty { rows.append(("Layers", String(image.layers.count))) }
        }
        if let os = report.os {
            rows.append(("OS", "\(os.family) \(os.version)" + (os.prettyName.map { " (\($0))" } ?? "")))
        } else if report.artifact.kind != .filesystem {
            // A project tree has no OS to find; for an image or root filesystem its absence is news.
            rows.append(("OS", "not detected"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        for (label, value) in rows {
            out.line(out.bold(label + ":") + String(repeating: " ", count: width - label.count + 2)
                     + TextCell.printable(value))
        }
    }

    private static func table(_ ecosystem: Ecosystem, _ packages: [Package], into out: inout TextOutput) {
        let paths = Set(packages.map(\.location.path))
        let sources = packages.map(sourceText)
        let layers = packages.map { ($0.location.layerDigest ?? $0.location.diffID).map(shortDigest) ?? "" }
        var title = "\(ecosystem.rawValue) (\(packages.count))"
        if paths.count == 1, let path = paths.first { title += " — " + TextCell.printable(path) }
        out.line(out.bold(title))

        var columns: [(String, [String])] = [
            ("NAME", packages.map { TextCell.printable($0.name) }),
            ("VERSION", packages.map { TextCell.printable($0.version) }),
        ]
        if sources.contains(where: { !$0.isEmpty }) { columns.append(("SOURCE", sources.map(TextCell.printable))) }
        if packages.contains(where: \.isDev) { columns.append(("DEV", packages.map { $0.isDev ? "yes" : "" })) }
        if paths.count > 1 { columns.append(("PATH", packages.map { TextCell.printable($0.location.path) })) }
        if layers.contains(where: { !$0.isEmpty }) { columns.append(("LAYER", layers.map(TextCell.printable))) }

        aligned(columns, rows: packages.count, into: &out)
    }

    /// One target: its header, the severity summary, then a row per finding with everything
    /// that says where it is (file, line, layer, object, field) that the header does not.
    private static func findingsTable(_ target: TableTarget, packages: PackageLookup, into out: inout TextOutput) {
        let findings = target.findings
        out.line(out.bold(TextCell.printable(target.title)))
        out.line(String(repeating: "=", count: TextCell.printable(target.title).count))
        out.line(TableTarget.severitySummary(findings))
        out.line()

        let paths = findings.map { TextCell.printable($0.location.path) }
        let layers = findings.map { $0.location.layerDigest.map { TextCell.printable(shortDigest($0)) } ?? "" }
        var columns: [(String, [String])]
        switch target.kind {
        case .osPackages, .languagePackages:
            let vulnerabilities = findings.map(\.vulnerability)
            columns = [
                ("LIBRARY", findings.map { TextCell.printable(TableTarget.library($0, packages: packages)) }),
                ("VULNERABILITY", findings.map { TextCell.printable($0.id) }),
                ("SEVERITY", findings.map(\.severity.rawValue)),
                ("STATUS", vulnerabilities.map { $0?.status.rawValue ?? "" }),
                ("INSTALLED", vulnerabilities.map { TextCell.printable($0?.installedVersion ?? "") }),
                ("FIXED", vulnerabilities.map { TextCell.printable($0?.fixedVersions.joined(separator: ", ") ?? "") }),
            ]
            if vulnerabilities.contains(where: { $0?.epss != nil }) {
                columns.append(("EPSS", vulnerabilities.map { $0?.epss.map(percent) ?? "" }))
            }
            if vulnerabilities.contains(where: { $0?.knownExploited == true }) {
                columns.append(("KEV", vulnerabilities.map { $0?.knownExploited == true ? "yes" : "" }))
            }
        case .misconfigurations:
            columns = [
                ("SEVERITY", findings.map(\.severity.rawValue)),
                ("ID", findings.map { TextCell.printable($0.id) }),
                ("LINE", findings.map(lineText)),
            ]
            if findings.contains(where: { $0.location.object != nil }) {
                columns.append(("OBJECT", findings.map { TextCell.printable($0.location.object ?? "") }))
            }
            if findings.contains(where: { $0.location.fieldPath != nil }) {
                columns.append(("FIELD", findings.map { TextCell.printable($0.location.fieldPath ?? "") }))
            }
        case .secrets:
            columns = [
                ("SEVERITY", findings.map(\.severity.rawValue)),
                ("RULE", findings.map { TextCell.printable($0.id) }),
                ("LINE", findings.map(lineText)),
                ("MATCH", findings.map { TextCell.printable($0.match ?? "") }),
            ]
        }
        if Set(paths).count > 1 { columns.append(("PATH", paths)) }
        if layers.contains(where: { !$0.isEmpty }) { columns.append(("LAYER", layers)) }
        columns.append(("TITLE", findings.map { TextCell.printable($0.title) }))

        let style = TextOutput(color: out.color)
        aligned(columns, rows: findings.count, into: &out) { index, text in
            findings[index].severity >= .high ? style.red(text) : text
        }
    }

    /// `12` or `21-22`; empty when the finding has no line.
    static func lineText(_ finding: Finding) -> String {
        guard let start = finding.location.startLine else { return "" }
        guard let end = finding.location.endLine, end > start else { return String(start) }
        return "\(start)-\(end)"
    }

    /// An EPSS probability as a percentage with two decimals (most are well under 1%):
    /// `0.97531` → `97.53%`, `0.00043` → `0.04%`.
    static func percent(_ probability: Double) -> String {
        guard probability.isFinite else { return "" }
        let hundredths = Int((min(max(probability, 0), 1) * 10_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)%"
    }

    /// Columns padded to their widest cell, two spaces apart, a rule under the header.
    private static func aligned(_ columns: [(header: String, cells: [String])], rows: Int, into out: inout TextOutput,
                                style: (Int, String) -> String = { $1 }) {
        let widths = columns.map { column in max(column.header.count, column.cells.map(\.count).max() ?? 0) }
        func row(_ cells: [String]) -> String {
            var line = ""
            for (index, (cell, width)) in zip(cells, widths).enumerated() {
                if index > 0 { line += "  " }
                line += cell
                // The last column needs no padding.
                if index < cells.count - 1 { line += String(repeating: " ", count: max(0, width - cell.count)) }
            }
            return line.trailingSpacesRemoved
        }
        out.line(out.bold(row(columns.map(\.header))))
        out.line(row(widths.map { String(repeating: "-", count: $0) }))
        for index in 0..<rows {
            out.line(style(index, row(columns.map { $0.cells[index] })))
        }
    }

    /// The source package, when it differs from the binary package (dpkg `Source:`, apk origin).
    static func sourceText(_ package: Package) -> String {
        let name = package.sourceName ?? package.name
        let version = package.sourceVersion ?? package.version
        switch (name != package.name, version != package.version) {
        case (false, false): return ""
        case (true, false): return name
        default: return name + " " + version
        }
    }

    /// `sha256:0123456789ab…` is enough to tell layers apart on screen.
    static func shortDigest(_ digest: String) -> String {
        guard let colon = digest.firstIndex(of: ":") else { return String(digest.prefix(12)) }
        let hex = digest[digest.index(after: colon)...]
        return String(digest[...colon]) + String(hex.prefix(12))
    }
}

/// Accumulates lines; styles are no-ops unless colour was asked for.
struct TextOutput {
    var color: Bool
    var text = ""

    mutating func line(_ content: String = "") {
        text += content
        text += "\n"
    }

    func bold(_ text: String) -> String { color ? "\u{1B}[1m" + text + "\u{1B}[0m" : text }
    func yellow(_ text: String) -> String { color ? "\u{1B}[33m" + text + "\u{1B}[0m" : text }
    func red(_ text: String) -> String { color ? "\u{1B}[31m" + text + "\u{1B}[0m" : text }
}

enum TextCell {
    /// Control characters (C0, DEL, C1) and bidirectional controls shown as `\u{…}` escapes:
    /// text from a scanned image must not drive the terminal.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // LRM/RLM, embeddings, isolates
        default: return false
        }
    }
}

extension String {
    var trailingSpacesRemoved: String {
        guard let last = utf8.lastIndex(where: { $0 != UInt8(ascii: " ") }) else { return "" }
        return String(self[...last])
    }
}
