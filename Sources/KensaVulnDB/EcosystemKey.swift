import KensaCore

/// The index key of an advisory: a normalised OSV ecosystem and package name, so that an
/// inventory package and an OSV `affected[].package` meet on the same two strings.
struct EcosystemKey: Hashable, Sendable {
    var ecosystem: String
    var name: String

    /// From OSV data. Ubuntu's `:LTS` suffix is dropped (`Ubuntu:22.04:LTS` → `Ubuntu:22.04`);
    /// Red Hat's CPE-like names (`Red Hat:enterprise_linux:9::appstream`) become `Red Hat:9`.
    init(osvEcosystem: String, name: String) {
        let ecosystem = EcosystemKey.normalizedEcosystem(osvEcosystem)
        self.ecosystem = ecosystem
        self.name = EcosystemKey.normalizedName(name, base: EcosystemKey.base(ecosystem))
    }

    init(ecosystem: String, normalizedName: String) {
        self.ecosystem = ecosystem
        self.name = normalizedName
    }

    static func base(_ ecosystem: String) -> Substring {
        ecosystem.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(ecosystem)
    }

    static func normalizedEcosystem(_ ecosystem: String) -> String {
        let parts = ecosystem.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first ?? "" {
        case "Ubuntu":
            // `Ubuntu:Pro:…` is a separate stream (ESM) and stays as given.
            if parts.count >= 3, parts.last == "LTS" { return parts.dropLast().joined(separator: ":") }
            return ecosystem
        case "Red Hat":
            guard let release = parts.dropFirst().first(where: { $0.first?.isNumber == true }),
                  let major = release.split(separator: ".").first else { return ecosystem }
            return "Red Hat:\(major)"
        default:
            return ecosystem
        }
    }

    /// Package names as each ecosystem compares them: PyPI by PEP 503, case-insensitive
    /// registries lower-cased, Go module paths, Maven `group:artifact` and distro names as given.
    static func normalizedName(_ name: String, base: Substring) -> String {
        switch base {
        case "PyPI":
            var out = ""
            var pendingSeparator = false
            for scalar in name.lowercased().unicodeScalars {
                if scalar == "-" || scalar == "_" || scalar == "." {
                    pendingSeparator = true
                } else {
                    if pendingSeparator, !out.isEmpty { out += "-" }
                    pendingSeparator = false
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        case "npm", "NuGet", "Packagist", "crates.io":
            return name.lowercased()
        case "SwiftURL":
            var url = name.lowercased()
            for prefix in ["https://", "http://"] where url.hasPrefix(prefix) { url.removeFirst(prefix.count) }
            if url.hasSuffix(".git") { url.removeLast(4) }
            while url.hasSuffix("/") { url.removeLast() }
            return url
        default:
            return name
        }
    }

    /// Where an inventory package's advisories are filed, or nil when kensa has no OSV
    /// ecosystem for it (an OS package without a known distro release).
    /// Distro advisories are keyed by the source package (dpkg `Source:`, apk origin).
    static func forPackage(_ package: Package, os: OperatingSystem?) -> (key: EcosystemKey, version: String)? {
        let ecosystem: String
        var name = package.name
        var version = package.version
        switch package.ecosystem {
        case .deb, .apk, .rpm:
            guard let os, let osv = osvEcosystem(os) else { return nil }
            ecosystem = osv
            if package.ecosystem != .rpm {
                name = package.sourceName ?? package.name
                version = package.sourceVersion ?? package.version
            }
        case .pypi: ecosystem = "PyPI"
        case .npm: ecosystem = "npm"
        case .golang: ecosystem = "Go"
        case .maven: ecosystem = "Maven"
        case .cargo: ecosystem = "crates.io"
        case .gem: ecosystem = "RubyGems"
        case .composer: ecosystem = "Packagist"
        case .nuget: ecosystem = "NuGet"
        case .swift: ecosystem = "SwiftURL"
        }
        return (EcosystemKey(ecosystem: ecosystem, normalizedName: normalizedName(name, base: base(ecosystem))), version)
    }

    /// The OSV ecosystem (normalised as above) of a distribution release.
    static func osvEcosystem(_ os: OperatingSystem) -> String? {
        let release = os.release
        let major = release.split(separator: ".").first.map(String.init) ?? release
        switch os.family {
        case "debian": return "Debian:\(major)"
        case "ubuntu": return "Ubuntu:\(release)"
        case "alpine": return "Alpine:v\(release)"
        case "wolfi": return "Wolfi"
        case "chainguard": return "Chainguard"
        case "rocky": return "Rocky Linux:\(major)"
        case "almalinux": return "AlmaLinux:\(major)"
        case "rhel": return "Red Hat:\(major)"
        case "opensuse-leap": return "openSUSE:Leap \(release)"
        case "sles":
            let minor = release.split(separator: ".").dropFirst().first.map(String.init) ?? "0"
            return "SUSE:Linux Enterprise Server \(major)" + (minor == "0" ? "" : " SP\(minor)")
        default: return nil
        }
    }
}
