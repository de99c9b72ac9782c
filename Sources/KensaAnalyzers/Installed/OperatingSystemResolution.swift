import KensaCore

/// Picks one operating system from what the release-file analyzers found in one root
/// filesystem. os-release decides the family (Ubuntu ships `debian_version` too); `etc/`
/// beats `usr/lib/`; a distro's own release file refines the version when it is more precise
/// for the same release (os-release says Debian `12`, `debian_version` says `12.7`).
public func resolveOperatingSystem(_ found: [OperatingSystem]) -> OperatingSystem? {
    func rank(_ os: OperatingSystem) -> Int {
        switch os.source {
        case "etc/os-release": return 0
        case "usr/lib/os-release": return 1
        default: return 2
        }
    }
    let ordered = found.sorted { (rank($0), $0.source ?? "") < (rank($1), $1.source ?? "") }
    guard var best = ordered.first else { return nil }
    for other in ordered.dropFirst() where rank(other) == 2 && other.family == best.family {
        let refines = best.version.isEmpty
            || (other.version.hasPrefix(best.version + ".") && other.version.first?.isNumber == true)
        if refines || (rank(best) == 2 && best.version == other.version) {
            best.version = other.version
            if best.prettyName == nil { best.prettyName = other.prettyName }
        }
    }
    // A release file alone with a non-numeric Debian version (`trixie/sid`) stays as is.
    return best
}
