import Foundation
import KensaCore

/// Rust's `Cargo.lock` (format versions 1 to 4): each `[[package]]` with a `source`
/// (crates.io or another registry, or git). Packages without a `source` are the workspace's
/// own crates and path dependencies: the project's code, not something fetched, and often
/// named like a crates.io crate, so they are left out rather than matched against advisories.
/// Dependencies read `name`, `name version` or `name version (source)`.
struct CargoLockAnalyzer: Analyzer {
    let name = "cargo-lock"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["Cargo.lock"])
    }

    private struct Crate {
        var name: String
        var version: String
        var source: String?
        var dependencies: [String]
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.toml(file)
        guard let entries = root.array("package") else {
            if root["version"] != nil || root.isEmpty { return .empty }
            throw Lockfile.malformed(file, "no [[package]] tables: not a Cargo.lock")
        }
        var crates: [Crate] = []
        var warnings: [ScanWarning] = []
        for (index, entry) in entries.enumerated() {
            guard let table = entry as? [String: Any], let crateName = table.string("name"),
                  let crateVersion = table.string("version") else {
                warnings.append(ScanWarning(path: file.path, reason: "package #\(index + 1): no name or version, skipped"))
                continue
            }
            crates.append(Crate(name: crateName, version: crateVersion, source: table.string("source"),
                                dependencies: (table.array("dependencies") ?? []).compactMap { $0 as? String }))
        }
        var byName: [String: [Crate]] = [:]
        for crate in crates { byName[crate.name, default: []].append(crate) }

        var collector = PackageCollector(path: file.path, foundBy: name)
        for crate in crates where crate.source != nil {
            var dependsOn: [String] = []
            for dependency in crate.dependencies {
                let parts = dependency.split(separator: " ")
                guard let first = parts.first else { continue }
                let candidates = byName[String(first)] ?? []
                let target = parts.count >= 2 ? candidates.first { $0.version == parts[1] } : (candidates.count == 1 ? candidates.first : nil)
                if let target, target.source != nil { dependsOn.append(purl(target).description) }
            }
            collector.add(name: crate.name, version: crate.version, ecosystem: .cargo, purl: purl(crate), dependsOn: dependsOn)
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    private func purl(_ crate: Crate) -> PURL {
        PURL(ecosystem: .cargo, name: crate.name, version: crate.version)
    }
}
