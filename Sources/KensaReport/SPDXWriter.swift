import Foundation
import KensaCore

/// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/).
///
/// The document describes one package for the scanned artifact, which CONTAINS the OS package
/// (which CONTAINS the OS packages) and every other package; DEPENDS_ON relationships come
/// from `Package.dependsOn`. The namespace ends in a version-5 UUID of the document's own bytes
/// (written with a placeholder UUID), so the same report always gives the same document.
enum SPDXWriter {
    static let spdxVersion = "SPDX-2.3"
    static let noAssertion = "NOASSERTION"

    static func write(_ report: Report) -> Data {
        let prefix = namespacePrefix(report.artifact)
        let bytes = document(report, namespace: prefix + ContentID.placeholder).bytes
        return Data(ContentID.fill(bytes, key: "documentNamespace", valuePrefix: prefix))
    }

    /// In the form of SPDX 2.3 §6.5's example (`https://spdx.org/spdxdocs/<name>-<UUID>`): kensa
    /// has no domain of its own, and the URI only has to be unique, not resolvable.
    static func namespacePrefix(_ artifact: Report.Artifact) -> String {
        "https://spdx.org/spdxdocs/kensa-" + artifact.kind.rawValue.replacingOccurrences(of: "_", with: "-") + "-"
            + idString(artifact.name, maxLength: 64) + "-"
    }

    static func document(_ report: Report, namespace: String) -> JSON {
        let graph = SBOMGraph(report)
        var licenses = ExtractedLicenses()
        var ids = ElementIDs()

        let rootID = ids.make(prefix: "Artifact", key: "artifact")
        var packages = [root(report.artifact, id: rootID)]
        var relationships: [Relationship] = [("SPDXRef-DOCUMENT", "DESCRIBES", rootID)]
        var osID: String?
        if let os = report.os {
            let id = ids.make(prefix: "OperatingSystem", key: "os")
            osID = id
            packages.append(operatingSystem(os, id: id))
            relationships.append((rootID, "CONTAINS", id))
        }
        var refToID: [String: String] = [:]
        for node in graph.nodes {
            let id = ids.make(prefix: "Package-" + node.package.ecosystem.rawValue + "-"
                              + idString(node.package.name, maxLength: 40), key: node.ref)
            refToID[node.ref] = id
            packages.append(package(node.package, purl: node.purl, id: id, licenses: &licenses))
        }
        let osPackages = Set(graph.osPackages)
        for node in graph.nodes {
            guard let id = refToID[node.ref] else { continue }
            relationships.append((osPackages.contains(node.ref) ? (osID ?? rootID) : rootID, "CONTAINS", id))
            for target in graph.dependencies[node.ref] ?? [] {
                if let targetID = refToID[target] { relationships.append((id, "DEPENDS_ON", targetID)) }
            }
        }
        relationships.sort { ($0.element, $0.type, $0.related) < ($1.element, $1.type, $1.related) }
        let extracted = licenses.infos

        return .object(dropping: [
            "spdxVersion": .string(spdxVersion),
            "dataLicense": .string("CC0-1.0"),
            "SPDXID": .string("SPDXRef-DOCUMENT"),
            "name": .string(report.artifact.name.isEmpty ? "kensa-scan" : report.artifact.name),
            "documentNamespace": .string(namespace),
            "creationInfo": .object([
                "created": .string(Timestamp.string(report.createdAt)),
                "creators": .strings(["Tool: \(report.tool.name)-\(report.tool.version)"]),
                // The list the license IDs were checked against, as `M.N`.
                "licenseListVersion": .string(SPDXLicenseList.version.split(separator: ".").prefix(2).joined(separator: ".")),
            ]),
            "packages": .array(packages),
            "relationships": .array(relationships.map {
                .object(["spdxElementId": .string($0.element), "relationshipType": .string($0.type),
                         "relatedSpdxElement": .string($0.related)])
            }),
            "hasExtractedLicensingInfos": extracted.isEmpty ? nil : .array(extracted.map {
                .object(["licenseId": .string($0.licenseId), "name": .string($0.name),
                         "extractedText": .string($0.extractedText)])
            }),
        ])
    }

    typealias Relationship = (element: String, type: String, related: String)

    /// The fields every package has: nothing downloaded, no files analysed, no license concluded.
    static func basePackage(id: String, name: String) -> [String: JSON?] {
        [
            "SPDXID": .string(id),
            "name": .string(name.isEmpty ? "unnamed" : name),
            "downloadLocation": .string(noAssertion),
            "filesAnalyzed": .bool(false),
            "licenseConcluded": .string(noAssertion),
            "licenseDeclared": .string(noAssertion),
            "copyrightText": .string(noAssertion),
        ]
    }

    static func root(_ artifact: Report.Artifact, id: String) -> JSON {
        var fields = basePackage(id: id, name: artifact.name)
        switch artifact.kind {
        case .containerImage: fields["primaryPackagePurpose"] = .string("CONTAINER")
        case .rootfs: fields["primaryPackagePurpose"] = .string("OTHER")
        case .filesystem: fields["primaryPackagePurpose"] = .string("SOURCE")
        }
        if let image = artifact.image {
            fields["versionInfo"] = .string(image.manifestDigest ?? image.imageID)
            var facts = ["image ID: \(image.imageID)"]
            if let digest = image.manifestDigest { facts.append("manifest digest: \(digest)") }
            if !image.repoTags.isEmpty { facts.append("repo tags: " + image.repoTags.sorted().joined(separator: ", ")) }
            if let os = image.os, let architecture = image.architecture {
                facts.append("platform: \(os)/\(architecture)" + (image.variant.map { "/\($0)" } ?? ""))
            }
            if !image.layers.isEmpty {
                facts.append("layer diff IDs: " + image.layers.map(\.diffID).joined(separator: ", "))
            }
            fields["comment"] = .string(facts.joined(separator: "; "))
            if let purl = ImagePURL.make(name: artifact.name, image: image) {
                fields["externalRefs"] = externalRefs(purl.description)
            }
        }
        return .object(dropping: fields)
    }

