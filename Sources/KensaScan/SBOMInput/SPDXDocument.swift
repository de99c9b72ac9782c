/// The parts of an SPDX 2.2/2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/) that an
/// inventory needs. Unknown fields are ignored; a known field of the wrong type is an error.
struct SPDXDocument: Decodable {
    var spdxVersion: String?
    var name: String?
    var creationInfo: CreationInfo?
    var packages: [Package]?
    var files: [File]?
    var relationships: [Relationship]?
    var hasExtractedLicensingInfos: [ExtractedLicense]?

    struct CreationInfo: Decodable {
        var creators: [String]?
    }

    struct Package: Decodable {
        var spdxID: String?
        var name: String?
        var versionInfo: String?
        var externalRefs: [ExternalRef]?
        /// SPDX 2.3 only; Trivy writes the OS as an `OPERATING-SYSTEM` package.
        var primaryPackagePurpose: String?
        var sourceInfo: String?
        var licenseDeclared: String?
        var licenseConcluded: String?
        var comment: String?
        var annotations: [Annotation]?
        var hasFiles: [String]?

        enum CodingKeys: String, CodingKey {
            case name, versionInfo, externalRefs, primaryPackagePurpose, sourceInfo, licenseDeclared
            case licenseConcluded, comment, annotations, hasFiles
            case spdxID = "SPDXID"
        }
    }

    struct ExternalRef: Decodable {
        var referenceCategory: String?
        var referenceType: String?
        var referenceLocator: String?
    }

    struct Annotation: Decodable {
        var comment: String?
    }

    struct File: Decodable {
        var spdxID: String?
        var fileName: String?

        enum CodingKeys: String, CodingKey {
            case fileName
            case spdxID = "SPDXID"
        }
    }

    struct Relationship: Decodable {
        var spdxElementId: String?
        var relationshipType: String?
        var relatedSpdxElement: String?
    }

    struct ExtractedLicense: Decodable {
        var licenseId: String?
        var extractedText: String?
        var name: String?
    }
}
