import Foundation
import KensaCore

/// SPDX 2.2/2.3 JSON → inventory. A package is read when it has a `purl` external reference;
/// the `OPERATING-SYSTEM` package is the OS; `DEPENDS_ON`/`DEPENDENCY_OF` become `dependsOn`;
/// a package's file comes from `CONTAINS`/`hasFiles` (Trivy) or its `sourceInfo` (kensa, Syft).
enum SPDXReader {
    static func inventory(_ document: SPDXDocument, input: String) throws -> SBOMInventory {
        var warnings: [ScanWarning] = []
        if let version = document.spdxVersion, !["SPDX-2.2", "SPDX-2.3"].contains(version) {
            warnings.append(ScanWarning(path: input, reason: "\(version) is not one kensa knows (SPDX-2.2, SPDX-2.3); read as 2.3"))
        }
        let creators = document.creationInfo?.creators ?? []
        let tool = creators.contains { $0.hasPrefix("Tool: trivy") } ? "trivy"
            : creators.contains { $0.hasPrefix("Tool: kensa") } ? "kensa"
            : creators.contains { $0.hasPrefix("Tool: syft") } ? "syft" : "spdx"

        var fileNames: [String: String] = [:]
        for file in document.files ?? [] {
            if let id = file.spdxID, let name = SBOMText.nonEmpty(file.fileName) { fileNames[id] = name }
        }
        var edges: [String: [String]] = [:]
        var containedFiles: [String: [String]] = [:]
        var described = Set<String>()
        for relationship in document.relationships ?? [] {
            guard let from = relationship.spdxElementId, let to = relationship.relatedSpdxElement,
                  let type = relationship.relationshipType?.uppercased() else { continue }
            switch type {
            case "DEPENDS_ON": edges[from, default: []].append(to)
            case "DEPENDENCY_OF": edges[to, default: []].append(from)
            case "CONTAINS": if let name = fileNames[to] { containedFiles[from, default: []].append(name) }
            case "DESCRIBES": described.insert(to)
            case "DESCRIBED_BY": described.insert(from)
            default: break
            }
        }
        var extracted: [String: String] = [:]
        for info in document.hasExtractedLicensingInfos ?? [] {
            if let id = info.licenseId, let text = SBOMText.nonEmpty(info.extractedText) ?? SBOMText.nonEmpty(info.name) {
                extracted[id] = text
            }
        }

        var stated: OperatingSystem?
        var kind: Report.Artifact.Kind?
        var packages: [(ref: String?, package: Package, dependsOn: [String])] = []
        var skipped: [(element: String, reason: String)] = []
        for (index, spdxPackage) in (document.packages ?? []).enumerated() {
            let purpose = spdxPackage.primaryPackagePurpose?.uppercased()
            if purpose == "OPERATING-SYSTEM" {
                if stated == nil { stated = operatingSystem(spdxPackage) }
                continue
            }
            if let id = spdxPackage.spdxID, described.contains(id) {
                // The subject (an image's `pkg:oci` purl, a directory) is what was scanned,
                // not a package in it.
                if purpose == "CONTAINER" { kind = .containerImage }
                continue
            }
            var entry = self.entry(spdxPackage, tool: tool, extracted: extracted)
            if let id = spdxPackage.spdxID {
                entry.path = entry.path ?? (containedFiles[id] ?? []).sorted().first
                    ?? (spdxPackage.hasFiles ?? []).compactMap { fileNames[$0] }.sorted().first
            }
            do {
                let package = try entry.package()
                packages.append((spdxPackage.spdxID, package, spdxPackage.spdxID.flatMap { edges[$0] } ?? []))
            } catch {
                // Non-library packages without a purl are structure.
                if error == .noPURL, !(purpose == nil || purpose == "LIBRARY" || purpose == "FRAMEWORK") { continue }
                if error == .unsupportedType("oci") { continue }
                let name = [spdxPackage.name, spdxPackage.versionInfo].compactMap(SBOMText.nonEmpty).joined(separator: " ")
                skipped.append(("packages[\(index)]" + (name.isEmpty ? "" : " (\(name))"), SBOMReader.reason(error)))
            }
        }
        warnings += SBOMReader.skipWarnings(skipped, input: input)
        return SBOMInventory.finish(input: input, format: .spdx, kind: kind, stated: stated,
                                 packages: packages, warnings: warnings)
    }

