import Foundation
import KensaCore
import KensaVersion

/// The result of matching an inventory against the DB.
public struct VulnerabilityMatches: Sendable {
    /// One finding per (package, vulnerability), sorted by file, layer, package and ID.
    public var findings: [Finding]
    /// Packages or advisories that could not be compared (a version the scheme rejects).
    public var warnings: [ScanWarning]
}

extension VulnDB {
    /// The known vulnerabilities of `packages`. OS packages need `os` to pick the distro's
    /// advisories (they are skipped without it). Advisories that name each other (`aliases`,
    /// or a shared alias) are merged into one finding per package; withdrawn ones are skipped.
    ///
    /// The finding's ID is the CVE when the merged advisories name exactly one CVE (as Trivy
    /// reports them), else the lowest advisory ID; every other ID is listed in `aliases`.
    public func match(_ packages: [Package], os: OperatingSystem?) throws -> VulnerabilityMatches {
        var findings: [Finding] = []
        var warnings: [ScanWarning] = []
        // Every name's advisories in one read transaction (VulnDB.entries(for:) with a set).
        let cache = try self.entries(for: Set(packages.compactMap { EcosystemKey.forPackage($0, os: os)?.key }))
        for package in packages {
            guard let (key, version) = EcosystemKey.forPackage(package, os: os) else { continue }
            let entries = cache[key] ?? []
            guard !entries.isEmpty else { continue }
            let scheme = VersionScheme(osvEcosystem: key.ecosystem) ?? .semver
            var hits: [Hit] = []
            for (advisory, affected) in entries where advisory.withdrawn == nil {
                do {
                    // Binary search in the stored, scheme-sorted `versions` list; `fixes` reads only ranges.
                    guard try affected.contains(version, scheme: scheme) else { continue }
                    hits.append(Hit(advisory: advisory, affected: affected,
                                    fixed: VulnDB.fixes(OSVAffectedVersions(ranges: affected.ranges), version: version, scheme: scheme,
                                                        memo: affected.memo ?? VersionMemo())))
                } catch {
                    warnings.append(ScanWarning(path: package.location.path,
                                                reason: "\(package.name) \(package.version) not compared with \(advisory.id): \(error)",
                                                layer: package.location.layerDigest))
                }
            }
            if [.deb, .apk, .rpm].contains(package.ecosystem) { hits = VulnDB.splitPerCVE(hits) }
            for group in VulnDB.merge(hits) {
                var finding = VulnDB.finding(group, package: package, key: key, version: version)
                if var v = finding.vulnerability {
                    let cves = ([finding.id] + v.aliases).filter { $0.hasPrefix("CVE-") }
                    let exploit = try exploitInfo(cves)
                    v.epss = exploit.epss
                    v.epssPercentile = exploit.percentile
                    v.knownExploited = exploit.kev
                    finding.vulnerability = v
                }
                findings.append(finding)
            }
        }
        // Keys computed once and indices sorted (ties in input order): moving whole findings
        // around in the sort was a tenth of the matching time.
        let keys = findings.map { f in
            (f.location.path, f.location.layerDigest ?? "", f.vulnerability?.packageName ?? "", f.vulnerability?.installedVersion ?? "", f.id)
        }
        findings = keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map { findings[$0] }
        return VulnerabilityMatches(findings: findings, warnings: Array(Set(warnings)).sorted())
    }

    struct Hit {
        var advisory: StoredAdvisory
        var affected: StoredAffected
        var fixed: [String]
        /// The IDs that join hits into one finding: the record's ID and aliases, or one CVE
        /// after `splitPerCVE`.
        var names: Set<String>

        init(advisory: StoredAdvisory, affected: StoredAffected, fixed: [String], names: Set<String>? = nil) {
            self.advisory = advisory
            self.affected = affected
            self.fixed = fixed
            self.names = names ?? Set([advisory.id] + advisory.aliases)
        }
    }

    /// Distro advisories are per CVE (Debian's and Ubuntu's trackers, the CVE IDs users
    /// suppress by), but one DSA/DLA/USN names every CVE it fixes: such a hit becomes one hit per
    /// CVE, joined by that CVE alone, so a DSA for two CVEs gives two findings, each listing
    /// the DSA among its advisories. Language records keep their aliases together: there two
    /// CVE aliases name the same vulnerability twice (OSV's `aliases`).
    static func splitPerCVE(_ hits: [Hit]) -> [Hit] {
        hits.flatMap { hit -> [Hit] in
            let cves = hit.names.filter { $0.hasPrefix("CVE-") }.sorted()
            guard cves.count > 1 else { return [hit] }
            return cves.map { Hit(advisory: hit.advisory, affected: hit.affected, fixed: hit.fixed, names: [$0]) }
        }
    }

    /// The fixed versions that end a range the version is in: for each such range, its lowest
    /// `fixed` event above the installed version (a range with several branches names the
    /// fix of the branch the version is on).
    /// `memo` (the package name's parsed versions, see `VersionMemo`) only saves parsing.
    static func fixes(_ affected: OSVAffectedVersions, version: String, scheme: VersionScheme,
                      memo: VersionMemo = VersionMemo()) -> [String] {
        var out: [String] = []
        for range in affected.ranges where (try? memo.contains(range, version, scheme: scheme)) == true {
            let rangeScheme: VersionScheme = range.type == .semver ? .semver : scheme
            guard let installed = try? memo.parse(version, rangeScheme) else { continue }
            var best: (String, Version)?
            for event in range.events {
                guard case .fixed(let fixed) = event, !fixed.isEmpty, let v = try? memo.parse(fixed, rangeScheme), v > installed else { continue }
                if best.map({ v < $0.1 }) ?? true { best = (fixed, v) }
            }
            if let best, !out.contains(best.0) { out.append(best.0) }
        }
        return out
    }

