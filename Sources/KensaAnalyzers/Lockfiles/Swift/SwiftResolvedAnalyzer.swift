import Foundation
import KensaCore

/// SwiftPM's `Package.resolved`: format 1 (`object.pins` with `repositoryURL`) and 2/3
/// (`pins` with `location`, `kind`). A package is named by its repository as
/// `host/owner/repo` (`github.com/apple/swift-nio`), which is also its purl namespace and
/// name. A pin on a branch has no version and is reported at its commit. Local
/// (`localSourceControl`) pins are the developer's own checkouts and are not reported;
/// registry pins (`scope.name`) become namespace `scope`, name `name`.
struct SwiftResolvedAnalyzer: Analyzer {
    let name = "swift-resolved"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["Package.resolved"])
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        let root = try StructuredText.json(file)
        guard let pins = root.array("pins") ?? root.object("object")?.array("pins") else {
            throw Lockfile.malformed(file, "no pins: not a Package.resolved")
        }
        var collector = PackageCollector(path: file.path, foundBy: name)
        var warnings: [ScanWarning] = []
        for case let pin as [String: Any] in pins {
            let kind = pin.string("kind") ?? "remoteSourceControl"
            let state = pin.object("state") ?? [:]
            guard let pinVersion = state.string("version") ?? state.string("revision") else {
                warnings.append(ScanWarning(path: file.path, reason: "pin \(pin.string("identity") ?? pin.string("package") ?? "?") has no version or revision, skipped"))
                continue
            }
            let fullName: String
            switch kind {
            case "localSourceControl", "fileSystem":
                continue
            case "registry":
                guard let identity = pin.string("identity"), let dot = identity.firstIndex(of: ".") else { continue }
                fullName = identity[..<dot] + "/" + identity[identity.index(after: dot)...]
            default:
                guard let location = pin.string("location") ?? pin.string("repositoryURL"),
                      let repository = repositoryName(location) else {
                    warnings.append(ScanWarning(path: file.path, reason: "pin \(pin.string("identity") ?? "?"): unreadable repository location, skipped"))
                    continue
                }
                fullName = repository
            }
            let parts = Lockfile.splitLast(fullName)
            collector.add(name: fullName, version: pinVersion, ecosystem: .swift,
                          purl: PURL(ecosystem: .swift, namespace: parts.namespace, name: parts.name, version: pinVersion))
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    /// `https://github.com/apple/swift-nio.git`, `git@github.com:apple/swift-nio.git` and
    /// `ssh://git@github.com:22/apple/swift-nio` → `github.com/apple/swift-nio`.
    func repositoryName(_ location: String) -> String? {
        var rest = Substring(location)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
        } else if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") {
            // scp-like `user@host:path`
            rest = rest[..<colon] + "/" + rest[rest.index(after: colon)...]
        } else {
            return nil
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        var host = rest[..<slash]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let port = host.firstIndex(of: ":") { host = host[..<port] }
        var path = rest[rest.index(after: slash)...]
        while path.hasSuffix("/") { path = path.dropLast() }
        if path.hasSuffix(".git") { path = path.dropLast(4) }
        guard !host.isEmpty, !path.isEmpty else { return nil }
        return host.lowercased() + "/" + path
    }
}
