import Foundation
import KensaCore

/// CycloneDX 1.6 `vulnerabilities` (https://cyclonedx.org/docs/1.6/json/#vulnerabilities): one
/// entry per vulnerability ID, affecting the components it was found in.
///
/// Findings of one ID split into two entries when some are suppressed and some are not, because
/// `analysis` belongs to the entry: a suppressed one says `not_affected` with the recorded reason.
enum CycloneDXVulnerabilities {
    /// Entries in ID order; nil when the report has no vulnerability findings, so that an
    /// inventory-only BOM stays as it was.
    static func entries(_ report: Report, graph: SBOMGraph) -> JSON? {
        let findings = Ordering.findings(report.findings).filter { $0.kind == .vulnerability && $0.vulnerability != nil }
        guard !findings.isEmpty else { return nil }
        let refs = ComponentRefs(graph)

        struct Group {
            var key: [String]
            var findings: [Finding]
        }
        var groups: [Group] = []
        var position: [[String]: Int] = [:]
        for finding in findings {
            let key = [finding.id, finding.suppression?.source ?? "", finding.suppression?.reason ?? ""]
            if let index = position[key] {
                groups[index].findings.append(finding)
            } else {
                position[key] = groups.count
                groups.append(Group(key: key, findings: [finding]))
            }
        }
        groups.sort { ByteOrder.precedes($0.key, $1.key) }

        var used = Set<String>()
        return .array(groups.map { group in
            var ref = "kensa:vulnerability:" + group.key[0] + (group.key[1].isEmpty ? "" : ":suppressed")
            if !used.insert(ref).inserted {
                var counter = 2
                while used.contains(ref + ":\(counter)") { counter += 1 }
                ref += ":\(counter)"
                used.insert(ref)
            }
            return entry(group.findings, bomRef: ref, refs: refs)
        })
    }

    private static func entry(_ findings: [Finding], bomRef: String, refs: ComponentRefs) -> JSON {
        // Every finding of a group has the same ID; the advisory facts come from the first (they
        // come from the same records), the affected components from all of them.
        let first = findings[0]
        let v = first.vulnerability
        var affects: [String: [String]] = [:]
        var names = Set<String>()
        for finding in findings {
            guard let vulnerability = finding.vulnerability else { continue }
            if !vulnerability.packageName.isEmpty { names.insert(vulnerability.packageName) }
            guard let ref = refs.ref(purl: vulnerability.purl.description, path: finding.location.path) else { continue }
            affects[ref, default: []].append(vulnerability.installedVersion)
        }
        let packages = names.isEmpty ? "the package" : names.sorted().joined(separator: ", ")
        let fixed = v?.fixedVersions ?? []
        var properties: [(name: String, value: String)] = []
        if let epss = v?.epss, epss.isFinite { properties.append(CycloneDXWriter.property("vulnerability:epss", String(epss))) }
        if let percentile = v?.epssPercentile, percentile.isFinite {
            properties.append(CycloneDXWriter.property("vulnerability:epss-percentile", String(percentile)))
        }
        if v?.knownExploited == true { properties.append(CycloneDXWriter.property("vulnerability:known-exploited", "true")) }
        if let source = v?.dataSource { properties.append(CycloneDXWriter.property("vulnerability:data-source", source)) }
        for id in v?.advisoryIDs ?? [] where id != first.id {
            properties.append(CycloneDXWriter.property("vulnerability:advisory-id", id))
        }

        return .object(dropping: [
            "bom-ref": .string(bomRef),
            "id": .string(first.id),
            "source": source(first),
            "references": v.map { vulnerability in
                .array(vulnerability.aliases.map { .object(["id": .string($0), "source": aliasSource($0)]) })
            },
            "ratings": .array(ratings(first)),
            "description": .string(first.title),
            "detail": .string(first.message),
            "recommendation": .string(fixed.isEmpty
                ? "No fixed version is known."
                : "Upgrade \(packages) to \(fixed.joined(separator: " or "))."),
            "advisories": v.flatMap { vulnerability in
                let urls = vulnerability.references.filter(isWebURL)
                return urls.isEmpty ? nil : .array(urls.map { .object(["url": .string($0)]) })
            },
            "published": v?.published.flatMap(dateTime).map(JSON.string),
            "updated": v?.modified.flatMap(dateTime).map(JSON.string),
            "analysis": first.suppression.map(analysis),
            "affects": .array(affects.keys.sorted().map { ref in
                var versions: [JSON] = Array(Set(affects[ref] ?? [])).filter { !$0.isEmpty }.sorted().map {
                    .object(["version": .string($0), "status": .string("affected")])
                }
                versions += fixed.filter { !$0.isEmpty }.map { .object(["version": .string($0), "status": .string("unaffected")]) }
                return .object(dropping: ["ref": .string(ref), "versions": versions.isEmpty ? nil : .array(versions)])
            }),
            "properties": properties.isEmpty ? nil : CycloneDXWriter.sorted(properties),
        ])
    }

