import Foundation
import KensaCore

/// Composer's record of what it installed, `vendor/composer/installed.json`: a bare array
/// (Composer 1) or `{"packages": [...], "dev-package-names": [...]}` (Composer 2).
struct ComposerInstalledAnalyzer: Analyzer {
    let name = "composer-installed"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        path == "vendor/composer/installed.json" || path.hasSuffix("/vendor/composer/installed.json")
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try file.jsonObject(limit: InstalledLimits.database)
        let entries: [Any]
        var devNames = Set<String>()
        if let list = root as? [Any] {
            entries = list
        } else if let object = root as? [String: Any], let list = object["packages"] as? [Any] {
            entries = list
            devNames = Set((object["dev-package-names"] as? [Any] ?? []).compactMap { $0 as? String })
        } else {
            throw KensaError(.malformed, input: file.path, reason: "installed.json is neither a package list nor {\"packages\": [...]}")
        }
        var warnings: [ScanWarning] = []
        var packages: [Package] = []
        for (index, entry) in entries.enumerated() {
            guard let object = entry as? [String: Any], let fullName = JSONValue.string(object["name"]),
                  let packageVersion = JSONValue.string(object["version"]) else {
                warnings.append(ScanWarning(path: file.path, reason: "package \(index) has no name or version"))
                continue
            }
            let licenses = (object["license"] as? [Any])?.compactMap { JSONValue.string($0) }
                ?? JSONValue.string(object["license"]).map { [$0] } ?? []
            packages.append(Package(name: fullName, version: packageVersion, ecosystem: .composer,
                                    purl: Self.purl(name: fullName, version: packageVersion), foundBy: name,
                                    licenses: licenses, location: .init(path: file.path),
                                    isDev: devNames.contains(fullName)))
        }
        return AnalyzerOutput(packages: packages.sorted(), warnings: warnings)
    }

    /// `symfony/console` → namespace `symfony`, name `console`.
    static func purl(name: String, version: String) -> PURL {
        guard let slash = name.firstIndex(of: "/") else { return PURL(ecosystem: .composer, name: name, version: version) }
        return PURL(ecosystem: .composer, namespace: String(name[..<slash]),
                    name: String(name[name.index(after: slash)...]), version: version)
    }
}
