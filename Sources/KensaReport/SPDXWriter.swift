import Foundation
import KensaCore

/// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/).
///
/// The document describes one package for the scanned artifact, which CONTAINS the OS package
/// (which CONTAINS the OS packages) and every other package; DEPENDS_ON relationships come
/// from `Package.dependsOn`. The namespace ends in a version-5 UUID of the document's own bytes
/// (rendered with an empty namespace), so the same report always gives the same document.
enum SPDXWriter {
    static let spdxVersion = "SPDX-2.3"
    static let noAssertion = "NOASSERTION"

    static func write(_ report: Report) throws -> Data {
        var document = Document(report)
        let unsigned = try JSONOutput.encode(document)
        document.documentNamespace = namespacePrefix(report.artifact) + NameBasedUUID.forContent(unsigned)
        return try JSONOutput.encode(document)
    }

    /// SPDX 2.3 §6.5 lets creators without a domain of their own use
    /// `https://spdx.org/spdxdocs/` followed by a document name and a UUID.
    static func namespacePrefix(_ artifact: Report.Artifact) -> String {
        "https://spdx.org/spdxdocs/kensa-" + artifact.kind.rawValue.replacingOccurrences(of: "_", with: "-") + "-"
            + idString(artifact.name, maxLength: 64) + "-"
    }

    struct Document: Encodable {
        var spdxVersion = SPDXWriter.spdxVersion
        var dataLicense = "CC0-1.0"
        var SPDXID = "SPDXRef-DOCUMENT"
        var name: String
        var documentNamespace = ""
        var creationInfo: CreationInfo
        var packages: [SPDXPackage]
        var relationships: [Relationship]
        var hasExtractedLicensingInfos: [ExtractedLicense]?

        init(_ report: Report) {
            let graph = SBOMGraph(report)
            name = report.artifact.name.isEmpty ? "kensa-scan" : report.artifact.name
            creationInfo = CreationInfo(created: Timestamp.string(report.createdAt),
                                        creators: ["Tool: \(report.tool.name)-\(report.tool.version)"])
            var licenses = ExtractedLicenses()
            var ids = ElementIDs()

            let root = SPDXPackage.root(report.artifact, id: ids.make(prefix: "Artifact", key: "artifact"))
            var packages = [root]
            var relationships = [Relationship(spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES",
                                              relatedSpdxElement: root.SPDXID)]
            var osID: String?
            if let os = report.os {
                let osPackage = SPDXPackage.operatingSystem(os, id: ids.make(prefix: "OperatingSystem", key: "os"))
                osID = osPackage.SPDXID
                packages.append(osPackage)
                relationships.append(Relationship(spdxElementId: root.SPDXID, relationshipType: "CONTAINS",
                                                  relatedSpdxElement: osPackage.SPDXID))
            }
            var refToID: [String: String] = [:]
            for node in graph.nodes {
                let id = ids.make(prefix: "Package-" + node.package.ecosystem.rawValue + "-"
                                    + SPDXWriter.idString(node.package.name, maxLength: 40), key: node.ref)
                refToID[node.ref] = id
                packages.append(SPDXPackage.package(node.package, id: id, licenses: &licenses))
            }
            let osPackages = Set(graph.osPackages)
            for node in graph.nodes {
                guard let id = refToID[node.ref] else { continue }
                let container = osPackages.contains(node.ref) ? (osID ?? root.SPDXID) : root.SPDXID
                relationships.append(Relationship(spdxElementId: container, relationshipType: "CONTAINS",
                                                  relatedSpdxElement: id))
                for target in graph.dependencies[node.ref] ?? [] {
                    if let targetID = refToID[target] {
                        relationships.append(Relationship(spdxElementId: id, relationshipType: "DEPENDS_ON",
                                                          relatedSpdxElement: targetID))
                    }
                }
            }
            self.packages = packages
            self.relationships = relationships.sorted {
                ($0.spdxElementId, $0.relationshipType, $0.relatedSpdxElement)
                    < ($1.spdxElementId, $1.relationshipType, $1.relatedSpdxElement)
            }
            hasExtractedLicensingInfos = licenses.infos.isEmpty ? nil : licenses.infos
        }
    }

    struct CreationInfo: Encodable {
        var created: String
        var creators: [String]
    }

