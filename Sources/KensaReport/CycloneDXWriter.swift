import Foundation
import KensaCore

/// CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/).
///
/// The scanned artifact is `metadata.component`; the OS is one `operating-system` component
/// that depends on the OS packages; the artifact depends on the OS and on every other package
/// nothing else depends on. The serial number is a version-5 UUID of the document's own bytes,
/// so the same report always gives the same BOM; the timestamp comes from `report.createdAt`,
/// which the scan takes from `SOURCE_DATE_EPOCH` when it is set. Vulnerability findings, when
/// the report has any, are the BOM's `vulnerabilities` (`CycloneDXVulnerabilities`).
enum CycloneDXWriter {
    static let specVersion = "1.6"
    /// Property names are in kensa's own namespace (CycloneDX property taxonomy convention).
    static let propertyPrefix = "kensa:"
    /// Package refs all start with `pkg:`, so these cannot collide with them.
    static let rootRef = "kensa:artifact"
    static let osRef = "kensa:os"

    static func write(_ report: Report) -> Data {
        let bytes = document(report, serialNumber: "urn:uuid:" + ContentID.placeholder).bytes
        return Data(ContentID.fill(bytes, key: "serialNumber", valuePrefix: "urn:uuid:"))
    }

    static func document(_ report: Report, serialNumber: String) -> JSON {
        let graph = SBOMGraph(report)
        var components: [JSON] = []
        var dependencies: [(ref: String, dependsOn: [String])] = []
        var rootDependsOn = graph.topLevel
        if let os = report.os {
            components.append(operatingSystem(os))
            rootDependsOn.append(osRef)
            dependencies.append((osRef, graph.osPackages.sorted()))
        }
        for node in graph.nodes {
            components.append(package(node))
            dependencies.append((node.ref, graph.dependencies[node.ref] ?? []))
        }
        dependencies.append((rootRef, Array(Set(rootDependsOn)).sorted()))
        dependencies.sort { $0.ref < $1.ref }

        return .object(dropping: [
            "$schema": .string("http://cyclonedx.org/schema/bom-1.6.schema.json"),
            "bomFormat": .string("CycloneDX"),
            "specVersion": .string(specVersion),
            "serialNumber": .string(serialNumber),
            "version": .int(1),
            "metadata": .object([
                "timestamp": .string(Timestamp.string(report.createdAt)),
                "tools": .object(["components": .array([.object([
                    "type": .string("application"),
                    "name": .string(report.tool.name),
                    "version": .string(report.tool.version),
                ])])]),
                "component": root(report.artifact),
            ]),
            "components": .array(components),
            "dependencies": .array(dependencies.map { dependency in
                // An empty `dependsOn` says "no dependencies" (CycloneDX 1.6 `dependency`).
                .object(["ref": .string(dependency.ref), "dependsOn": .strings(dependency.dependsOn)])
            }),
            "vulnerabilities": CycloneDXVulnerabilities.entries(report, graph: graph),
        ])
    }

    static func root(_ artifact: Report.Artifact) -> JSON {
        var properties = [property("artifact:kind", artifact.kind.rawValue)]
        var purl: String?
        if let image = artifact.image {
            properties.append(property("image:id", image.imageID))
            if let digest = image.manifestDigest { properties.append(property("image:manifest-digest", digest)) }
            properties += image.repoTags.sorted().map { property("image:repo-tag", $0) }
            if let os = image.os { properties.append(property("image:os", os)) }
            if let architecture = image.architecture { properties.append(property("image:architecture", architecture)) }
            if let variant = image.variant { properties.append(property("image:variant", variant)) }
            // Numbered so that the layer order (which is meaning) survives sorting by name.
            for (number, layer) in image.layers.enumerated() {
                properties.append(property("image:layer:\(number):diff-id", layer.diffID))
                if layer.digest != layer.diffID {
                    properties.append(property("image:layer:\(number):digest", layer.digest))
                }
            }
            purl = ImagePURL.make(name: artifact.name, image: image)?.description
        }
        let type: String
        switch artifact.kind {
        case .containerImage: type = "container"
        case .rootfs: type = "file"
        case .filesystem: type = "application"
        }
        return .object(dropping: [
            "type": .string(type),
            "bom-ref": .string(rootRef),
            "name": .string(artifact.name),
            "purl": purl.map(JSON.string),
            "properties": sorted(properties),
        ])
    }

    static func operatingSystem(_ os: OperatingSystem) -> JSON {
        .object(dropping: [
            "type": .string("operating-system"),
            "bom-ref": .string(osRef),
            "name": .string(os.family),
            "version": os.version.isEmpty ? nil : .string(os.version),
            "description": os.prettyName.map(JSON.string),
            "properties": os.source.map { sorted([property("os:source", $0)]) },
        ])
    }