    /// Where kensa's data came from: the OSV record that matched (osv.dev also serves the CVE
    /// and GHSA IDs its records alias).
    static func source(_ finding: Finding) -> JSON {
        let record = finding.vulnerability?.advisoryIDs.first ?? finding.id
        return .object(dropping: ["name": .string("OSV"), "url": url("https://osv.dev/vulnerability/", record).map(JSON.string)])
    }

    /// An alias at the database that issues that kind of ID.
    static func aliasSource(_ id: String) -> JSON {
        let (name, base): (String, String)
        if id.hasPrefix("CVE-") {
            (name, base) = ("NVD", "https://nvd.nist.gov/vuln/detail/")
        } else if id.hasPrefix("GHSA-") {
            (name, base) = ("GitHub", "https://github.com/advisories/")
        } else {
            (name, base) = ("OSV", "https://osv.dev/vulnerability/")
        }
        return .object(dropping: ["name": .string(name), "url": url(base, id).map(JSON.string)])
    }

    /// `base` + the ID as one path segment; nil for an ID that is not one (a hostile record).
    static func url(_ base: String, _ id: String) -> String? {
        guard !id.isEmpty, let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed),
              !escaped.contains("/"), escaped != ".", escaped != ".." else { return nil }
        return base + escaped
    }

    /// An http(s) URL with nothing an IRI reference forbids (the schema's `iri-reference`); a
    /// record's other reference text is left out of `advisories` (JSON still has it).
    static func isWebURL(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://"), text.utf8.count <= 4096 else { return false }
        return !text.unicodeScalars.contains { scalar in
            scalar.value <= 0x20 || (0x7F...0x9F).contains(scalar.value) || "<>\"{}|\\^`".unicodeScalars.contains(scalar)
        }
    }

    /// One rating per CVSS vector (method from the vector's version, score when kensa could
    /// compute it); without a vector, the severity and where it came from.
    static func ratings(_ finding: Finding) -> [JSON] {
        var out: [JSON] = []
        for cvss in finding.vulnerability?.cvss ?? [] {
            guard let method = method(cvss) else { continue }
            let score = cvss.score.flatMap { $0.isFinite ? $0 : nil }
            out.append(.object(dropping: [
                "method": .string(method),
                "score": score.map(JSON.number),
                "severity": .string(score.map { severity(forScore: $0) } ?? "unknown"),
                "vector": .string(cvss.vector),
            ]))
        }
        if out.isEmpty {
            out.append(.object(dropping: [
                "method": .string("other"),
                "severity": .string(finding.severity == .unknown ? "unknown" : finding.severity.rawValue.lowercased()),
                "justification": finding.vulnerability?.severitySource.map { .string("severity from \($0)") },
            ]))
        }
        return out
    }

    /// CycloneDX's `scoreMethod` for an OSV severity entry; nil for types it cannot name.
    static func method(_ cvss: Vulnerability.CVSS) -> String? {
        switch cvss.type {
        case "CVSS_V2": return "CVSSv2"
        case "CVSS_V3": return cvss.vector.hasPrefix("CVSS:3.1/") ? "CVSSv31" : "CVSSv3"
        case "CVSS_V4": return "CVSSv4"
        default: return nil
        }
    }

    /// The CVSS qualitative scale (v3.x and v4.0 share it), in CycloneDX's words.
    static func severity(forScore score: Double) -> String {
        switch score {
        case 9.0...: return "critical"
        case 7.0..<9.0: return "high"
        case 4.0..<7.0: return "medium"
        case 0.1..<4.0: return "low"
        default: return "none"
        }
    }

    /// A suppressed finding: `resolved` when a VEX statement said `fixed`, else `not_affected`;
    /// a CycloneDX justification when the recorded reason names a VEX justification (kensa
    /// records OpenVEX ones as `not_affected: vulnerable_code_not_present; … (file)`); and the
    /// source and reason as the detail.
    static func analysis(_ suppression: Finding.Suppression) -> JSON {
        let words = tokens(suppression.reason)
        let fixed = suppression.source == "vex" && words.first == "fixed"
        return .object(dropping: [
            "state": .string(fixed ? "resolved" : "not_affected"),
            "justification": fixed ? nil : words.lazy.compactMap(justification).first.map(JSON.string),
            "detail": .string("suppressed by \(suppression.source): \(suppression.reason)"),
        ])
    }

    /// Lower-case words of letters and underscores, the shape of VEX keywords.
    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !($0.isASCII && ($0.isLetter || $0 == "_")) }.prefix(64).map(String.init)
    }

    static func justification(_ reason: String) -> String? {
        let known: [String: String] = [
            // OpenVEX
            "component_not_present": "code_not_present",
            "vulnerable_code_not_present": "code_not_present",
            "vulnerable_code_not_in_execute_path": "code_not_reachable",
            "vulnerable_code_cannot_be_controlled_by_adversary": "protected_by_mitigating_control",
            "inline_mitigations_already_exist": "protected_by_mitigating_control",
            // CycloneDX's own
            "code_not_present": "code_not_present", "code_not_reachable": "code_not_reachable",
            "requires_configuration": "requires_configuration", "requires_dependency": "requires_dependency",
            "requires_environment": "requires_environment", "protected_by_compiler": "protected_by_compiler",
            "protected_at_runtime": "protected_at_runtime", "protected_at_perimeter": "protected_at_perimeter",
            "protected_by_mitigating_control": "protected_by_mitigating_control",
        ]
        return known[reason.trimmingCharacters(in: .whitespaces).lowercased()]
    }

    /// OSV timestamps are RFC 3339; anything else (a hostile or broken record) is left out
    /// rather than written into a field the schema types as `date-time`.
    static func dateTime(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { bytes[$0] >= 48 && bytes[$0] <= 57 } }
        guard digits(0..<4), bytes[4] == UInt8(ascii: "-"), digits(5..<7), bytes[7] == UInt8(ascii: "-"), digits(8..<10),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"), digits(11..<13),
              bytes[13] == UInt8(ascii: ":"), digits(14..<16), bytes[16] == UInt8(ascii: ":"), digits(17..<19) else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day), number(11..<13) < 24, number(14..<16) < 60,
              number(17..<19) < 60 else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            return index + 1 == bytes.count ? text : nil
        }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
              digits((index + 1)..<(index + 3)), bytes[index + 3] == UInt8(ascii: ":"),
              digits((index + 4)..<(index + 6)), number((index + 1)..<(index + 3)) < 24,
              number((index + 4)..<(index + 6)) < 60 else { return nil }
        return text
    }
}

/// The BOM's component refs by purl and path, so a finding can point at its component.
struct ComponentRefs {
    private var byKey: [String: String] = [:]

    init(_ graph: SBOMGraph) {
        for node in graph.nodes {
            let key = node.purl + "\u{0}" + node.package.location.path
            if byKey[key] == nil { byKey[key] = node.ref }
        }
    }

    func ref(purl: String, path: String) -> String? { byKey[purl + "\u{0}" + path] }
}
