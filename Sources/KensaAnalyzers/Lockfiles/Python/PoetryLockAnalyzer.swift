import Foundation
import KensaCore

/// Poetry's `poetry.lock` (TOML): each `[[package]]` with `[package.dependencies]`.
/// Development-only: `category = "dev"` (lock format 1.x) or `groups` without `main`
/// (Poetry 2); lock format 2.0 records neither, and then nothing is marked dev. Packages
/// from a local `directory` source are the project's own code and are not reported.
struct PoetryLockAnalyzer: Analyzer {
    let name = "poetry-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["poetry.lock"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.toml(file)
        guard root["package"] != nil || root["metadata"] != nil else {
            throw Lockfile.malformed(file, "no [[package]] or [metadata]: not a poetry.lock")
        }
        var entries: [(table: [String: Any], purl: PURL)] = []
        var byName: [String: [PURL]] = [:]
        var warnings: [ScanWarning] = []
        for (index, value) in (root.array("package") ?? []).enumerated() {
            guard let table = value as? [String: Any], let packageName = table.string("name"),
                  let packageVersion = table.string("version") else {
                warnings.append(ScanWarning(path: file.path, reason: "package #\(index + 1): no name or version, skipped"))
                continue
            }
            if table.object("source")?.string("type") == "directory" { continue }
            let purl = PURL(ecosystem: .pypi, name: packageName, version: packageVersion)
            entries.append((table, purl))
            byName[Lockfile.pep503(packageName), default: []].append(purl)
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for (table, purl) in entries {
            let dependsOn = (table.object("dependencies") ?? [:]).keys
                .flatMap { byName[Lockfile.pep503($0)] ?? [] }.map(\.description)
            let groups = (table.array("groups") ?? []).compactMap { $0 as? String }
            let isDev = table.string("category") == "dev" || (!groups.isEmpty && !groups.contains("main"))
            collector.add(name: table.string("name") ?? purl.name, version: purl.version ?? "", ecosystem: .pypi,
                          purl: purl, isDev: isDev, dependsOn: dependsOn)
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }
}
