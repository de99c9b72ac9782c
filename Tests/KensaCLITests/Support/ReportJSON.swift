import Foundation

/// The parts of kensa's JSON report the end-to-end tests compare (docs/json-schema.md).
struct ReportedPackage: Hashable, Comparable, CustomStringConvertible {
    var ecosystem: String
    var name: String
    var version: String
    var architecture: String
    var path: String
    var purl: String

    static func < (a: ReportedPackage, b: ReportedPackage) -> Bool { a.description < b.description }
    var description: String { "\(ecosystem) \(name) \(version) \(architecture) \(path)" }
}

struct ReportJSON {
    var object: [String: Any]

    init(_ data: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "ReportJSON", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON object"])
        }
        self.object = object
    }

    var packages: [ReportedPackage] {
        let list = object["packages"] as? [[String: Any]] ?? []
        return list.map { entry in
            let location = entry["location"] as? [String: Any] ?? [:]
            return ReportedPackage(ecosystem: entry["ecosystem"] as? String ?? "",
                                   name: entry["name"] as? String ?? "",
                                   version: entry["version"] as? String ?? "",
                                   architecture: entry["architecture"] as? String ?? "",
                                   path: location["path"] as? String ?? "",
                                   purl: entry["purl"] as? String ?? "")
        }
    }

    var warnings: [[String: Any]] { object["warnings"] as? [[String: Any]] ?? [] }
}
