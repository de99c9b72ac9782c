/// What a scan reads. The CLI turns its arguments into one of these.
public enum ScanTarget: Sendable, Equatable {
    /// A root filesystem: OS and installed language packages (`kensa rootfs DIR`).
    case rootfs(path: String)
    /// A project tree: lock and manifest files (`kensa fs DIR`).
    case filesystem(path: String)
    /// A docker-archive tarball, OCI archive tarball or OCI layout directory (`kensa image --input`).
    case imageArchive(path: String)
    /// A CycloneDX or SPDX JSON SBOM: its packages are the inventory (`kensa sbom FILE`).
    case sbom(path: String)
}
