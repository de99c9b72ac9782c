/// The distribution of a root filesystem, as os-release and friends state it.
public struct OperatingSystem: Sendable, Hashable, Codable {
    /// Lower-case family ID: `debian`, `ubuntu`, `alpine`, `rhel`, `centos`, `rocky`,
    /// `almalinux`, `fedora`, `amzn`, `opensuse-leap`, `sles`, `wolfi`, `chainguard`, …
    public var family: String
    /// The release as the distro numbers it: `12.7`, `3.19.1`, `22.04`, `9.3`.
    public var version: String
    /// A human name, e.g. `Debian GNU/Linux 12 (bookworm)`.
    public var prettyName: String?
    /// The file that said so.
    public var source: String?

    public init(family: String, version: String, prettyName: String? = nil, source: String? = nil) {
        self.family = family
        self.version = version
        self.prettyName = prettyName
        self.source = source
    }

    /// The major (Debian, RHEL-likes) or major.minor (Alpine, Ubuntu) release used in purls
    /// and vulnerability data.
    public var release: String {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        switch family {
        case "alpine", "ubuntu", "opensuse-leap", "sles":
            return parts.prefix(2).joined(separator: ".")
        default:
            return parts.first.map(String.init) ?? version
        }
    }
}
