import Foundation
import KensaCore
@testable import KensaScan

/// Tests/Fixtures/sbom-input: a small Debian root filesystem and the SBOMs Trivy 0.76 and
/// Syft 1.18.1 wrote of it (see its README.md).
enum SBOMFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sbom-input")
    }

    static var rootfs: String { directory.appendingPathComponent("rootfs").path }
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func read(_ name: String) throws -> SBOMInventory { try SBOMReader.read(path: path(name)) }

    static func parse(_ text: String) throws -> SBOMInventory {
        try SBOMReader.parse(Data(text.utf8), input: "test.json")
    }
}

/// What vulnerability matching looks at in a package.
struct Identity: Hashable, Comparable, CustomStringConvertible {
    var ecosystem: String
    var name: String
    var version: String
    var sourceName: String
    var sourceVersion: String

    init(_ package: Package) {
        ecosystem = package.ecosystem.rawValue
        name = package.name
        version = package.version
        sourceName = package.sourceName ?? ""
        sourceVersion = package.sourceVersion ?? ""
    }

    static func < (a: Identity, b: Identity) -> Bool { a.description < b.description }
    var description: String { "\(ecosystem) \(name) \(version) [\(sourceName) \(sourceVersion)]" }
}

func identities(_ packages: [Package]) -> [Identity] { packages.map(Identity.init).sorted() }
