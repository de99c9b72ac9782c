import KensaCore

/// npm naming shared by the npm, Yarn and pnpm lock files.
enum NpmNames {
    /// `pkg:npm/%40scope/name@1.0.0` for `@scope/name`; nil for names npm would refuse.
    static func purl(name: String, version: String) -> PURL? {
        guard !name.isEmpty, !version.isEmpty else { return nil }
        if name.hasPrefix("@") {
            let parts = Lockfile.splitLast(name)
            guard let scope = parts.namespace, scope.count > 1, !parts.name.isEmpty, !scope.dropFirst().contains("/")
            else { return nil }
            return PURL(ecosystem: .npm, namespace: scope, name: parts.name, version: version)
        }
        guard !name.contains("/") else { return nil }
        return PURL(ecosystem: .npm, name: name, version: version)
    }

    /// Splits `name@range` (and `@scope/name@range`) at the `@` that ends the name.
    static func splitSpecifier<S: StringProtocol>(_ specifier: S) -> (name: String, range: String)? {
        let body = specifier.dropFirst(specifier.hasPrefix("@") ? 1 : 0)
        guard let at = body.firstIndex(of: "@") else { return nil }
        let name = String(specifier[specifier.startIndex..<at])
        let range = String(specifier[specifier.index(after: at)...])
        return name.isEmpty ? nil : (name, range)
    }

    /// `@scope/name` back from a purl.
    static func fullName(_ purl: PURL) -> String {
        purl.namespace.map { $0 + "/" + purl.name } ?? purl.name
    }
}
