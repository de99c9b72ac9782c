import Foundation
import KensaCore

/// Pipenv's `Pipfile.lock` (JSON): `default` and `develop` (development-only unless also in
/// `default`), versions written `==1.2.3`. Entries without a pinned version (editable
/// checkouts, local paths, VCS URLs) cannot be matched to a release and are skipped. The
/// file records no dependency edges.
struct PipfileLockAnalyzer: Analyzer {
    let name = "pipfile-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["Pipfile.lock"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.json(file)
        guard root["default"] != nil || root["develop"] != nil else {
            throw Lockfile.malformed(file, "no default or develop section: not a Pipfile.lock")
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        for (section, isDev) in [("default", false), ("develop", true)] {
            for (packageName, value) in root.object(section) ?? [:] {
                guard let entry = value as? [String: Any], let pinned = entry.string("version"),
                      pinned.hasPrefix("=="), !pinned.hasPrefix("===") else { continue }
                let packageVersion = String(pinned.dropFirst(2)).trimmingCharacters(in: .whitespaces)
                guard !packageVersion.isEmpty, !packageVersion.contains("*") else { continue }
                collector.add(name: packageName, version: packageVersion, ecosystem: .pypi,
                              purl: PURL(ecosystem: .pypi, name: packageName, version: packageVersion), isDev: isDev)
            }
        }
        return AnalyzerOutput(packages: collector.packages)
    }
}
