import KensaCore

/// Thrown while decoding when the document is JSON but no SBOM kensa reads.
struct SBOMFormatError: Error {
    var kind: KensaError.Kind
    var reason: String
}

/// A CycloneDX or SPDX document, told apart by `bomFormat` / `spdxVersion` in one parse.
enum AnySBOM: Decodable {
    case cycloneDX(CycloneDXDocument)
    case spdx(SPDXDocument)

    private enum Keys: String, CodingKey { case bomFormat, spdxVersion, spdxID = "SPDXID", context = "@context" }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let bomFormat = try container.decodeIfPresent(String.self, forKey: .bomFormat)
        let spdxVersion = try container.decodeIfPresent(String.self, forKey: .spdxVersion)
        if let bomFormat {
            guard bomFormat == "CycloneDX" else {
                throw SBOMFormatError(kind: .unsupported, reason: "bomFormat '\(bomFormat)' is not CycloneDX")
            }
            self = .cycloneDX(try CycloneDXDocument(from: decoder))
        } else if let spdxVersion {
            guard spdxVersion.hasPrefix("SPDX-2.") else {
                throw SBOMFormatError(kind: .unsupported, reason: "\(spdxVersion) is not supported; kensa reads SPDX 2.2 and 2.3 JSON")
            }
            self = .spdx(try SPDXDocument(from: decoder))
        } else if container.contains(.context) {
            throw SBOMFormatError(kind: .unsupported, reason: "JSON-LD (SPDX 3) is not supported; kensa reads SPDX 2.2 and 2.3 JSON")
        } else {
            throw SBOMFormatError(kind: .malformed, reason: "neither CycloneDX (no bomFormat) nor SPDX (no spdxVersion) JSON")
        }
    }
}
