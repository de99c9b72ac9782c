import KensaCore

/// CycloneDX JSON → inventory. Components are read at every depth (`components[].components`);
/// the first `operating-system` component is the OS; `dependencies` become `dependsOn`.
enum CycloneDXReader {
    /// Versions whose JSON layout kensa reads the same way (JSON exists since 1.2).
    static let knownSpecVersions: Set<String> = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]

    static func inventory(_ bom: CycloneDXDocument, input: String) throws -> SBOMInventory {
        var warnings: [ScanWarning] = []
        if let version = bom.specVersion, !knownSpecVersions.contains(version) {
            warnings.append(ScanWarning(path: input, reason: "CycloneDX specVersion \(version) is not one kensa knows (1.2–1.7); read as 1.7"))
        }
        let tool = "cyclonedx"
        var stated: OperatingSystem?
        var packages: [(ref: String?, package: Package, dependsOn: [String])] = []
        var skipped: [(element: String, reason: String)] = []
        var edges: [String: [String]] = [:]
        for dependency in bom.dependencies ?? [] {
            guard let ref = dependency.ref else { continue }
            edges[ref, default: []] += dependency.dependsOn ?? []
        }

        // Depth-first in document order, without recursion (the nesting is already bounded
        // by SBOMReader.maxDepth, but a stack of our own costs nothing).
        var stack: [(component: CycloneDXDocument.Component, path: String)] =
            (bom.components ?? []).enumerated().reversed().map { ($1, "components[\($0)]") }
        while let (component, path) = stack.popLast() {
            for (index, child) in (component.components ?? []).enumerated().reversed() {
                stack.append((child, path + ".components[\(index)]"))
            }
            let type = component.type?.lowercased()
            if type == "operating-system" {
                if stated == nil { stated = operatingSystem(component) }
                continue
            }
            let entry = self.entry(component, tool: tool)
            do {
                let package = try entry.package()
                packages.append((component.bomRef, package, component.bomRef.flatMap { edges[$0] } ?? []))
            } catch {
                // Applications, files, containers without a purl are structure, not packages;
                // an image (`pkg:oci`) is what was scanned, not something in it.
                if error == .noPURL, let type, !["library", "framework"].contains(type) { continue }
                if error == .unsupportedType("oci") { continue }
                skipped.append((label(component, path: path), SBOMReader.reason(error)))
            }
        }
        warnings += SBOMReader.skipWarnings(skipped, input: input)
        return SBOMInventory.finish(input: input, format: .cycloneDX, kind: kind(bom.metadata?.component),
                                 stated: stated, packages: packages, warnings: warnings)
    }

    static func entry(_ component: CycloneDXDocument.Component, tool: String) -> SBOMEntry {
        var entry = SBOMEntry(ref: component.bomRef, purl: component.purl, group: component.group,
                              name: component.name, version: component.version, tool: tool)
        for property in component.properties ?? [] { entry.addProperty(property.name, property.value) }
        for choice in component.licenses ?? [] {
            if let text = SBOMText.nonEmpty(choice.license?.id ?? choice.license?.name ?? choice.expression),
               !entry.licenses.contains(text) {
                entry.licenses.append(text)
            }
        }
        return entry
    }

    static func operatingSystem(_ component: CycloneDXDocument.Component) -> OperatingSystem? {
        var properties: [String: String] = [:]
        for property in component.properties ?? [] {
            if let name = property.name, let value = property.value, properties[name] == nil { properties[name] = value }
        }
        guard let name = SBOMText.nonEmpty(component.name) ?? SBOMText.nonEmpty(properties["syft:distro:id"]) else { return nil }
        let version = SBOMText.nonEmpty(component.version) ?? SBOMText.nonEmpty(properties["syft:distro:versionID"]) ?? ""
        return OperatingSystem(family: SBOMOperatingSystem.family(name), version: version,
                               prettyName: SBOMText.nonEmpty(component.description) ?? SBOMText.nonEmpty(properties["syft:distro:prettyName"]),
                               source: SBOMText.nonEmpty(properties["kensa:os:source"]))
    }

    /// kensa's own BOMs say the kind; otherwise a `container` subject is an image and the rest
    /// is decided by whether an OS is named.
    static func kind(_ subject: CycloneDXDocument.Component?) -> Report.Artifact.Kind? {
        guard let subject else { return nil }
        if let kensa = subject.properties?.first(where: { $0.name == "kensa:artifact:kind" })?.value,
           let kind = Report.Artifact.Kind(rawValue: kensa) {
            return kind
        }
        return subject.type?.lowercased() == "container" ? .containerImage : nil
    }

    private static func label(_ component: CycloneDXDocument.Component, path: String) -> String {
        let name = [component.group, component.name, component.version].compactMap(SBOMText.nonEmpty).joined(separator: " ")
        return name.isEmpty ? path : "\(path) (\(name))"
    }
}
