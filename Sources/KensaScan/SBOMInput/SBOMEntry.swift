import KensaCore

/// What one SBOM element says about a package, whichever format and tool wrote it: the
/// CycloneDX and SPDX readers fill this in, and `package(from:)` turns it into a `Package`.
struct SBOMEntry {
    /// The element's own ID in the document (`bom-ref`, `SPDXID`), for dependency edges.
    var ref: String?
    var purl: String?
    /// CycloneDX `group` (Maven's groupId, npm's scope).
    var group: String?
    var name: String?
    var version: String?
    var licenses: [String] = []
    /// Properties by name, the first value of each (CycloneDX `properties`; Trivy's SPDX
    /// annotations under the same `aquasecurity:trivy:` names).
    var properties: [String: String] = [:]
    /// Facts recovered from SPDX `sourceInfo` text (kensa's, Trivy's and Syft's phrasing).
    var sourceName: String?
    var sourceVersion: String?
    var path: String?
    var foundBy: String?
    /// Which tool wrote the document, for `foundBy` when the element does not say.
    var tool: String

    mutating func addProperty(_ name: String?, _ value: String?) {
        guard let name, let value, !name.isEmpty, !value.isEmpty, properties[name] == nil else { return }
        properties[name] = value
    }
}

extension SBOMEntry {
    /// The package this element describes; `os` is not applied yet (the readers do that once
    /// for all packages, as a directory scan does).
    func package() throws(SBOMSkip) -> Package {
        guard let text = SBOMText.nonEmpty(purl) else { throw .noPURL }
        guard var purl = PURL(parsing: text) else { throw .unreadablePURL(text) }
        guard let ecosystem = Ecosystem(rawValue: purl.type) else { throw .unsupportedType(purl.type) }

        guard var version = SBOMText.nonEmpty(version) ?? purl.version else { throw .noVersion }
        // Trivy writes deb/rpm purls without the epoch, in an `epoch` qualifier; the version
        // the distro compares carries it (`1:2.38.1-5+deb12u3`).
        if ecosystem == .deb || ecosystem == .rpm, let epoch = purl.qualifiers["epoch"], epoch != "0",
           !version.contains(":") {
            version = epoch + ":" + version
        }
        if ecosystem == .deb, purl.qualifiers["epoch"] != nil {
            // kensa's deb purls keep the epoch in the version, as dpkg prints it.
            purl.qualifiers["epoch"] = nil
            purl.version = version
        }

        var package = Package(name: displayName(purl: purl, ecosystem: ecosystem), version: version,
                              ecosystem: ecosystem, purl: purl, foundBy: foundByName,
                              licenses: licenses, location: .init(path: locationPath))
        let source = self.source(purl: purl, ecosystem: ecosystem)
        package.sourceName = source.name
        package.sourceVersion = source.version ?? (source.name == nil ? nil : version)
        if ecosystem == .deb || ecosystem == .apk, package.sourceName == nil {
            // As the dpkg and apk analyzers do: a package without a separate source is its own.
            package.sourceName = package.name
            package.sourceVersion = version
        }
        package.architecture = property("kensa:package:architecture") ?? SBOMText.nonEmpty(purl.qualifiers["arch"])
        package.location.layerDigest = property("kensa:package:location:layer-digest")
            ?? property("aquasecurity:trivy:LayerDigest")
        package.location.diffID = property("kensa:package:location:diff-id")
            ?? property("aquasecurity:trivy:LayerDiffID") ?? property("syft:location:0:layerID")
        package.isDev = property("kensa:package:dev") == "true"
        return package
    }

    private func property(_ name: String) -> String? { SBOMText.nonEmpty(properties[name]) }

    private var foundByName: String {
        if let kensa = property("kensa:package:found-by") { return kensa }
        if let foundBy = SBOMText.nonEmpty(foundBy) { return foundBy }
        if let type = property("aquasecurity:trivy:PkgType") { return "trivy:" + type }
        if let cataloger = property("syft:package:foundBy") { return "syft:" + cataloger }
        return tool
    }

