import Foundation
import KensaCore

/// SARIF 2.1.0 (OASIS), the format code-scanning tools read. One run; one rule per finding ID
/// (sorted); results in report order. Levels as code scanning expects: CRITICAL and HIGH →
/// `error`, MEDIUM → `warning`, LOW and UNKNOWN → `note`. Suppressed findings stay in the log
/// with a `suppressions` entry saying why, as SARIF intends.
enum SARIFWriter {
    static func write(_ report: Report) -> Data {
        let findings = report.findings.sorted()
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
                "properties": .object(dropping: [
                    "severity": .string(finding.severity.rawValue),
                    "kind": .string(finding.kind.rawValue),
                    "match": finding.match.map(JSON.string),
                    "layerDigest": finding.location.layerDigest.map(JSON.string),
                    "createdBy": finding.location.createdBy.map(JSON.string),
                ]),
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

    /// GitHub code scanning ranks by `security-severity` (a CVSS-like 0–10 score as text).
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "2.0"
        case .unknown: return "0.0"
        }
    }

    private static func rule(_ finding: Finding) -> JSON {
        .object(dropping: [
            "id": .string(finding.id),
            "name": .string(ruleName(finding.id)),
            "shortDescription": .object(["text": .string(finding.title)]),
            "fullDescription": .object(["text": .string(finding.title)]),
            "defaultConfiguration": .object(["level": .string(level(finding.severity))]),
            "help": .object(["text": .string(finding.title)]),
            "properties": .object(dropping: [
                "tags": .strings(["security", finding.kind.rawValue] + (finding.category.map { [$0] } ?? [])),
                "security-severity": .string(securitySeverity(finding.severity)),
                "precision": .string("very-high"),
            ]),
        ])
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
        if let object = where_.object {
            let name = where_.fieldPath.map { "\(object)/\($0)" } ?? object
            fields["logicalLocations"] = .array([.object(["fullyQualifiedName": .string(name), "kind": .string("object")])])
        }
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
