import KensaAnalyzers
import KensaCore

/// What an SBOM file holds, as a scan's inventory.
struct SBOMInventory {
    enum Format: String { case cycloneDX = "CycloneDX", spdx = "SPDX" }

    var format: Format
    /// What the SBOM describes: an image, a root filesystem (it names an OS) or a project.
    var kind: Report.Artifact.Kind
    var os: OperatingSystem?
    var packages: [Package]
    var warnings: [ScanWarning]
}

extension SBOMInventory {
    /// The finished inventory: the OS applied to OS package purls (as a directory scan does),
    /// dependency refs turned into those purls, a location for every package; sorted.
    static func finish(input: String, format: SBOMInventory.Format, kind: Report.Artifact.Kind?, stated: OperatingSystem?,
                       packages: [(ref: String?, package: Package, dependsOn: [String])],
                       warnings: [ScanWarning]) -> SBOMInventory {
        var list = packages.map(\.package)
        // Where the SBOM does not say which file a package came from (Trivy's OS packages),
        // the SBOM itself is where it was found: findings then point at a file (SARIF needs one).
        if input != "-" {
            for index in list.indices where list[index].location.path.isEmpty { list[index].location.path = input }
        }
        let os = SBOMOperatingSystem.resolve(stated: stated, packages: list)
        var warnings = warnings
        if let os {
            list = assignOperatingSystem(os, to: list)
        } else if list.contains(where: { $0.ecosystem.isOS }) {
            warnings.append(ScanWarning(path: input, reason: "OS packages listed but no operating system named (no operating-system element, no purl distro qualifier): their vulnerabilities are not matched"))
        }
        var purlByRef: [String: String] = [:]
        for (index, entry) in packages.enumerated() {
            if let ref = entry.ref { purlByRef[ref] = list[index].purl.description }
        }
        for index in list.indices {
            let targets = packages[index].dependsOn.compactMap { purlByRef[$0] }
            list[index].dependsOn = Array(Set(targets)).sorted()
        }
        let kind = kind ?? (os == nil ? .filesystem : .rootfs)
        return SBOMInventory(format: format, kind: kind, os: os, packages: list.sorted(),
                             warnings: Array(Set(warnings)).sorted())
    }
}
