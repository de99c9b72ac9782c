import Foundation
import KensaCore

/// kensa's own JSON report, documented in docs/json-schema.md. The layout is spelled out here
/// with its own types rather than taken from KensaCore's `Codable` conformances, so that a
/// change to a core type cannot silently change the published schema.
enum JSONWriter {
    static func write(_ report: Report) throws -> Data {
        try JSONOutput.encode(Document(report))
    }

    struct Document: Encodable {
        var schemaVersion = Report.schemaVersion
        var createdAt: String
        var tool: Tool
        var artifact: Artifact
        var os: OS?
        var packages: [PackageEntry]
        var summary: Summary
        var warnings: [Warning]

        init(_ report: Report) {
            createdAt = Timestamp.string(report.createdAt)
            tool = Tool(name: report.tool.name, version: report.tool.version)
            artifact = Artifact(report.artifact)
            os = report.os.map(OS.init)
            let sorted = Ordering.packages(report.packages)
            packages = sorted.map(PackageEntry.init)
            warnings = Ordering.warnings(report.warnings).map(Warning.init)
            summary = Summary(sorted, warnings: warnings.count)
        }
    }

    struct Tool: Encodable {
        var name: String
        var version: String
    }

    struct Artifact: Encodable {
        var name: String
        var kind: String
        var image: Image?

        init(_ artifact: Report.Artifact) {
            name = artifact.name
            kind = artifact.kind.rawValue
            image = artifact.image.map(Image.init)
        }
    }

    struct Image: Encodable {
        var imageID: String
        var manifestDigest: String?
        var repoTags: [String]
        var os: String?
        var architecture: String?
        var variant: String?
        var user: String?
        var env: [String]
        var entrypoint: [String]
        var cmd: [String]
        var workingDir: String?
        var exposedPorts: [String]
        var labels: [String: String]
        var layers: [Layer]
        var history: [History]

        init(_ image: ImageMetadata) {
            imageID = image.imageID
            manifestDigest = image.manifestDigest
            repoTags = image.repoTags.sorted()
            os = image.os
            architecture = image.architecture
            variant = image.variant
            user = image.user
            // Order is meaning for these (later ENV wins, argv order, layer stacking order).
            env = image.env
            entrypoint = image.entrypoint
            cmd = image.cmd
            workingDir = image.workingDir
            exposedPorts = Array(Set(image.exposedPorts)).sorted()
            labels = image.labels
            layers = image.layers.map(Layer.init)
            history = image.history.map(History.init)
        }
    }

    struct Layer: Encodable {
        var digest: String
        var diffID: String
        var mediaType: String?
        var size: Int64?
        var createdBy: String?

        init(_ layer: ImageMetadata.Layer) {
            digest = layer.digest
            diffID = layer.diffID
            mediaType = layer.mediaType
            size = layer.size
            createdBy = layer.createdBy
        }
    }

    struct History: Encodable {
        var created: String?
        var createdBy: String?
        var emptyLayer: Bool

        init(_ history: ImageMetadata.History) {
            created = history.created
            createdBy = history.createdBy
            emptyLayer = history.emptyLayer
        }
    }

    struct OS: Encodable {
        var family: String
        var version: String
        var prettyName: String?
        var source: String?

        init(_ os: OperatingSystem) {
            family = os.family
            version = os.version
            prettyName = os.prettyName
            source = os.source
        }
    }

    struct PackageEntry: Encodable {
        var name: String
        var version: String
        var ecosystem: String
        var purl: String
        var foundBy: String
        var sourceName: String?
        var sourceVersion: String?
        var architecture: String?
        var licenses: [String]
        var location: Location
        var dependsOn: [String]
        var dev: Bool

        init(_ package: Package) {
            name = package.name
            version = package.version
            ecosystem = package.ecosystem.rawValue
            purl = package.purl.description
            foundBy = package.foundBy
            sourceName = package.sourceName
            sourceVersion = package.sourceVersion
            architecture = package.architecture
            licenses = package.licenses
            location = Location(path: package.location.path, layerDigest: package.location.layerDigest,
                                diffID: package.location.diffID)
            dependsOn = Array(Set(package.dependsOn)).sorted()
            dev = package.isDev
        }
    }

    struct Location: Encodable {
        var path: String
        var layerDigest: String?
        var diffID: String?
    }

    struct Summary: Encodable {
        /// Packages per ecosystem; ecosystems with none are left out.
        var packagesByEcosystem: [String: Int]
        var packages: Int
        var warnings: Int

        init(_ packages: [Package], warnings: Int) {
            packagesByEcosystem = packages.reduce(into: [:]) { $0[$1.ecosystem.rawValue, default: 0] += 1 }
            self.packages = packages.count
            self.warnings = warnings
        }
    }

    struct Warning: Encodable {
        var path: String
        var reason: String
        var layer: String?

        init(_ warning: ScanWarning) {
            path = warning.path
            reason = warning.reason
            layer = warning.layer
        }
    }
}