    static func package(_ node: SBOMGraph.Node) -> JSON {
        let package = node.package
        var group: String?
        var name = package.name
        // Maven's identity is group:artifact; CycloneDX has a field for the group.
        if package.ecosystem == .maven, let namespace = package.purl.namespace, name.hasPrefix(namespace + ":") {
            group = namespace
            name = String(name.dropFirst(namespace.count + 1))
        }
        var properties = [property("package:found-by", package.foundBy),
                          property("package:ecosystem", package.ecosystem.rawValue),
                          property("package:location:path", package.location.path)]
        if let value = package.location.layerDigest { properties.append(property("package:location:layer-digest", value)) }
        if let value = package.location.diffID { properties.append(property("package:location:diff-id", value)) }
        if let value = package.sourceName { properties.append(property("package:source-name", value)) }
        if let value = package.sourceVersion { properties.append(property("package:source-version", value)) }
        if let value = package.architecture { properties.append(property("package:architecture", value)) }
        if package.isDev { properties.append(property("package:dev", "true")) }
        let licenses = LicenseChoice.choices(package.licenses)
        return .object(dropping: [
            "type": .string("library"),
            "bom-ref": .string(node.ref),
            "group": group.map(JSON.string),
            "name": .string(name),
            "version": package.version.isEmpty ? nil : .string(package.version),
            "purl": .string(node.purl),
            "licenses": licenses.isEmpty ? nil : .array(licenses.map(\.json)),
            "properties": sorted(properties),
        ])
    }

    static func property(_ name: String, _ value: String) -> (name: String, value: String) {
        (propertyPrefix + name, value)
    }

    static func sorted(_ properties: [(name: String, value: String)]) -> JSON {
        .array(properties.sorted { ($0.name, $0.value) < ($1.name, $1.value) }.map {
            .object(["name": .string($0.name), "value": .string($0.value)])
        })
    }

    /// CycloneDX's `licenseChoice`: either license objects, or exactly one expression.
    enum LicenseChoice: Equatable {
        case id(String)
        case name(String)
        case expression(String)

        var json: JSON {
            switch self {
            case .id(let id): .object(["license": .object(["id": .string(id)])])
            case .name(let name): .object(["license": .object(["name": .string(name)])])
            case .expression(let expression): .object(["expression": .string(expression)])
            }
        }

        /// IDs and free text become license objects. A compound expression must stand alone,
        /// so when one is present and everything else is an ID or expression, all of them are
        /// joined with AND into a single expression; mixed with free text, the expression is
        /// kept as a named license instead (still readable, nothing lost).
        static func choices(_ raw: [String]) -> [LicenseChoice] {
            var seen = Set<String>()
            let classes = raw.map(LicenseClass.init).filter { license in
                switch license {
                case .text(let text): return !text.isEmpty && seen.insert("t:" + text).inserted
                case .id(let id): return seen.insert("i:" + id).inserted
                case .expression(let expression): return seen.insert("e:" + expression.text).inserted
                }
            }
            let hasExpression = classes.contains { if case .expression = $0 { true } else { false } }
            let hasText = classes.contains { if case .text = $0 { true } else { false } }
            if hasExpression && !hasText {
                let parts = classes.compactMap { license -> LicenseExpression? in
                    switch license {
                    case .id(let id): return .license(id, orLater: false)
                    case .expression(let expression): return expression
                    case .text: return nil
                    }
                }
                return LicenseExpression.all(parts).map { [.expression($0.text)] } ?? []
            }
            return classes.map { license in
                switch license {
                case .id(let id): return .id(id)
                case .expression(let expression): return .name(expression.text)
                case .text(let text): return .name(text)
                }
            }
        }
    }
}

/// The package-url of a container image (purl-spec `oci` type): only when the manifest digest
/// is known, since the digest is the purl's version.
enum ImagePURL {
    static func make(name: String, image: ImageMetadata) -> PURL? {
        guard let digest = image.manifestDigest, !digest.isEmpty else { return nil }
        let reference = image.repoTags.sorted().first ?? name
        let (repository, tag) = split(reference)
        guard let last = repository.split(separator: "/").last, !last.isEmpty else { return nil }
        var qualifiers: [String: String] = [:]
        if let architecture = image.architecture { qualifiers["arch"] = architecture }
        if repository.contains("/") { qualifiers["repository_url"] = repository.lowercased() }
        if let tag { qualifiers["tag"] = tag }
        return PURL(type: "oci", name: last.lowercased(), version: digest, qualifiers: qualifiers)
    }

    /// `registry/repo:tag` → (`registry/repo`, `tag`); a colon before the last slash is a port.
    static func split(_ reference: String) -> (String, String?) {
        var reference = reference
        if let at = reference.firstIndex(of: "@") { reference = String(reference[..<at]) }
        if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
            return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
        }
        return (reference, nil)
    }
}
