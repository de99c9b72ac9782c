import Foundation
import KensaCore

/// Composer's `composer.lock`: `packages` and `packages-dev` (development-only), with
/// `require` as dependencies (platform requirements such as `php` and `ext-*` are not
/// packages and drop out) and `license`. Versions stay as the lock writes them (`v6.4.1`,
/// `1.2.3`, `dev-main`): Composer itself treats a leading `v` as insignificant, so version
/// comparison, not the inventory, normalises it. Packages installed from a local `path`
/// repository are the project's own code and are not reported.
struct ComposerLockAnalyzer: Analyzer {
    let name = "composer-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["composer.lock"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.json(file)
        guard root["packages"] != nil || root["packages-dev"] != nil else {
            throw Lockfile.malformed(file, "no packages or packages-dev: not a composer.lock")
        }
        var entries: [(entry: [String: Any], dev: Bool)] = []
        for (field, dev) in [("packages", false), ("packages-dev", true)] {
            for case let entry as [String: Any] in root.array(field) ?? [] {
                entries.append((entry, dev))
            }
        }
        var warnings: [ScanWarning] = []
        var purls: [String: PURL] = [:]
        for (entry, _) in entries {
            guard let fullName = entry.string("name"), let version = entry.string("version") else {
                warnings.append(ScanWarning(path: file.path, reason: "a package without name or version, skipped"))
                continue
            }
            if entry.object("dist")?.string("type") == "path" { continue }
            let parts = Lockfile.splitLast(fullName)
            purls[fullName.lowercased()] = PURL(ecosystem: .composer, namespace: parts.namespace, name: parts.name, version: version)
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for (entry, dev) in entries {
            guard let fullName = entry.string("name"), let purl = purls[fullName.lowercased()] else { continue }
            let dependsOn = (entry.object("require") ?? [:]).keys.compactMap { purls[$0.lowercased()]?.description }
            let licenses: [String]
            switch entry["license"] {
            case let list as [Any]: licenses = list.compactMap { $0 as? String }
            case let single as String: licenses = [single]
            default: licenses = []
            }
            collector.add(name: fullName, version: purl.version ?? "", ecosystem: .composer, purl: purl,
                          isDev: dev, dependsOn: dependsOn, licenses: licenses)
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }
}
