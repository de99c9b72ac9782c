import KensaCore

/// The groups the table shows findings in, as Trivy does: the OS packages, each language-package
/// file (a lock file, a jar, a Go binary) or all installed packages of one kind (every
/// `site-packages` METADATA file is its own path, one header each would drown the findings),
/// the misconfigurations of one file and the secrets of one file.
struct TableTarget {
    enum Kind: Int, Comparable {
        case osPackages, languagePackages, misconfigurations, secrets

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    var kind: Kind
    var title: String
    /// Unsuppressed findings, in table order.
    var findings: [Finding]

    /// Analyzers that record one file per installed package; their findings are grouped by
    /// analyzer rather than by file.
    static let perPackageFileAnalyzers: Set<String> = ["python-dist", "node-pkg", "gemspec"]

    /// The targets of `findings` (already in report order, suppressed ones left out), sorted:
    /// OS packages first, then language packages, misconfigurations and secrets, each by title.
    static func group(_ findings: [Finding], report: Report, packages: PackageLookup) -> [TableTarget] {
        var groups: [String: TableTarget] = [:]
        var order: [String] = []
        for finding in findings {
            let (kind, title) = target(of: finding, report: report, packages: packages)
            let key = "\(kind.rawValue)\u{0}\(title)"
            if groups[key] == nil {
                groups[key] = TableTarget(kind: kind, title: title, findings: [])
                order.append(key)
            }
            groups[key]?.findings.append(finding)
        }
        var targets = order.compactMap { groups[$0] }
        for index in targets.indices {
            targets[index].findings = rows(targets[index], packages: packages)
            // One file for all OS packages (the dpkg status file): say which in the header.
            let paths = Set(targets[index].findings.map(\.location.path))
            if targets[index].kind == .osPackages, paths.count == 1, let path = paths.first, !path.isEmpty {
                targets[index].title += " — " + path
            }
        }
        return targets.sorted { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            return ByteOrder.compare(a.title, b.title) ?? false
        }
    }

    private static func target(of finding: Finding, report: Report, packages: PackageLookup) -> (Kind, String) {
        let path = finding.location.path.isEmpty ? report.artifact.name : finding.location.path
        switch finding.kind {
        case .secret:
            return (.secrets, path + " (secrets)")
        case .misconfiguration:
            return (.misconfigurations, path + " (misconfigurations)")
        case .vulnerability:
            let package = packages.package(for: finding)
            let ecosystem = package?.ecosystem ?? finding.vulnerability.flatMap { Ecosystem(rawValue: $0.purl.type) }
            let source = package?.foundBy ?? ecosystem?.rawValue ?? "packages"
            if let ecosystem, ecosystem.isOS {
                let name = report.os.map { "\($0.family) \($0.version)" } ?? "OS packages"
                return (.osPackages, "\(name) (\(ecosystem.rawValue))")
            }
            if let package, perPackageFileAnalyzers.contains(package.foundBy) {
                return (.languagePackages, "\(languageName(package.ecosystem)) packages (\(package.foundBy))")
            }
            return (.languagePackages, "\(path) (\(source))")
        }
    }

    static func languageName(_ ecosystem: Ecosystem) -> String {
        switch ecosystem {
        case .pypi: return "Python"
        case .npm: return "Node.js"
        case .gem: return "Ruby"
        case .golang: return "Go"
        case .maven: return "Java"
        case .cargo: return "Rust"
        case .composer: return "PHP"
        case .nuget: return ".NET"
        case .swift: return "Swift"
        case .deb, .apk, .rpm: return ecosystem.rawValue
        }
    }

    /// Vulnerabilities by library, most severe first, then ID; secrets and misconfigurations
    /// by line, then ID. Ties keep report order, which is total.
    private static func rows(_ target: TableTarget, packages: PackageLookup) -> [Finding] {
        let indexed = Array(target.findings.enumerated())
        switch target.kind {
        case .osPackages, .languagePackages:
            let libraries = target.findings.map { library($0, packages: packages) }
            return indexed.sorted { a, b in
                if let order = ByteOrder.compare(libraries[a.offset], libraries[b.offset]) { return order }
                if a.element.severity != b.element.severity { return a.element.severity > b.element.severity }
                if let order = ByteOrder.compare(a.element.id, b.element.id) { return order }
                return a.offset < b.offset
            }.map(\.element)
        case .misconfigurations, .secrets:
            return indexed.sorted { a, b in
                let (x, y) = (a.element.location.startLine ?? 0, b.element.location.startLine ?? 0)
                if x != y { return x < y }
                if let order = ByteOrder.compare(a.element.id, b.element.id) { return order }
                return a.offset < b.offset
            }.map(\.element)
        }
    }

    /// The installed package's own name (the binary package for distro advisories, which are
    /// keyed by source package), else the name the advisory uses.
    static func library(_ finding: Finding, packages: PackageLookup) -> String {
        packages.package(for: finding)?.name ?? finding.vulnerability?.packageName ?? finding.id
    }

    /// `Total: N (UNKNOWN: a, LOW: b, MEDIUM: c, HIGH: d, CRITICAL: e)`.
    static func severitySummary(_ findings: [Finding]) -> String {
        let counts = Dictionary(grouping: findings, by: \.severity).mapValues(\.count)
        let parts = Severity.allCases.map { "\($0.rawValue): \(counts[$0] ?? 0)" }
        return "Total: \(findings.count) (" + parts.joined(separator: ", ") + ")"
    }
}

/// The report's packages by purl and path, so that a vulnerability finding (which carries the
/// package's purl and its file as location) can show the package it is about.
struct PackageLookup {
    private var byKey: [String: Package] = [:]

    init(_ packages: [Package]) {
        // Report order, first wins: the same purl at the same path is one package to a reader.
        for package in packages {
            let key = Self.key(package.purl.description, package.location.path)
            if byKey[key] == nil { byKey[key] = package }
        }
    }

    func package(for finding: Finding) -> Package? {
        guard let vulnerability = finding.vulnerability else { return nil }
        return byKey[Self.key(vulnerability.purl.description, finding.location.path)]
    }

    private static func key(_ purl: String, _ path: String) -> String { purl + "\u{0}" + path }
}
