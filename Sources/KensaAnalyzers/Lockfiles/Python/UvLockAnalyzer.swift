import Foundation
import KensaCore

/// uv's `uv.lock` (TOML): each `[[package]]` with its `dependencies` (and
/// `optional-dependencies`). The project and workspace members (`editable`, `virtual` or
/// `directory` sources) are the project's own code: not reported, but their dependencies
/// decide which packages are development-only (reachable only through a member's
/// `dev-dependencies`).
struct UvLockAnalyzer: Analyzer {
    let name = "uv-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["uv.lock"])
    }

    private struct Entry {
        var name: String
        var version: String
        var table: [String: Any]
        var local: Bool
        var key: String { Lockfile.pep503(name) + " " + version }
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.toml(file)
        guard root["version"] != nil, root["package"] != nil || root["requires-python"] != nil else {
            throw Lockfile.malformed(file, "no version and packages: not a uv.lock")
        }
        var entries: [Entry] = []
        var warnings: [ScanWarning] = []
        for (index, value) in (root.array("package") ?? []).enumerated() {
            guard let table = value as? [String: Any], let packageName = table.string("name") else {
                warnings.append(ScanWarning(path: file.path, reason: "package #\(index + 1): no name, skipped"))
                continue
            }
            let source = table.object("source") ?? [:]
            let local = source["editable"] != nil || source["virtual"] != nil || source["directory"] != nil
            // Workspace members built from source may have no version (dynamic versions).
            guard let packageVersion = table.string("version") ?? (local ? "0" : nil) else {
                warnings.append(ScanWarning(path: file.path, reason: "package \(packageName): no version, skipped"))
                continue
            }
            entries.append(Entry(name: packageName, version: packageVersion, table: table, local: local))
        }
        var byName: [String: [Entry]] = [:]
        for entry in entries { byName[Lockfile.pep503(entry.name), default: []].append(entry) }

        func targets(_ list: [Any]?) -> [String] {
            (list ?? []).compactMap { item -> String? in
                guard let reference = item as? [String: Any], let dependency = reference.string("name") else { return nil }
                let candidates = byName[Lockfile.pep503(dependency)] ?? []
                if let pinned = reference.string("version") {
                    return candidates.first { $0.version == pinned }?.key
                }
                return candidates.first?.key
            }
        }
        func groups(_ table: [String: Any]?) -> [String] {
            (table ?? [:]).values.flatMap { targets($0 as? [Any]) }
        }

        var edges: [String: [String]] = [:]
        var productionRoots: [String] = []
        var developmentRoots: [String] = []
        for entry in entries {
            let regular = targets(entry.table.array("dependencies")) + groups(entry.table.object("optional-dependencies"))
            edges[entry.key] = regular
            if entry.local {
                productionRoots += regular
                developmentRoots += groups(entry.table.object("dev-dependencies"))
            }
        }
        let production = Reachability.closure(from: productionRoots, edges: edges)
        let development = Reachability.closure(from: developmentRoots, edges: edges)

        var purlByKey: [String: PURL] = [:]
        for entry in entries where !entry.local {
            purlByKey[entry.key] = PURL(ecosystem: .pypi, name: entry.name, version: entry.version)
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for entry in entries where !entry.local {
            guard let purl = purlByKey[entry.key] else { continue }
            collector.add(name: entry.name, version: entry.version, ecosystem: .pypi, purl: purl,
                          isDev: development.contains(entry.key) && !production.contains(entry.key),
                          dependsOn: (edges[entry.key] ?? []).compactMap { purlByKey[$0]?.description })
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }
}
