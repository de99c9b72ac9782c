import KensaCore

/// The operating system an SBOM names, in kensa's terms (os-release IDs).
enum SBOMOperatingSystem {
    /// Trivy names families its own way (`redhat`, `alma`, `amazon`, `opensuse.leap`); kensa
    /// and Syft use the os-release `ID`.
    static func family(_ name: String) -> String {
        let lower = name.lowercased()
        switch lower {
        case "redhat", "red hat", "red hat enterprise linux": return "rhel"
        case "alma": return "almalinux"
        case "amazon": return "amzn"
        case "oracle": return "ol"
        case "opensuse.leap", "opensuse leap": return "opensuse-leap"
        case "opensuse.tumbleweed", "opensuse tumbleweed": return "opensuse-tumbleweed"
        case "suse linux enterprise server", "suse.linux.enterprise.server": return "sles"
        case "cbl-mariner": return "mariner"
        default: return lower
        }
    }

    /// A purl `distro` qualifier: `debian-12`, `ubuntu-22.04`, `alpine-3.19.1`,
    /// `opensuse-leap-15.5` (the version starts after the last `-` that a digit follows).
    static func fromDistroQualifier(_ value: String) -> OperatingSystem? {
        var split: String.Index?
        var index = value.startIndex
        while index < value.endIndex {
            let next = value.index(after: index)
            if value[index] == "-", next < value.endIndex, value[next].isNumber { split = index }
            index = next
        }
        guard let split, split > value.startIndex else { return nil }
        return OperatingSystem(family: family(String(value[..<split])),
                               version: String(value[value.index(after: split)...]))
    }

    /// The distro the OS packages' purls name most often (ties: the lower text), for SBOMs
    /// that list no operating-system element (Syft's SPDX).
    static func fromPackages(_ packages: [Package]) -> OperatingSystem? {
        var counts: [String: Int] = [:]
        for package in packages where package.ecosystem.isOS {
            if let distro = SBOMText.nonEmpty(package.purl.qualifiers["distro"]) { counts[distro, default: 0] += 1 }
        }
        let best = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }
        return best.flatMap { fromDistroQualifier($0.key) }
    }

    /// The stated OS, its version filled from the purls when the element has none; else the
    /// purls' distro.
    static func resolve(stated: OperatingSystem?, packages: [Package]) -> OperatingSystem? {
        let fromPURLs = fromPackages(packages)
        guard var stated else { return fromPURLs }
        if stated.version.isEmpty, let fromPURLs, fromPURLs.family == stated.family {
            stated.version = fromPURLs.version
        }
        return stated
    }
}
