import Foundation
import KensaCore

/// Installed npm packages: `node_modules/<name>/package.json` and
/// `node_modules/@scope/<name>/package.json`, at any depth of nested `node_modules`.
/// Other `package.json` files inside a package (`dist/esm/package.json`, test fixtures) are
/// not packages and are not wanted.
struct NodePackageAnalyzer: Analyzer {
    let name = "node-pkg"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        guard path.hasSuffix("/package.json"), let range = path.range(of: "node_modules/", options: .backwards) else {
            return false
        }
        guard range.lowerBound == path.startIndex || path[path.index(before: range.lowerBound)] == "/" else { return false }
        let rest = path[range.upperBound...].dropLast("/package.json".count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return !parts[0].isEmpty && !parts[0].hasPrefix(".") && !parts[0].hasPrefix("@")
        case 2: return parts[0].hasPrefix("@") && parts[0].count > 1 && !parts[1].isEmpty
        default: return false
        }
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        guard let object = try file.jsonObject() as? [String: Any] else {
            throw KensaError(.malformed, input: file.path, reason: "package.json is not a JSON object")
        }
        // A package.json without name or version (a workspace root, a private stub) names
        // no installable package.
        guard let packageName = JSONValue.string(object["name"]), let packageVersion = JSONValue.string(object["version"]) else {
            return .empty
        }
        let package = Package(name: packageName, version: packageVersion, ecosystem: .npm,
                              purl: Self.purl(name: packageName, version: packageVersion), foundBy: name,
                              licenses: Self.licenses(object), location: .init(path: file.path))
        return AnalyzerOutput(packages: [package])
    }

    /// `@babel/core` → namespace `@babel`, name `core`.
    static func purl(name: String, version: String) -> PURL {
        if name.hasPrefix("@"), let slash = name.firstIndex(of: "/") {
            return PURL(ecosystem: .npm, namespace: String(name[..<slash]),
                        name: String(name[name.index(after: slash)...]), version: version)
        }
        return PURL(ecosystem: .npm, name: name, version: version)
    }

    /// `"license": "MIT"`, the old `{"type": "MIT"}` object, or the older `licenses` array.
    static func licenses(_ object: [String: Any]) -> [String] {
        if let text = JSONValue.string(object["license"]) { return [text] }
        if let typed = object["license"] as? [String: Any], let text = JSONValue.string(typed["type"]) { return [text] }
        if let list = object["licenses"] as? [Any] {
            return list.compactMap { item in
                JSONValue.string(item) ?? (item as? [String: Any]).flatMap { JSONValue.string($0["type"]) }
            }
        }
        return []
    }
}
