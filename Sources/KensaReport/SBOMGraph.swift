import KensaCore

/// What the two SBOM writers share: the packages in report order, a unique reference for each,
/// the dependency edges resolved from `Package.dependsOn` purls, and which packages hang
/// directly from the scanned artifact.
struct SBOMGraph {
    struct Node {
        var package: Package
        /// `package.purl.description`, computed once (percent-encoding is not free).
        var purl: String
        /// Unique in the document: the purl, or the purl plus where it was found when two
        /// packages share a purl (the same npm package in two `node_modules` directories).
        var ref: String
    }

    /// Canonical order.
    var nodes: [Node]
    /// ref → refs of its direct dependencies (sorted, no self-edges, only refs in `nodes`).
    var dependencies: [String: [String]]
    /// Refs the OS component contains: every OS-ecosystem package, when the report has an OS.
    var osPackages: [String]
    /// Refs the artifact itself depends on: packages nothing else depends on (OS packages go
    /// under the OS component instead), plus whatever a dependency cycle would leave unreachable.
    var topLevel: [String]

    init(_ report: Report) {
        let packages = Ordering.packages(report.packages)
        nodes = Self.uniqueRefs(packages)

        var index = DependencyIndex(nodes)
        var dependencies: [String: [String]] = [:]
        for (position, node) in nodes.enumerated() {
            var targets = Set<String>()
            for dependency in node.package.dependsOn {
                if let target = index.resolve(dependency, from: position), target != node.ref {
                    targets.insert(target)
                }
            }
            dependencies[node.ref] = targets.sorted()
        }
        self.dependencies = dependencies

        let hasOS = report.os != nil
        osPackages = hasOS ? nodes.filter { $0.package.ecosystem.isOS }.map(\.ref) : []
        let dependedOn = Set(dependencies.values.joined())
        var topLevel = nodes.filter { !(hasOS && $0.package.ecosystem.isOS) && !dependedOn.contains($0.ref) }
            .map(\.ref)

        // A cycle with no way in (a → b → a, nothing else pointing at either) would leave its
        // members unreachable from the artifact; hang the first of each such group from it.
        var reached = Set<String>()
        func visit(_ start: String) {
            var stack = [start]
            while let ref = stack.popLast() {
                guard reached.insert(ref).inserted else { continue }
                stack += dependencies[ref] ?? []
            }
        }
        (osPackages + topLevel).forEach(visit)
        for node in nodes where !reached.contains(node.ref) {
            topLevel.append(node.ref)
            visit(node.ref)
        }
        self.topLevel = topLevel
    }

    private static func uniqueRefs(_ packages: [Package]) -> [Node] {
        let purls = packages.map(\.purl.description)
        var purlCount: [String: Int] = [:]
        for purl in purls { purlCount[purl, default: 0] += 1 }
        var used = Set<String>()
        var nodes: [Node] = []
        nodes.reserveCapacity(packages.count)
        for (package, purl) in zip(packages, purls) {
            var ref = purlCount[purl] == 1 ? purl : purl + "#" + package.location.path
            if used.contains(ref) {
                // The same purl at the same path (e.g. twice in one lock file): number them.
                var counter = 2
                while used.contains(ref + "#\(counter)") { counter += 1 }
                ref += "#\(counter)"
            }
            used.insert(ref)
            nodes.append(Node(package: package, purl: purl, ref: ref))
        }
        return nodes
    }
}

/// Finds the package a `dependsOn` purl means. Exact purl first; then the same package
/// ignoring qualifiers (a dpkg `Depends` purl may lack `arch`); then, with no version in the
/// dependency, any version. Among several candidates the one found at the same path wins,
/// else the one whose path shares most leading directories with the dependent's, then the
/// shallowest (how Node resolves `node_modules`), else the first in report order.
private struct DependencyIndex {
    var refs: [String]
    var purls: [PURL]
    var paths: [String]
    var pathParts: [[Substring]]
    var exact: [String: [Int]] = [:]
    /// Built on the first dependency that does not match a purl exactly (analyzers mostly
    /// write exact purls, and building these costs a string per package).
    var loose: (versioned: [String: [Int]], unversioned: [String: [Int]])?
    /// Dependency text → candidate positions: lock files repeat the same dependency often.
    var candidatesByText: [String: [Int]] = [:]

    init(_ nodes: [SBOMGraph.Node]) {
        refs = nodes.map(\.ref)
        purls = nodes.map(\.package.purl)
        paths = nodes.map(\.package.location.path)
        pathParts = paths.map { $0.split(separator: "/") }
        for (position, node) in nodes.enumerated() {
            exact[node.purl, default: []].append(position)
        }
    }

    static func key(_ purl: PURL, version: Bool) -> String {
        [purl.type, purl.namespace ?? "", purl.name, version ? purl.version ?? "" : ""].joined(separator: "\u{0}")
    }

    mutating func candidates(_ text: String) -> [Int] {
        if let known = exact[text] ?? candidatesByText[text] { return known }
        var found: [Int] = []
        if let purl = PURL(parsing: text) {
            if loose == nil {
                var versioned: [String: [Int]] = [:]
                var unversioned: [String: [Int]] = [:]
                for (position, purl) in purls.enumerated() {
                    versioned[Self.key(purl, version: true), default: []].append(position)
                    unversioned[Self.key(purl, version: false), default: []].append(position)
                }
                loose = (versioned, unversioned)
            }
            found = exact[purl.description]
                ?? loose?.versioned[Self.key(purl, version: true)]
                ?? (purl.version == nil ? loose?.unversioned[Self.key(purl, version: false)] : nil)
                ?? []
        }
        candidatesByText[text] = found
        return found
    }

    mutating func resolve(_ text: String, from position: Int) -> String? {
        let candidates = candidates(text)
        if candidates.count == 1 { return candidates[0] == position ? nil : refs[candidates[0]] }
        var best: Int?
        var bestScore = (shared: -1, depth: Int.max)
        for candidate in candidates where candidate != position {
            let parts = pathParts[candidate]
            let shared = paths[candidate] == paths[position]
                ? Int.max
                : zip(pathParts[position], parts).prefix(while: { $0 == $1 }).count
            // Equal sharing: the shallower one is what a lookup walking up the tree meets first.
            if shared > bestScore.shared || (shared == bestScore.shared && parts.count < bestScore.depth) {
                best = candidate
                bestScore = (shared, parts.count)
            }
        }
        return best.map { refs[$0] }
    }
}
