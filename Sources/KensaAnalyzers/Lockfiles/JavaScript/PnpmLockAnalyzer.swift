import Foundation
import KensaCore

/// `pnpm-lock.yaml`, lockfileVersion 5.x (`/name/1.2.3_peer@1` keys), 6.x
/// (`/name@1.2.3(peer@1)`) and 9.x (`name@1.2.3` in `packages`, dependencies in
/// `snapshots`). Peer-dependency suffixes are dropped: the same package installed against
/// two peer sets is one package.
///
/// Development-only: the lock's own `dev` flag (5.x, 6.x), else (9.x) a package reachable
/// only from the importers' `devDependencies`. Workspace `link:` references are the
/// project's own code and are not reported.
struct PnpmLockAnalyzer: Analyzer {
    let name = "pnpm-lock"
    let version = 1

    private enum Layout { case v5, v6, v9 }

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["pnpm-lock.yaml"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.yaml(file)
        guard let versionText = root.string("lockfileVersion"),
              let lockfileVersion = Double(versionText.prefix { $0 != "-" }) else {
            throw Lockfile.malformed(file, "no lockfileVersion: not a pnpm lock file")
        }
        let layout: Layout = lockfileVersion < 6 ? .v5 : (lockfileVersion < 9 ? .v6 : .v9)
        let packages = root.object("packages") ?? [:]
        // Entries carrying dependencies: `snapshots` from 9.0 on, `packages` before.
        let nodes = layout == .v9 ? (root.object("snapshots") ?? [:]) : packages
        var warnings: [ScanWarning] = []

        var purls: [String: PURL] = [:]
        for key in nodes.keys {
            let bare = stripPeers(key, layout: layout)
            let metadata = packages.object(bare) ?? nodes.object(key) ?? [:]
            if let purl = purl(key: bare, metadata: metadata, layout: layout) {
                purls[key] = purl
            } else if !bare.contains("link:") && !bare.contains("file:") {
                warnings.append(ScanWarning(path: file.path, reason: "\(key): no package name and version, skipped"))
            }
        }

        var edges: [String: [String]] = [:]
        for (key, _) in purls {
            let node = nodes.object(key) ?? [:]
            var targets: [String] = []
            for field in ["dependencies", "optionalDependencies"] {
                for (dependency, reference) in node.object(field) ?? [:] {
                    if let target = nodeKey(name: dependency, reference: reference, layout: layout, nodes: nodes) {
                        targets.append(target)
                    }
                }
            }
            edges[key] = targets
        }

        let production = Reachability.closure(from: importerRoots(root, layout: layout, nodes: nodes, dev: false), edges: edges)
        let development = Reachability.closure(from: importerRoots(root, layout: layout, nodes: nodes, dev: true), edges: edges)
        var collector = PackageCollector(path: file.path, foundBy: name)
        for (key, purl) in purls {
            let node = nodes.object(key) ?? [:]
            let isDev: Bool
            // 5.x/6.x flag each entry (a peer variant carries its own); 9.x flags none.
            if let flag = node["dev"] ?? packages.object(stripPeers(key, layout: layout))?["dev"] {
                isDev = (flag as? String) == "true"
            } else {
                isDev = development.contains(key) && !production.contains(key)
            }
            collector.add(name: NpmNames.fullName(purl), version: purl.version ?? "", ecosystem: .npm, purl: purl,
                          isDev: isDev, dependsOn: (edges[key] ?? []).compactMap { purls[$0]?.description })
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    /// `/a/1.0.0_b@2.0.0` → `/a/1.0.0`; `/a@1.0.0(b@2.0.0)` → `/a@1.0.0`.
    private func stripPeers(_ key: String, layout: Layout) -> String {
        switch layout {
        case .v5:
            guard let slash = key.lastIndex(of: "/"), let underscore = key[slash...].firstIndex(of: "_") else { return key }
            return String(key[..<underscore])
        case .v6, .v9:
            return String(key.prefix { $0 != "(" })
        }
    }

    private func purl(key: String, metadata: [String: Any], layout: Layout) -> PURL? {
        let body = key.hasPrefix("/") ? String(key.dropFirst()) : key
        let parsed: (name: String, version: String)?
        switch layout {
        case .v5:
            let parts = Lockfile.splitLast(body)
            parsed = parts.namespace.map { ($0, parts.name) }
        case .v6, .v9:
            parsed = NpmNames.splitSpecifier(body).map { ($0.name, $0.range) }
        }
        // Tarball and git dependencies, and packages from other registries, state their
        // version (and sometimes name) beside a key that holds a URL.
        if let version = metadata.string("version"), let name = metadata.string("name") ?? parsed?.name {
            return NpmNames.purl(name: name, version: version)
        }
        guard let parsed, isRegistryVersion(parsed.version) else { return nil }
        return NpmNames.purl(name: parsed.name, version: parsed.version)
    }

    private func isRegistryVersion(_ version: String) -> Bool {
        !version.isEmpty && !version.contains(":") && !version.contains("/")
    }

    /// The key of the entry a dependency reference points at (`1.2.3`, `1.2.3(peer@1)`, an
    /// alias `/other/1.0.0` or `other@1.0.0`), nil for `link:` and unknown references.
    private func nodeKey(name: String, reference: Any, layout: Layout, nodes: [String: Any]) -> String? {
        guard let reference = reference as? String ?? (reference as? [String: Any])?.string("version") else { return nil }
        if reference.hasPrefix("link:") { return nil }
        if nodes[reference] != nil { return reference }
        let key: String
        switch layout {
        case .v5: key = "/" + name + "/" + reference
        case .v6: key = "/" + name + "@" + reference
        case .v9: key = name + "@" + reference
        }
        return nodes[key] != nil ? key : nil
    }

    /// The entries the projects depend on directly: production or development ones.
    private func importerRoots(_ root: [String: Any], layout: Layout, nodes: [String: Any], dev: Bool) -> [String] {
        let importers = root.object("importers").map { Array($0.values.compactMap { $0 as? [String: Any] }) } ?? [root]
        let fields = dev ? ["devDependencies"] : ["dependencies", "optionalDependencies"]
        var roots: [String] = []
        for importer in importers {
            for field in fields {
                for (dependency, reference) in importer.object(field) ?? [:] {
                    if let key = nodeKey(name: dependency, reference: reference, layout: layout, nodes: nodes) {
                        roots.append(key)
                    }
                }
            }
        }
        return roots
    }
}