    /// Relative to the scanned root, as kensa writes locations (Syft writes `/var/lib/…`).
    private var locationPath: String {
        let raw = property("kensa:package:location:path") ?? property("aquasecurity:trivy:FilePath")
            ?? property("syft:location:0:path") ?? SBOMText.nonEmpty(path) ?? ""
        return String(raw.drop { $0 == "/" })
    }

    /// The name kensa's analyzers give: Maven `group:artifact`, npm `@scope/name`, Go and
    /// Composer paths; the document's spelling when it is the same name (PyPI `PyYAML`).
    private func displayName(purl: PURL, ecosystem: Ecosystem) -> String {
        let fromPURL: String
        switch (ecosystem, purl.namespace) {
        case (.maven, let namespace?): fromPURL = namespace + ":" + purl.name
        case (.npm, let namespace?), (.golang, let namespace?), (.composer, let namespace?), (.swift, let namespace?):
            fromPURL = namespace + "/" + purl.name
        default: fromPURL = purl.name
        }
        guard let name = SBOMText.nonEmpty(name) else { return fromPURL }
        let written: String
        if let group = SBOMText.nonEmpty(group), !name.contains(":"), !name.contains("/") {
            written = group + (ecosystem == .maven ? ":" : "/") + name
        } else {
            written = name
        }
        return Self.loose(written) == Self.loose(fromPURL) ? written : fromPURL
    }

    private static func loose(_ name: String) -> String {
        String(name.lowercased().map { $0 == "_" || $0 == "." ? "-" : $0 })
    }

    /// The source package, from whichever convention the document uses.
    private func source(purl: PURL, ecosystem: Ecosystem) -> (name: String?, version: String?) {
        if let name = property("kensa:package:source-name") {
            return (name, property("kensa:package:source-version"))
        }
        if let name = property("aquasecurity:trivy:SrcName") {
            // Trivy splits the source version like its package versions: epoch, version, release.
            var version = property("aquasecurity:trivy:SrcVersion")
            if let v = version, let release = property("aquasecurity:trivy:SrcRelease") { version = v + "-" + release }
            if let v = version, let epoch = property("aquasecurity:trivy:SrcEpoch"), epoch != "0" { version = epoch + ":" + v }
            return (name, version)
        }
        if let name = property("syft:metadata:source") {
            return (name, property("syft:metadata:sourceVersion"))
        }
        if let origin = property("syft:metadata:originPackage") {
            return (origin, nil)
        }
        if let upstream = SBOMText.nonEmpty(purl.qualifiers["upstream"]) {
            // Syft: `upstream=util-linux@2.38.1-5+deb12u3`, or the name alone.
            if let at = upstream.firstIndex(of: "@") {
                return (String(upstream[..<at]), SBOMText.nonEmpty(String(upstream[upstream.index(after: at)...])))
            }
            return (upstream, nil)
        }
        if ecosystem == .rpm, let rpm = property("syft:metadata:sourceRpm"), let parsed = Self.sourceRPM(rpm) {
            return (parsed.name, parsed.version)
        }
        if let name = sourceName { return (name, sourceVersion) }
        return (nil, nil)
    }

    /// `bash-5.1.8-6.el9.src.rpm` → (`bash`, `5.1.8-6.el9`).
    static func sourceRPM(_ file: String) -> (name: String, version: String)? {
        var base = Substring(file)
        for suffix in [".src.rpm", ".nosrc.rpm"] where base.hasSuffix(suffix) { base = base.dropLast(suffix.count) }
        guard let releaseDash = base.lastIndex(of: "-") else { return nil }
        let head = base[..<releaseDash]
        guard let versionDash = head.lastIndex(of: "-") else { return nil }
        let name = head[..<versionDash]
        let version = base[base.index(after: versionDash)...]
        guard !name.isEmpty, !version.isEmpty else { return nil }
        return (String(name), String(version))
    }
}

/// Text as SBOM readers want it: trimmed, and nil when nothing is left.
enum SBOMText {
    static func nonEmpty(_ text: String?) -> String? {
        guard let text else { return nil }
        var view = Substring(text)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return view.isEmpty ? nil : String(view)
    }
}
