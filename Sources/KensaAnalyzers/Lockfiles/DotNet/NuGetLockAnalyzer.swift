import Foundation
import KensaCore

/// NuGet's `packages.lock.json`: for each target framework (and runtime), the resolved
/// packages (`Direct`, `Transitive`, `CentralTransitive`) and their dependencies. A package
/// resolved for several frameworks is one package; `Project` references are the solution's
/// own projects and are not reported. NuGet names are case-insensitive, so dependencies are
/// matched without case.
struct NuGetLockAnalyzer: Analyzer {
    let name = "nuget-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["packages.lock.json"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.json(file)
        guard let frameworks = root.object("dependencies") else {
            throw Lockfile.malformed(file, "no dependencies object: not a packages.lock.json")
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        var warnings: [ScanWarning] = []
        for (framework, value) in frameworks {
            guard let packages = value as? [String: Any] else { continue }
            var purls: [String: PURL] = [:]
            for (packageName, value) in packages {
                guard let entry = value as? [String: Any], entry.string("type") != "Project" else { continue }
                guard let resolved = entry.string("resolved") else {
                    warnings.append(ScanWarning(path: file.path, reason: "\(framework): \(packageName) has no resolved version, skipped"))
                    continue
                }
                purls[packageName.lowercased()] = PURL(ecosystem: .nuget, name: packageName, version: resolved)
            }
            for (packageName, value) in packages {
                guard let entry = value as? [String: Any], let purl = purls[packageName.lowercased()] else { continue }
                let dependsOn = (entry.object("dependencies") ?? [:]).keys.compactMap { purls[$0.lowercased()]?.description }
                collector.add(name: packageName, version: purl.version ?? "", ecosystem: .nuget, purl: purl, dependsOn: dependsOn)
            }
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }
}