    static func operatingSystem(_ os: OperatingSystem, id: String) -> JSON {
        var fields = basePackage(id: id, name: os.family)
        fields["versionInfo"] = os.version.isEmpty ? nil : .string(os.version)
        fields["primaryPackagePurpose"] = .string("OPERATING-SYSTEM")
        fields["comment"] = os.prettyName.map(JSON.string)
        fields["sourceInfo"] = os.source.map { .string("identified from \($0)") }
        return .object(dropping: fields)
    }

    static func package(_ package: Package, purl: String, id: String, licenses: inout ExtractedLicenses) -> JSON {
        var fields = basePackage(id: id, name: package.name)
        fields["versionInfo"] = package.version.isEmpty ? nil : .string(package.version)
        fields["licenseDeclared"] = .string(licenses.declared(package.licenses))
        fields["primaryPackagePurpose"] = .string("LIBRARY")
        fields["supplier"] = .string(noAssertion)
        var facts = ["found by \(package.foundBy) in \(package.location.path)"]
        if let layer = package.location.layerDigest { facts.append("layer \(layer)") }
        if let diffID = package.location.diffID { facts.append("diff ID \(diffID)") }
        if let source = package.sourceName {
            facts.append("built from source package \(source)" + (package.sourceVersion.map { " \($0)" } ?? ""))
        } else if let version = package.sourceVersion {
            facts.append("built from source version \(version)")
        }
        if package.isDev { facts.append("development dependency") }
        fields["sourceInfo"] = .string(facts.joined(separator: "; "))
        fields["externalRefs"] = externalRefs(purl)
        return .object(dropping: fields)
    }

    static func externalRefs(_ purl: String) -> JSON {
        .array([.object([
            "referenceCategory": .string("PACKAGE-MANAGER"),
            "referenceType": .string("purl"),
            "referenceLocator": .string(purl),
        ])])
    }

    struct ExtractedLicense {
        var licenseId: String
        var name: String
        var extractedText: String
    }

    /// Free-text licenses become `LicenseRef-` IDs declared once in `hasExtractedLicensingInfos`.
    struct ExtractedLicenses {
        private var idByText: [String: String] = [:]
        private var textByID: [String: String] = [:]

        /// Sorted by ID.
        var infos: [ExtractedLicense] {
            textByID.keys.sorted().map { ExtractedLicense(licenseId: $0, name: textByID[$0] ?? $0, extractedText: textByID[$0] ?? $0) }
        }

        /// A package's `licenseDeclared`: its licenses joined with AND, or NOASSERTION.
        mutating func declared(_ raw: [String]) -> String {
            var parts: [String] = []
            var seen = Set<String>()
            for text in raw {
                let part: String
                switch LicenseClass(text) {
                case .id(let id): part = id
                case .expression(let expression):
                    if case .or = expression { part = "(" + expression.text + ")" } else { part = expression.text }
                case .text(let text):
                    guard !text.isEmpty else { continue }
                    part = reference(for: text)
                }
                if seen.insert(part).inserted { parts.append(part) }
            }
            return parts.isEmpty ? SPDXWriter.noAssertion : parts.joined(separator: " AND ")
        }

        private mutating func reference(for text: String) -> String {
            if let id = idByText[text] { return id }
            var id = SPDXWriter.licenseRef(text)
            if textByID[id] != nil {
                // `Proprietary` and `LicenseRef-Proprietary` both want `LicenseRef-Proprietary`.
                let base = id + "-" + Array(SHA1.hash(text).prefix(4)).hexString
                id = base
                var counter = 2
                while textByID[id] != nil {
                    id = base + "-\(counter)"
                    counter += 1
                }
            }
            idByText[text] = id
            textByID[id] = text
            return id
        }
    }

    /// `LicenseRef-` plus the text in the characters an idstring allows; when that loses
    /// anything, a short hash of the original keeps distinct texts distinct.
    static func licenseRef(_ text: String) -> String {
        if text.hasPrefix("LicenseRef-"), text.count > 11, text.unicodeScalars.allSatisfy(isIDScalar) {
            return text
        }
        let cleaned = idString(text, maxLength: 64)
        if cleaned == text { return "LicenseRef-" + cleaned }
        return "LicenseRef-" + cleaned + "-" + Array(SHA1.hash(text).prefix(4)).hexString
    }

    static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-": return true
        default: return false
        }
    }

    /// Letters, digits, `.` and `-` only (SPDX idstring), runs of anything else as one `-`.
    static func idString(_ text: String, maxLength: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if isIDScalar(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out.append("-")
            }
            if out.count >= maxLength { break }
        }
        while out.hasPrefix("-") { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "unnamed" : out
    }

    /// SPDX element IDs: `SPDXRef-<prefix>-<hash of key>`, unique within the document.
    struct ElementIDs {
        private var used = Set<String>()

        mutating func make(prefix: String, key: String) -> String {
            let base = "SPDXRef-\(prefix)-" + Array(SHA1.hash(key).prefix(8)).hexString
            var id = base
            var counter = 2
            while used.contains(id) {
                id = base + "-\(counter)"
                counter += 1
            }
            used.insert(id)
            return id
        }
    }
}