    struct SPDXPackage: Encodable {
        var SPDXID: String
        var name: String
        var versionInfo: String?
        var downloadLocation = SPDXWriter.noAssertion
        var filesAnalyzed = false
        var licenseConcluded = SPDXWriter.noAssertion
        var licenseDeclared = SPDXWriter.noAssertion
        var copyrightText = SPDXWriter.noAssertion
        var supplier: String?
        var primaryPackagePurpose: String?
        var sourceInfo: String?
        var comment: String?
        var externalRefs: [ExternalRef]?

        static func root(_ artifact: Report.Artifact, id: String) -> SPDXPackage {
            var package = SPDXPackage(SPDXID: id, name: artifact.name.isEmpty ? "unnamed" : artifact.name)
            switch artifact.kind {
            case .containerImage: package.primaryPackagePurpose = "CONTAINER"
            case .rootfs: package.primaryPackagePurpose = "OTHER"
            case .filesystem: package.primaryPackagePurpose = "SOURCE"
            }
            if let image = artifact.image {
                package.versionInfo = image.manifestDigest ?? image.imageID
                var facts = ["image ID: \(image.imageID)"]
                if let digest = image.manifestDigest { facts.append("manifest digest: \(digest)") }
                if !image.repoTags.isEmpty { facts.append("repo tags: " + image.repoTags.sorted().joined(separator: ", ")) }
                if let os = image.os, let architecture = image.architecture {
                    facts.append("platform: \(os)/\(architecture)" + (image.variant.map { "/\($0)" } ?? ""))
                }
                if !image.layers.isEmpty {
                    facts.append("layer diff IDs: " + image.layers.map(\.diffID).joined(separator: ", "))
                }
                package.comment = facts.joined(separator: "; ")
                if let purl = ImagePURL.make(name: artifact.name, image: image) {
                    package.externalRefs = [ExternalRef(purl: purl.description)]
                }
            }
            return package
        }

        static func operatingSystem(_ os: OperatingSystem, id: String) -> SPDXPackage {
            var package = SPDXPackage(SPDXID: id, name: os.family.isEmpty ? "unknown" : os.family)
            package.versionInfo = os.version.isEmpty ? nil : os.version
            package.primaryPackagePurpose = "OPERATING-SYSTEM"
            package.comment = os.prettyName
            package.sourceInfo = os.source.map { "identified from \($0)" }
            return package
        }

        static func package(_ package: Package, id: String, licenses: inout ExtractedLicenses) -> SPDXPackage {
            var out = SPDXPackage(SPDXID: id, name: package.name.isEmpty ? "unnamed" : package.name)
            out.versionInfo = package.version.isEmpty ? nil : package.version
            out.licenseDeclared = licenses.declared(package.licenses)
            out.primaryPackagePurpose = "LIBRARY"
            out.supplier = SPDXWriter.noAssertion
            var facts = ["found by \(package.foundBy) in \(package.location.path)"]
            if let layer = package.location.layerDigest { facts.append("layer \(layer)") }
            if let diffID = package.location.diffID { facts.append("diff ID \(diffID)") }
            if let source = package.sourceName {
                facts.append("built from source package \(source)" + (package.sourceVersion.map { " \($0)" } ?? ""))
            } else if let version = package.sourceVersion {
                facts.append("built from source version \(version)")
            }
            if package.isDev { facts.append("development dependency") }
            out.sourceInfo = facts.joined(separator: "; ")
            out.externalRefs = [ExternalRef(purl: package.purl.description)]
            return out
        }
    }

    struct ExternalRef: Encodable {
        var referenceCategory = "PACKAGE-MANAGER"
        var referenceType = "purl"
        var referenceLocator: String

        init(purl: String) { referenceLocator = purl }
    }

    struct Relationship: Encodable {
        var spdxElementId: String
        var relationshipType: String
        var relatedSpdxElement: String
    }

    struct ExtractedLicense: Encodable {
        var licenseId: String
        var name: String
        var extractedText: String
    }

    /// Free-text licenses become `LicenseRef-` IDs declared once in `hasExtractedLicensingInfos`.
    struct ExtractedLicenses {
        private var byText: [String: String] = [:]
        private(set) var infos: [ExtractedLicense] = []

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
            if let id = byText[text] { return id }
            let id = SPDXWriter.licenseRef(text)
            byText[text] = id
            let position = infos.firstIndex { $0.licenseId > id } ?? infos.count
            infos.insert(ExtractedLicense(licenseId: id, name: text, extractedText: text), at: position)
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
