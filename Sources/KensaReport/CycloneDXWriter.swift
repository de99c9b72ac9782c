import Foundation
import KensaCore

/// CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/).
///
/// The serial number is a version-5 UUID of the document's own bytes (rendered with an empty
/// serial number), so the same report always gives the same BOM; the timestamp comes from
/// `report.createdAt`, which the scan takes from `SOURCE_DATE_EPOCH` when it is set.
enum CycloneDXWriter {
    static let specVersion = "1.6"
    /// Property names are in kensa's own namespace (CycloneDX property taxonomy convention).
    static let propertyPrefix = "kensa:"

    static func write(_ report: Report) throws -> Data {
        var bom = BOM(report)
        let unsigned = try JSONOutput.encode(bom)
        bom.serialNumber = "urn:uuid:" + NameBasedUUID.forContent(unsigned)
        return try JSONOutput.encode(bom)
    }

    struct BOM: Encodable {
        var schema = "http://cyclonedx.org/schema/bom-1.6.schema.json"
        var bomFormat = "CycloneDX"
        var specVersion = CycloneDXWriter.specVersion
        var serialNumber = ""
        var version = 1
        var metadata: Metadata
        var components: [Component]
        var dependencies: [Dependency]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case bomFormat, specVersion, serialNumber, version, metadata, components, dependencies
        }

        init(_ report: Report) {
            let graph = SBOMGraph(report)
            let root = Component.root(report.artifact)
            metadata = Metadata(
                timestamp: Timestamp.string(report.createdAt),
                tools: Tools(components: [Component(type: "application", bomRef: nil, name: report.tool.name,
                                                    version: report.tool.version)]),
                component: root)

            var components: [Component] = []
            var dependencies: [Dependency] = []
            var rootDependsOn = graph.topLevel
            if let os = report.os {
                let osComponent = Component.operatingSystem(os)
                components.append(osComponent)
                rootDependsOn.append(osComponent.bomRef ?? "")
                dependencies.append(Dependency(ref: osComponent.bomRef ?? "", dependsOn: graph.osPackages.sorted()))
            }
            for node in graph.nodes {
                components.append(Component.package(node))
                dependencies.append(Dependency(ref: node.ref, dependsOn: graph.dependencies[node.ref] ?? []))
            }
            dependencies.append(Dependency(ref: root.bomRef ?? "", dependsOn: Array(Set(rootDependsOn)).sorted()))
            self.components = components
            self.dependencies = dependencies.sorted { $0.ref < $1.ref }
        }
    }

    struct Metadata: Encodable {
        var timestamp: String
        var tools: Tools
        var component: Component
    }

    struct Tools: Encodable {
        var components: [Component]
    }

    struct Component: Encodable {
        var type: String
        var bomRef: String?
        var group: String?
        var name: String
        var version: String?
        var description: String?
        var purl: String?
        var licenses: [LicenseChoice]?
        var properties: [Property]?

        enum CodingKeys: String, CodingKey {
            case type, bomRef = "bom-ref", group, name, version, description, purl, licenses, properties
        }

        /// The OS is one component; its packages hang from it in `dependencies`.
        static let osRef = "kensa:os"
        /// The scanned artifact's ref: fixed, since package refs all start with `pkg:`.
        static let rootRef = "kensa:artifact"

        static func root(_ artifact: Report.Artifact) -> Component {
            var properties = [Property("artifact:kind", artifact.kind.rawValue)]
            var purl: String?
            if let image = artifact.image {
                properties.append(Property("image:id", image.imageID))
                if let digest = image.manifestDigest { properties.append(Property("image:manifest-digest", digest)) }
                properties += image.repoTags.sorted().map { Property("image:repo-tag", $0) }
                if let os = image.os { properties.append(Property("image:os", os)) }
                if let architecture = image.architecture {
                    properties.append(Property("image:architecture", architecture))
                }
                if let variant = image.variant { properties.append(Property("image:variant", variant)) }
                // Numbered so the layer order (which is meaning) survives sorting by name.
                for (number, layer) in image.layers.enumerated() {
                    properties.append(Property("image:layer:\(number):diff-id", layer.diffID))
                    if layer.digest != layer.diffID {
                        properties.append(Property("image:layer:\(number):digest", layer.digest))
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
            return Component(type: type, bomRef: rootRef, name: artifact.name, purl: purl,
                             properties: Property.sorted(properties))
        }

        static func operatingSystem(_ os: OperatingSystem) -> Component {
            var properties: [Property] = []
            if let source = os.source { properties.append(Property("os:source", source)) }
            return Component(type: "operating-system", bomRef: osRef, name: os.family,
                             version: os.version.isEmpty ? nil : os.version, description: os.prettyName,
                             properties: properties.isEmpty ? nil : properties)
        }

        static func package(_ node: SBOMGraph.Node) -> Component {
            let package = node.package
            var group: String?
            var name = package.name
            // Maven's identity is group:artifact; CycloneDX has a field for the group.
            if package.ecosystem == .maven, let namespace = package.purl.namespace,
               name.hasPrefix(namespace + ":") {
                group = namespace
                name = String(name.dropFirst(namespace.count + 1))
            }
            var properties = [Property("package:found-by", package.foundBy),
                              Property("package:ecosystem", package.ecosystem.rawValue),
                              Property("package:location:path", package.location.path)]
            if let value = package.location.layerDigest { properties.append(Property("package:location:layer-digest", value)) }
            if let value = package.location.diffID { properties.append(Property("package:location:diff-id", value)) }
            if let value = package.sourceName { properties.append(Property("package:source-name", value)) }
            if let value = package.sourceVersion { properties.append(Property("package:source-version", value)) }
            if let value = package.architecture { properties.append(Property("package:architecture", value)) }
            if package.isDev { properties.append(Property("package:dev", "true")) }
            let licenses = LicenseChoice.choices(package.licenses)
            return Component(type: "library", bomRef: node.ref, group: group, name: name,
                             version: package.version.isEmpty ? nil : package.version,
                             purl: package.purl.description, licenses: licenses.isEmpty ? nil : licenses,
                             properties: Property.sorted(properties))
        }
    }

    /// CycloneDX's `licenseChoice`: either license objects, or exactly one expression.
    enum LicenseChoice: Encodable {
        case id(String)
        case name(String)
        case expression(String)

        private enum Keys: String, CodingKey { case license, expression, id, name }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .id(let id):
                var license = container.nestedContainer(keyedBy: Keys.self, forKey: .license)
                try license.encode(id, forKey: .id)
            case .name(let name):
                var license = container.nestedContainer(keyedBy: Keys.self, forKey: .license)
                try license.encode(name, forKey: .name)
            case .expression(let expression):
                try container.encode(expression, forKey: .expression)
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

    struct Property: Encodable {
        var name: String
        var value: String

        init(_ name: String, _ value: String) {
            self.name = CycloneDXWriter.propertyPrefix + name
            self.value = value
        }

        static func sorted(_ properties: [Property]) -> [Property] {
            properties.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        }
    }

    struct Dependency: Encodable {
        var ref: String
        var dependsOn: [String]
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
        if let colon = reference.lastIndex(of: ":"),
           !reference[colon...].contains("/") {
            return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
        }
        return (reference, nil)
    }
}
