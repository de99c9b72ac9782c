import Foundation
import KensaCore

/// kensa's own JSON report, documented in docs/json-schema.md. The layout is spelled out here
/// field by field rather than taken from KensaCore's `Codable` conformances, so that a change
/// to a core type cannot silently change the published schema.
enum JSONWriter {
    static func write(_ report: Report) -> Data {
        Data(document(report).bytes)
    }

    static func document(_ report: Report) -> JSON {
        let packages = Ordering.packages(report.packages)
        let warnings = Ordering.warnings(report.warnings)
        let findings = Ordering.findings(report.findings)
        let counts = packages.reduce(into: [String: Int64]()) { $0[$1.ecosystem.rawValue, default: 0] += 1 }
        let active = findings.filter { $0.suppression == nil }
        let severities = active.reduce(into: [String: Int64]()) { $0[$1.severity.rawValue, default: 0] += 1 }
        return .object(dropping: [
            "schemaVersion": .int(Int64(Report.schemaVersion)),
            "createdAt": .string(Timestamp.string(report.createdAt)),
            "tool": .object(["name": .string(report.tool.name), "version": .string(report.tool.version)]),
            "artifact": artifact(report.artifact),
            "os": report.os.map(os),
            "packages": .array(packages.map(package)),
            "findings": .array(findings.map(finding)),
            "summary": .object([
                "packages": .int(Int64(packages.count)),
                "packagesByEcosystem": .object(counts.mapValues(JSON.int)),
                "findings": .int(Int64(active.count)),
                "findingsBySeverity": .object(severities.mapValues(JSON.int)),
                "suppressedFindings": .int(Int64(findings.count - active.count)),
                "warnings": .int(Int64(warnings.count)),
            ]),
            "warnings": .array(warnings.map(warning)),
        ])
    }

    static func artifact(_ artifact: Report.Artifact) -> JSON {
        .object(dropping: [
            "name": .string(artifact.name),
            "kind": .string(artifact.kind.rawValue),
            "image": artifact.image.map(image),
        ])
    }

    static func image(_ image: ImageMetadata) -> JSON {
        .object(dropping: [
            "imageID": .string(image.imageID),
            "manifestDigest": image.manifestDigest.map(JSON.string),
            "repoTags": .strings(image.repoTags.sorted()),
            "os": image.os.map(JSON.string),
            "architecture": image.architecture.map(JSON.string),
            "variant": image.variant.map(JSON.string),
            "user": image.user.map(JSON.string),
            // Order is meaning for these (later ENV wins, argv order, layer stacking order).
            "env": .strings(image.env),
            "entrypoint": .strings(image.entrypoint),
            "cmd": .strings(image.cmd),
            "workingDir": image.workingDir.map(JSON.string),
            "exposedPorts": .strings(Array(Set(image.exposedPorts)).sorted()),
            "labels": .object(image.labels.mapValues(JSON.string)),
            "layers": .array(image.layers.map { layer in
                .object(dropping: [
                    "digest": .string(layer.digest),
                    "diffID": .string(layer.diffID),
                    "mediaType": layer.mediaType.map(JSON.string),
                    "size": layer.size.map(JSON.int),
                    "createdBy": layer.createdBy.map(JSON.string),
                ])
            }),
            "history": .array(image.history.map { entry in
                .object(dropping: [
                    "created": entry.created.map(JSON.string),
                    "createdBy": entry.createdBy.map(JSON.string),
                    "emptyLayer": .bool(entry.emptyLayer),
                ])
            }),
        ])
    }

    static func os(_ os: OperatingSystem) -> JSON {
        .object(dropping: [
            "family": .string(os.family),
            "version": .string(os.version),
            "prettyName": os.prettyName.map(JSON.string),
            "source": os.source.map(JSON.string),
        ])
    }

    static func package(_ package: Package) -> JSON {
        .object(dropping: [
            "name": .string(package.name),
            "version": .string(package.version),
            "ecosystem": .string(package.ecosystem.rawValue),
            "purl": .string(package.purl.description),
            "foundBy": .string(package.foundBy),
            "sourceName": package.sourceName.map(JSON.string),
            "sourceVersion": package.sourceVersion.map(JSON.string),
            "architecture": package.architecture.map(JSON.string),
            "licenses": .strings(package.licenses),
            "location": .object(dropping: [
                "path": .string(package.location.path),
                "layerDigest": package.location.layerDigest.map(JSON.string),
                "diffID": package.location.diffID.map(JSON.string),
            ]),
            "dependsOn": .strings(Array(Set(package.dependsOn)).sorted()),
            "dev": .bool(package.isDev),
        ])
    }

    static func finding(_ finding: Finding) -> JSON {
        let location = finding.location
        return .object(dropping: [
            "kind": .string(finding.kind.rawValue),
            "id": .string(finding.id),
            "title": .string(finding.title),
            "severity": .string(finding.severity.rawValue),
            "message": .string(finding.message),
            "category": finding.category.map(JSON.string),
            "match": finding.match.map(JSON.string),
            "location": .object(dropping: [
                "path": .string(location.path),
                "startLine": location.startLine.map { .int(Int64($0)) },
                "endLine": location.endLine.map { .int(Int64($0)) },
                "layerDigest": location.layerDigest.map(JSON.string),
                "createdBy": location.createdBy.map(JSON.string),
                "object": location.object.map(JSON.string),
                "fieldPath": location.fieldPath.map(JSON.string),
            ]),
            "suppressed": finding.suppression.map { .object(["source": .string($0.source), "reason": .string($0.reason)]) },
            "vulnerability": finding.vulnerability.map(vulnerability),
        ])
    }

    static func vulnerability(_ v: Vulnerability) -> JSON {
        .object(dropping: [
            "packageName": .string(v.packageName),
            "installedVersion": .string(v.installedVersion),
            "purl": .string(v.purl.description),
            "fixedVersions": .strings(v.fixedVersions),
            "status": .string(v.status.rawValue),
            "aliases": .strings(v.aliases),
            "advisoryIDs": .strings(v.advisoryIDs),
            "cvss": .array(v.cvss.map { cvss in
                .object(dropping: ["type": .string(cvss.type), "vector": .string(cvss.vector), "score": cvss.score.flatMap(finite)])
            }),
            "severitySource": v.severitySource.map(JSON.string),
            "dataSource": .string(v.dataSource),
            "references": .strings(v.references),
            "published": v.published.map(JSON.string),
            "modified": v.modified.map(JSON.string),
            "epss": v.epss.flatMap(finite),
            "epssPercentile": v.epssPercentile.flatMap(finite),
            "knownExploited": .bool(v.knownExploited),
        ])
    }

    /// A number JSON can carry; NaN and infinities (which no score should be) are left out.
    static func finite(_ value: Double) -> JSON? {
        value.isFinite ? .number(value) : nil
    }

    static func warning(_ warning: ScanWarning) -> JSON {
        .object(dropping: [
            "path": .string(warning.path),
            "reason": .string(warning.reason),
            "layer": warning.layer.map(JSON.string),
        ])
    }
}