    static func entry(_ package: SPDXDocument.Package, tool: String, extracted: [String: String]) -> SBOMEntry {
        let purl = (package.externalRefs ?? []).first { $0.referenceType?.lowercased() == "purl" }?.referenceLocator
        var entry = SBOMEntry(ref: package.spdxID, purl: purl, name: package.name, version: package.versionInfo, tool: tool)
        if let license = license(package, extracted: extracted) { entry.licenses = [license] }
        if tool == "trivy" {
            // Trivy's SPDX carries its CycloneDX properties as `Key: Value` annotations.
            for annotation in package.annotations ?? [] {
                guard let comment = annotation.comment, let colon = comment.firstIndex(of: ":") else { continue }
                let key = String(comment[..<colon])
                let value = String(comment[comment.index(after: colon)...])
                entry.addProperty("aquasecurity:trivy:" + key, SBOMText.nonEmpty(value))
            }
        }
        if let info = SBOMText.nonEmpty(package.sourceInfo) { read(sourceInfo: info, tool: tool, into: &entry) }
        return entry
    }

    /// `sourceInfo` is free text; each tool phrases it its own way.
    static func read(sourceInfo: String, tool: String, into entry: inout SBOMEntry) {
        if let rest = sourceInfo.dropPrefix("built package from: ") {
            // Trivy: `built package from: util-linux 2.38.1-5+deb12u3`.
            let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
            entry.sourceName = parts.first
            entry.sourceVersion = parts.count > 1 ? parts[1] : nil
            return
        }
        if tool == "kensa" {
            // kensa: `found by dpkg in var/lib/dpkg/status; layer …; diff ID …; built from
            // source package glibc 2.36-9; development dependency`.
            for fact in sourceInfo.components(separatedBy: "; ") {
                if let rest = fact.dropPrefix("found by "), let range = rest.range(of: " in ") {
                    entry.foundBy = String(rest[..<range.lowerBound])
                    entry.path = String(rest[range.upperBound...])
                } else if let rest = fact.dropPrefix("layer ") {
                    entry.addProperty("kensa:package:location:layer-digest", rest)
                } else if let rest = fact.dropPrefix("diff ID ") {
                    entry.addProperty("kensa:package:location:diff-id", rest)
                } else if let rest = fact.dropPrefix("built from source package ") {
                    let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
                    entry.sourceName = parts.first
                    entry.sourceVersion = parts.count > 1 ? parts[1] : nil
                } else if let rest = fact.dropPrefix("built from source version ") {
                    entry.sourceVersion = rest
                } else if fact == "development dependency" {
                    entry.addProperty("kensa:package:dev", "true")
                }
            }
            return
        }
        if sourceInfo.hasPrefix("acquired package info from "), let range = sourceInfo.range(of: ": /", options: .backwards) {
            // Syft: `acquired package info from DPKG DB: /var/lib/dpkg/status`.
            entry.path = String(sourceInfo[sourceInfo.index(after: range.lowerBound)...]).trimmingCharacters(in: .whitespaces)
        }
    }

    /// The declared license, else the concluded one; a lone `LicenseRef-` becomes its text.
    static func license(_ package: SPDXDocument.Package, extracted: [String: String]) -> String? {
        for value in [package.licenseDeclared, package.licenseConcluded] {
            guard let value = SBOMText.nonEmpty(value), value != "NOASSERTION", value != "NONE" else { continue }
            return extracted[value] ?? value
        }
        return nil
    }

    static func operatingSystem(_ package: SPDXDocument.Package) -> OperatingSystem? {
        guard let name = SBOMText.nonEmpty(package.name) else { return nil }
        return OperatingSystem(family: SBOMOperatingSystem.family(name), version: SBOMText.nonEmpty(package.versionInfo) ?? "",
                               prettyName: SBOMText.nonEmpty(package.comment),
                               source: SBOMText.nonEmpty(package.sourceInfo)?.dropPrefix("identified from "))
    }
}

extension String {
    /// The rest after `prefix`, or nil when the string does not start with it.
    fileprivate func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
