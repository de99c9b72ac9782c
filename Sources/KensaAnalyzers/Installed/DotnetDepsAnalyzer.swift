import Foundation
import KensaCore

/// .NET applications' `<app>.deps.json`: `libraries` keyed `Name/Version`, of which the
/// `"type": "package"` ones are NuGet packages (`project` and `reference` entries are the
/// application's own assemblies). Dependencies come from the `targets` section.
struct DotnetDepsAnalyzer: Analyzer {
    let name = "dotnet-deps"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool { path.hasSuffix(".deps.json") }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        guard let root = try file.jsonObject() as? [String: Any] else {
            throw KensaError(.malformed, input: file.path, reason: "deps.json is not a JSON object")
        }
        guard let libraries = root["libraries"] as? [String: Any] else {
            throw KensaError(.malformed, input: file.path, reason: "deps.json has no \"libraries\" object")
        }
        var nugets: [String: (name: String, version: String)] = [:]
        for (key, value) in libraries {
            guard let library = value as? [String: Any], library["type"] as? String == "package",
                  let slash = key.lastIndex(of: "/") else { continue }
            let libName = String(key[..<slash]), libVersion = String(key[key.index(after: slash)...])
            guard !libName.isEmpty, !libVersion.isEmpty else { continue }
            nugets[key] = (libName, libVersion)
        }
        // Dependencies: `targets.<framework>.<Name/Version>.dependencies` maps names to
        // versions; only edges to listed packages are kept.
        var edges: [String: Set<String>] = [:]
        let byLowerName = Dictionary(nugets.values.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        for case let framework as [String: Any] in (root["targets"] as? [String: Any] ?? [:]).values {
            for (key, value) in framework {
                guard nugets[key] != nil, let deps = (value as? [String: Any])?["dependencies"] as? [String: Any] else { continue }
                for depName in deps.keys {
                    if let target = byLowerName[depName.lowercased()] {
                        edges[key, default: []].insert(Self.purl(target.name, target.version).description)
                    }
                }
            }
        }
        let packages = nugets.map { key, lib in
            Package(name: lib.name, version: lib.version, ecosystem: .nuget, purl: Self.purl(lib.name, lib.version),
                    foundBy: name, location: .init(path: file.path), dependsOn: (edges[key] ?? []).sorted())
        }
        return AnalyzerOutput(packages: packages.sorted())
    }

    static func purl(_ name: String, _ version: String) -> PURL {
        PURL(ecosystem: .nuget, name: name, version: version)
    }
}
