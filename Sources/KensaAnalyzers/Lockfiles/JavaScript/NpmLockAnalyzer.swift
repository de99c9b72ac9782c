import Foundation
import KensaCore

/// npm's `package-lock.json` and `npm-shrinkwrap.json`: lockfileVersion 1 (a nested
/// `dependencies` tree) and 2/3 (a flat `packages` map keyed by install path; v2 carries
/// both, and the map is preferred).
///
/// Reported: every package installed under a `node_modules/` path. Not reported: the root
/// project, workspace members and `file:`/link targets (the project's own code, not
/// something fetched), and git or tarball URLs in v1, which have no registry version.
struct NpmLockAnalyzer: Analyzer {
    let name = "npm-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["package-lock.json", "npm-shrinkwrap.json"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.json(file)
        var collector = PackageCollector(path: file.path, foundBy: name)
        var warnings: [ScanWarning] = []
        if let packages = root.object("packages") {
            readPackagesMap(packages, into: &collector, warnings: &warnings, path: file.path)
        } else if let dependencies = root.object("dependencies") {
            readTree(dependencies, scopes: [], depth: 0, into: &collector)
        } else if root["lockfileVersion"] == nil {
            throw Lockfile.malformed(file, "no lockfileVersion, packages or dependencies: not an npm lock file")
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    // MARK: lockfileVersion 2 and 3

    private func readPackagesMap(_ entries: [String: Any], into collector: inout PackageCollector,
                                 warnings: inout [ScanWarning], path: String) {
        var purls: [String: PURL] = [:]
        for (key, value) in entries {
            guard let entry = value as? [String: Any], let installed = installedName(key) else { continue }
            if entry.flag("link") { continue }
            guard let version = entry.string("version") else {
                warnings.append(ScanWarning(path: path, reason: "\(key): no version, skipped"))
                continue
            }
            let name = entry.string("name") ?? installed
            if let purl = NpmNames.purl(name: name, version: version) {
                purls[key] = purl
            } else {
                warnings.append(ScanWarning(path: path, reason: "\(key): not an npm package name or version, skipped"))
            }
        }
        for (key, purl) in purls {
            guard let entry = entries[key] as? [String: Any] else { continue }
            var dependsOn: [String] = []
            for field in ["dependencies", "optionalDependencies", "peerDependencies"] {
                for dependency in (entry.object(field) ?? [:]).keys {
                    if let target = resolve(dependency, from: key, in: entries), let depPURL = purls[target] {
                        dependsOn.append(depPURL.description)
                    }
                }
            }
            let isDev = entry.flag("dev") || entry.flag("devOptional")
            // npm 9+ copies each package's `license` into the lock.
            let licenses = entry.string("license").map { [$0] } ?? []
            collector.add(name: NpmNames.fullName(purl), version: purl.version ?? "", ecosystem: .npm, purl: purl,
                          isDev: isDev, dependsOn: dependsOn, licenses: licenses)
        }
    }

    /// The package name a `node_modules/…` key installs, or nil for the root and workspace
    /// source folders.
    private func installedName(_ key: String) -> String? {
        let name: Substring
        if let separator = lastNodeModules(in: Substring(key)) {
            name = key[key.utf8.index(separator, offsetBy: 14)...]
        } else if key.hasPrefix("node_modules/") {
            name = key.dropFirst(13)
        } else {
            return nil
        }
        return name.isEmpty ? nil : String(name)
    }

    /// Node's lookup: `<from>/node_modules/<name>`, then each enclosing `node_modules`, up
    /// to the root's. A link entry leads to its target folder, which is local code.
    private func resolve(_ name: String, from key: String, in entries: [String: Any]) -> String? {
        var base = Substring(key)
        while true {
            let candidate = base.isEmpty ? "node_modules/" + name : base + "/node_modules/" + name
            if entries[candidate] != nil { return candidate }
            if base.isEmpty { return nil }
            base = lastNodeModules(in: base).map { base[..<$0] } ?? ""
        }
    }

    /// Where the last `/node_modules/` starts (byte-level: Foundation's backwards search
    /// dominated the run time on large lock files).
    private func lastNodeModules(in text: Substring) -> Substring.Index? {
        let needle = Array("/node_modules/".utf8)
        let bytes = text.utf8
        var end = bytes.endIndex
        while bytes.distance(from: bytes.startIndex, to: end) >= needle.count {
            let start = bytes.index(end, offsetBy: -needle.count)
            if bytes[start..<end].elementsEqual(needle) { return start }
            end = bytes.index(before: end)
        }
        return nil
    }

    // MARK: lockfileVersion 1

    /// `scopes` are the enclosing `dependencies` levels, innermost last; depth is bounded by
    /// the JSON nesting limit.
    private func readTree(_ dependencies: [String: Any], scopes: [[String: PURL]], depth: Int,
                          into collector: inout PackageCollector) {
        let level = purls(of: dependencies)
        let visible = scopes + [level]
        for (key, value) in dependencies {
            guard let entry = value as? [String: Any], let purl = level[key] else { continue }
            let nested = entry.object("dependencies") ?? [:]
            let lookup = visible + [purls(of: nested)]
            var dependsOn: [String] = []
            for required in (entry.object("requires") ?? [:]).keys {
                if let found = lookup.reversed().lazy.compactMap({ $0[required] }).first {
                    dependsOn.append(found.description)
                }
            }
            collector.add(name: NpmNames.fullName(purl), version: purl.version ?? "", ecosystem: .npm, purl: purl,
                          isDev: entry.flag("dev"), dependsOn: dependsOn)
            if !nested.isEmpty {
                readTree(nested, scopes: visible, depth: depth + 1, into: &collector)
            }
        }
    }

    private func purls(of dependencies: [String: Any]) -> [String: PURL] {
        var level: [String: PURL] = [:]
        for (key, value) in dependencies {
            guard let entry = value as? [String: Any], var version = entry.string("version") else { continue }
            var name = key
            if version.hasPrefix("npm:"), let alias = NpmNames.splitSpecifier(version.dropFirst(4)) {
                (name, version) = alias
            }
            guard !version.contains(":"), let purl = NpmNames.purl(name: name, version: version) else { continue }
            level[key] = purl
        }
        return level
    }
}