    /// Parses as OSV writes versions: Go without the `v`, SEMVER with or without it.
    static func parse(_ s: String, _ scheme: VersionScheme) -> Version? {
        switch scheme {
        case .go: return (try? GoVersion(osv: s)).map(Version.go)
        case .semver where s.hasPrefix("v"): return try? scheme.parse(String(s.dropFirst()))
        default: return try? scheme.parse(s)
        }
    }

    /// Groups hits that are the same vulnerability: an ID or alias in common joins them.
    static func merge(_ hits: [Hit]) -> [[Hit]] {
        var groups: [(names: Set<String>, hits: [Hit])] = []
        for hit in hits {
            var names = hit.names
            var members = [hit]
            var remaining: [(names: Set<String>, hits: [Hit])] = []
            for group in groups {
                if !group.names.isDisjoint(with: names) {
                    names.formUnion(group.names)
                    members += group.hits
                } else {
                    remaining.append(group)
                }
            }
            groups = remaining + [(names, members)]
        }
        return groups.map { $0.hits.sorted { $0.advisory.id < $1.advisory.id } }
    }

    static func finding(_ group: [Hit], package: Package, key: EcosystemKey, version: String) -> Finding {
        let names = group.reduce(into: Set<String>()) { $0.formUnion($1.names) }
        let cves = names.filter { $0.hasPrefix("CVE-") }
        // Sorted by ID (`merge`); a record with two entries for one package is listed once.
        let advisoryIDs = group.map(\.advisory.id).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        let id = cves.count == 1 ? cves.first ?? advisoryIDs[0] : advisoryIDs.min() ?? ""
        let primary = group.first { $0.advisory.id == id } ?? group[0]

        var fixed: [String] = []
        for hit in group { for f in hit.fixed where !fixed.contains(f) { fixed.append(f) } }
        let scheme = VersionScheme(osvEcosystem: key.ecosystem) ?? .semver
        fixed.sort { a, b in
            if let x = parse(a, scheme), let y = parse(b, scheme), x != y { return x < y }
            return a < b
        }

        var cvss: [Vulnerability.CVSS] = []
        var rated: [(severity: Severity, source: String)] = []
        var words: [Severity] = []
        for hit in group {
            for entry in hit.advisory.severity + hit.affected.severity {
                // OSV also carries distro words here (`"type": "Ubuntu", "score": "medium"`).
                guard entry.type.hasPrefix("CVSS") else {
                    if let word = severityWord(entry.score) { words.append(word) }
                    continue
                }
                let score = CVSS.score(entry.score)
                let item = Vulnerability.CVSS(type: entry.type, vector: entry.score, score: score)
                if !cvss.contains(item) { cvss.append(item) }
                if let score { rated.append((CVSS.severity(score), entry.type)) }
            }
        }
        let severity: Severity
        let severitySource: String?
        // Scores from vectors first (the highest among the merged records), else the
        // records' own words.
        if let best = rated.max(by: { $0.severity < $1.severity }) {
            severity = best.severity
            severitySource = best.source
        } else if let word = (words + group.compactMap({ $0.affected.specificSeverity ?? $0.advisory.databaseSeverity })
                    .compactMap(severityWord)).max() {
            severity = word
            severitySource = "database_specific"
        } else {
            severity = .unknown
            severitySource = nil
        }

        var references: [String] = []
        for hit in group { for r in hit.advisory.references where !references.contains(r) { references.append(r) } }
        let title = primary.advisory.summary ?? group.compactMap(\.advisory.summary).first ?? id
        let vulnerability = Vulnerability(
            packageName: package.name, installedVersion: package.version, purl: package.purl,
            fixedVersions: fixed, status: fixed.isEmpty ? .affected : .fixed,
            aliases: names.union(advisoryIDs).subtracting([id]).sorted(), advisoryIDs: advisoryIDs, cvss: cvss,
            severitySource: severitySource, dataSource: primary.affected.ecosystem, references: references,
            published: primary.advisory.published, modified: primary.advisory.modified)
        var subject = "\(package.name) \(package.version)"
        if let source = package.sourceName, source != package.name { subject += " (source \(source) \(version))" }
        let message = fixed.isEmpty
            ? "\(subject) is affected by \(id); fix not available"
            : "\(subject) is affected by \(id); fixed in \(fixed.joined(separator: ", "))"
        return Finding(kind: .vulnerability, id: id, title: title, severity: severity,
                       location: .init(path: package.location.path, layerDigest: package.location.layerDigest),
                       message: message, vulnerability: vulnerability)
    }

    /// The words advisories use: GitHub's `MODERATE`, Debian/Ubuntu's `negligible`, Red Hat's `Important`.
    static func severityWord(_ word: String) -> Severity? {
        switch word.lowercased() {
        case "critical": return .critical
        case "high", "important": return .high
        case "moderate", "medium": return .medium
        case "low", "negligible", "unimportant": return .low
        default: return nil
        }
    }
}
