import Foundation
import KensaCore

/// `yarn.lock`: Yarn 1 ("classic", its own text format) and Yarn 2+ ("berry", YAML with a
/// `__metadata` entry), told apart by that entry.
///
/// Reported: packages resolved from a registry or a remote (npm, git, tarball URL), and
/// patched packages as the package they patch. Not reported: workspaces and `link:`,
/// `portal:` and `file:` folders (the project's own code). yarn.lock does not say which
/// packages are development-only, so none is marked dev.
struct YarnLockAnalyzer: Analyzer {
    let name = "yarn-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["yarn.lock"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try Lockfile.checkSize(file)
        try Lockfile.checkLineCount(file)
        if isBerry(file.content) {
            return try analyzeBerry(file)
        }
        return try analyzeClassic(file)
    }

    private func isBerry(_ content: Data) -> Bool {
        content.starts(with: Data("__metadata:".utf8)) || content.range(of: Data("\n__metadata:".utf8)) != nil
    }

    private func analyzeClassic(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let lock = try YarnClassicLockfile(file)
        var purlBySpecifier: [String: PURL] = [:]
        var resolved: [(YarnClassicLockfile.Entry, PURL)] = []
        var warnings: [ScanWarning] = []
        for entry in lock.entries {
            guard let first = entry.specifiers.first, var (name, range) = NpmNames.splitSpecifier(first) else {
                warnings.append(ScanWarning(path: file.path, reason: "line \(entry.line): unreadable entry header, skipped"))
                continue
            }
            if range.hasPrefix("npm:"), let alias = NpmNames.splitSpecifier(range.dropFirst(4)) {
                (name, range) = alias
            }
            if isLocal(range) { continue }
            guard let version = entry.fields["version"], let purl = NpmNames.purl(name: name, version: version) else {
                warnings.append(ScanWarning(path: file.path, reason: "line \(entry.line): \(first) has no usable version, skipped"))
                continue
            }
            for specifier in entry.specifiers { purlBySpecifier[specifier] = purl }
            resolved.append((entry, purl))
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for (entry, purl) in resolved {
            let dependsOn = entry.dependencies.compactMap { purlBySpecifier[$0.name + "@" + $0.range]?.description }
            collector.add(name: NpmNames.fullName(purl), version: purl.version ?? "", ecosystem: .npm, purl: purl,
                          dependsOn: dependsOn)
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    private func analyzeBerry(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.yaml(file)
        var purlByDescriptor: [String: PURL] = [:]
        var resolved: [([String: Any], PURL)] = []
        var warnings: [ScanWarning] = []
        for key in root.keys.sorted() where key != "__metadata" {
            guard let entry = root.object(key) else { continue }
            guard let resolution = entry.string("resolution"), let locator = NpmNames.splitSpecifier(resolution) else {
                warnings.append(ScanWarning(path: file.path, reason: "\(key): no resolution, skipped"))
                continue
            }
            guard let purl = berryPURL(name: locator.name, reference: locator.range, entry: entry) else { continue }
            for descriptor in YarnClassicLockfile.splitList(Substring(key)) { purlByDescriptor[descriptor] = purl }
            resolved.append((entry, purl))
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for (entry, purl) in resolved {
            var dependsOn: [String] = []
            for field in ["dependencies", "optionalDependencies"] {
                for (dependency, value) in entry.object(field) ?? [:] {
                    guard let range = value as? String else { continue }
                    let found = purlByDescriptor[dependency + "@" + range] ?? purlByDescriptor[dependency + "@npm:" + range]
                    if let found { dependsOn.append(found.description) }
                }
            }
            collector.add(name: NpmNames.fullName(purl), version: purl.version ?? "", ecosystem: .npm, purl: purl,
                          dependsOn: dependsOn)
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    /// `npm:1.2.3` → 1.2.3; `patch:name@npm%3A1.2.3#…` → the patched package; local
    /// protocols → nil; anything else (git, URLs) → the entry's `version`.
    private func berryPURL(name: String, reference: String, entry: [String: Any]) -> PURL? {
        if reference.hasPrefix("npm:") {
            let version = String(reference.dropFirst(4))
            // An alias resolution reads `alias@npm:real@1.0.0`.
            if let alias = NpmNames.splitSpecifier(version) {
                return NpmNames.purl(name: alias.name, version: alias.range)
            }
            return NpmNames.purl(name: name, version: version)
        }
        if reference.hasPrefix("patch:") {
            let inner = reference.dropFirst(6).prefix { $0 != "#" }
            let decoded = inner.removingPercentEncoding ?? String(inner)
            guard let patched = NpmNames.splitSpecifier(decoded) else { return nil }
            return berryPURL(name: patched.name, reference: patched.range, entry: entry)
        }
        if isLocal(reference) { return nil }
        guard let version = entry.string("version") else { return nil }
        return NpmNames.purl(name: name, version: version)
    }

    private func isLocal(_ range: String) -> Bool {
        ["workspace:", "link:", "portal:", "file:"].contains { range.hasPrefix($0) }
    }
}
