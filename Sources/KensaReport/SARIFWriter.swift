import Foundation
import KensaCore

/// SARIF 2.1.0 (OASIS), the format code-scanning tools read. One run; one rule per finding ID
/// (sorted); results in report order. Levels as code scanning expects: CRITICAL and HIGH →
/// `error`, MEDIUM → `warning`, LOW and UNKNOWN → `note`. Suppressed findings stay in the log
/// with a `suppressions` entry saying why, as SARIF intends.
enum SARIFWriter {
    static func write(_ report: Report) -> Data {
        let findings = Ordering.findings(report.findings)
        var rules: [String: Finding] = [:]
        for finding in findings where rules[finding.id] == nil { rules[finding.id] = finding }
        let ruleIDs = rules.keys.sorted()
        let ruleIndex = Dictionary(uniqueKeysWithValues: ruleIDs.enumerated().map { ($1, $0) })

        let driver: JSON = .object([
            "name": .string(report.tool.name),
            "version": .string(report.tool.version),
            "semanticVersion": .string(report.tool.version),
            "rules": .array(ruleIDs.compactMap { rules[$0].map(rule) }),
        ])
        let results: [JSON] = findings.map { finding in
            var fields: [String: JSON?] = [
                "ruleId": .string(finding.id),
                "ruleIndex": .int(Int64(ruleIndex[finding.id] ?? 0)),
                "level": .string(level(finding.severity)),
                "message": .object(["text": .string(finding.message)]),
                "locations": .array([location(finding, artifact: report.artifact)]),
                "properties": resultProperties(finding),
            ]
            if let suppression = finding.suppression {
                fields["suppressions"] = .array([.object([
                    "kind": .string(suppression.source == "inline" ? "inSource" : "external"),
                    "justification": .string(suppression.reason),
                ])])
            }
            return .object(dropping: fields)
        }
        let log: JSON = .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([.object([
                "tool": .object(["driver": driver]),
                "results": .array(results),
                "columnKind": .string("utf16CodeUnits"),
                "originalUriBaseIds": .object([
                    "ROOTPATH": .object(["uri": .string(rootURI(report.artifact))]),
                ]),
            ])]),
        ])
        return Data(log.bytes)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low, .unknown: return "note"
        }
    }

    /// GitHub code scanning ranks by `security-severity` (a CVSS-like 0–10 score as text): the
    /// highest CVSS base score of a vulnerability when there is one, else a score inside the
    /// severity's CVSS band.
    static func securitySeverity(_ finding: Finding) -> String {
        if let score = finding.vulnerability?.cvss.compactMap(\.score).filter({ $0.isFinite && $0 >= 0 && $0 <= 10 }).max() {
            let tenths = Int((score * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        switch finding.severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "2.0"
        case .unknown: return "0.0"
        }
    }

    private static func rule(_ finding: Finding) -> JSON {
        let help = helpText(finding)
        return .object(dropping: [
            "id": .string(finding.id),
            "name": .string(ruleName(finding.id)),
            "shortDescription": .object(["text": .string(finding.title)]),
            "fullDescription": .object(["text": .string(finding.title)]),
            "defaultConfiguration": .object(["level": .string(level(finding.severity))]),
            "help": .object(["text": .string(help.text), "markdown": .string(help.markdown)]),
            "helpUri": helpURI(finding).map(JSON.string),
            "properties": .object(dropping: [
                "tags": .strings(["security", finding.kind.rawValue] + (finding.category.map { [$0] } ?? [])),
                "security-severity": .string(securitySeverity(finding)),
                "precision": .string("very-high"),
            ]),
        ])
    }

    /// Vulnerabilities: the OSV page of the ID (osv.dev serves record IDs and the CVEs they
    /// alias). Checks and secret rules have no page of their own, so no URI rather than a guess.
    static func helpURI(_ finding: Finding) -> String? {
        guard finding.kind == .vulnerability else { return nil }
        return CycloneDXVulnerabilities.url("https://osv.dev/vulnerability/", finding.id)
    }

    /// What the rule is, in plain text and in Markdown: the title, severity, and for a
    /// vulnerability its package, versions and references.
    static func helpText(_ finding: Finding) -> (text: String, markdown: String) {
        var lines: [(String, String)] = [("Severity", finding.severity.rawValue)]
        if let category = finding.category { lines.append(("Category", category)) }
        if let v = finding.vulnerability {
            lines.append(("Package", v.packageName))
            lines.append(("Installed version", v.installedVersion))
            lines.append(("Fixed version", v.fixedVersions.isEmpty ? "none known" : v.fixedVersions.joined(separator: ", ")))
            if !v.aliases.isEmpty { lines.append(("Aliases", v.aliases.joined(separator: ", "))) }
        }
        let references = finding.vulnerability?.references ?? []
        var text = finding.title + "\n" + lines.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        var markdown = "**" + markdownEscaped(finding.title) + "**\n\n"
            + "| | |\n| --- | --- |\n" + lines.map { "| \($0.0) | \(markdownEscaped($0.1)) |" }.joined(separator: "\n")
        if !references.isEmpty {
            text += "\nReferences:\n" + references.map { "- " + $0 }.joined(separator: "\n")
            markdown += "\n\n#### References\n" + references.map { reference in
                // An autolink shows the URL as it is; one that could end it early is escaped text.
                reference.contains(where: { " <>\n\r\t".contains($0) }) ? "- " + markdownEscaped(reference) : "- <" + reference + ">"
            }.joined(separator: "\n")
        }
        return (text, markdown)
    }

    /// Text from advisories cannot start Markdown or HTML of its own.
    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_{}[]()<>#+!|".contains(character) { out.append("\\") }
            out.append(character == "\n" || character == "\r" ? " " : character)
        }
        return out
    }

    /// Facts a code-scanning reader can filter on: severity and kind, the redacted secret, the
    /// image layer, and for vulnerabilities the package and versions.
    static func resultProperties(_ finding: Finding) -> JSON {
        var fields: [String: JSON?] = [
            "severity": .string(finding.severity.rawValue),
            "kind": .string(finding.kind.rawValue),
            "match": finding.match.map(JSON.string),
            "layerDigest": finding.location.layerDigest.map(JSON.string),
            "createdBy": finding.location.createdBy.map(JSON.string),
        ]
        if let v = finding.vulnerability {
            fields["purl"] = .string(v.purl.description)
            fields["packageName"] = .string(v.packageName)
            fields["installedVersion"] = .string(v.installedVersion)
            fields["fixedVersions"] = .strings(v.fixedVersions)
            fields["status"] = .string(v.status.rawValue)
            fields["epss"] = v.epss.flatMap(JSONWriter.finite)
            fields["knownExploited"] = v.knownExploited ? .bool(true) : nil
        }
        return .object(dropping: fields)
    }

    /// SARIF rule names are identifiers: `KNS-PSS-007` → `KNSPSS007`, `github-pat` → `GithubPat`.
    private static func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    private static func location(_ finding: Finding, artifact: Report.Artifact) -> JSON {
        let where_ = finding.location
        var region: [String: JSON?] = [:]
        if let start = where_.startLine, start > 0 {
            region["startLine"] = .int(Int64(start))
            region["endLine"] = .int(Int64(max(start, where_.endLine ?? start)))
        }
        var physical: [String: JSON?] = [
            "artifactLocation": .object([
                "uri": .string(uriPath(where_.path)),
                "uriBaseId": .string("ROOTPATH"),
            ]),
        ]
        if !region.isEmpty { physical["region"] = .object(dropping: region) }
        var fields: [String: JSON?] = ["physicalLocation": .object(dropping: physical)]
        // The Kubernetes object as a resource, the offending field as a property of it.
        var logical: [JSON] = []
        if let object = where_.object {
            logical.append(.object(["name": .string(object), "fullyQualifiedName": .string(object), "kind": .string("resource")]))
        }
        if let field = where_.fieldPath {
            let qualified = where_.object.map { "\($0)/\(field)" } ?? field
            logical.append(.object(["name": .string(field), "fullyQualifiedName": .string(qualified), "kind": .string("property")]))
        }
        if !logical.isEmpty { fields["logicalLocations"] = .array(logical) }
        return .object(dropping: fields)
    }

    /// A relative URI reference: each path segment percent-encoded where RFC 3986 requires.
    private static func uriPath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ";?#")
        return path.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    private static func rootURI(_ artifact: Report.Artifact) -> String {
        guard artifact.kind != .containerImage, artifact.name.hasPrefix("/") else { return "file:///" }
        let name = artifact.name.hasSuffix("/") ? artifact.name : artifact.name + "/"
        return "file://" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)
    }
}
