/// The parts of a CycloneDX JSON BOM (https://cyclonedx.org/docs/1.6/json/; 1.2–1.7 share
/// them) that an inventory needs. Unknown fields are ignored; a known field of the wrong type
/// is an error, since guessing would hide a broken document.
struct CycloneDXDocument: Decodable {
    var bomFormat: String?
    var specVersion: String?
    var metadata: Metadata?
    var components: [Component]?
    var dependencies: [Dependency]?

    struct Metadata: Decodable {
        var component: Component?
    }

    struct Component: Decodable {
        var type: String?
        var bomRef: String?
        var group: String?
        var name: String?
        var version: String?
        var description: String?
        var purl: String?
        var licenses: [LicenseChoice]?
        var properties: [Property]?
        /// Sub-components (a jar inside a jar, an application's packages): flattened by depth.
        var components: [Component]?

        enum CodingKeys: String, CodingKey {
            case type, group, name, version, description, purl, licenses, properties, components
            case bomRef = "bom-ref"
        }
    }

    /// Either `{"license": {"id" | "name"}}` or `{"expression": "…"}`.
    struct LicenseChoice: Decodable {
        var license: License?
        var expression: String?

        struct License: Decodable {
            var id: String?
            var name: String?
        }
    }

    struct Property: Decodable {
        var name: String?
        var value: String?
    }

    struct Dependency: Decodable {
        var ref: String?
        var dependsOn: [String]?
    }
}
