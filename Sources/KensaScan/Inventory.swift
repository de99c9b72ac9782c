import KensaCore

/// Facts of all visible files → the inventory a report shows: one OS, OS packages with their
/// distro in the purl, and language packages that no OS package manager already owns.
struct Inventory {
    var os: OperatingSystem?
    var packages: [Package]
    var warnings: [ScanWarning]

    init(facts: [FileFacts], warnings: [ScanWarning]) {
        var osCandidates: [OperatingSystem] = []
        var packages: [Package] = []
        var owned = Set<String>()
        var warnings = warnings
        for fact in facts {
            if let os = fact.output.os { osCandidates.append(os) }
            packages += fact.output.packages
            for file in fact.output.ownedFiles {
                owned.insert(file.hasPrefix("/") ? String(file.dropFirst()) : file)
            }
            warnings += fact.output.warnings
        }
        let os = Inventory.pickOS(osCandidates)
        self.os = os

        var seen = Set<String>()
        var kept: [Package] = []
        for var package in packages {
            if !package.ecosystem.isOS, Inventory.isOwned(package.location.path, by: owned) { continue }
            if package.ecosystem.isOS, let os { package.purl = Inventory.distroPURL(package.purl, os: os) }
            let key = "\(package.purl)|\(package.location.path)"
            if seen.insert(key).inserted { kept.append(package) }
        }
        self.packages = kept.sorted()
        self.warnings = Array(Set(warnings)).sorted()
    }

    /// A language package is already an OS package's when the file it came from, or the
    /// directory holding it (a `.dist-info`, a jar), is in a package database's file list.
    static func isOwned(_ location: String, by owned: Set<String>) -> Bool {
        guard !owned.isEmpty else { return false }
        let path = location.split(separator: "!", maxSplits: 1).first.map(String.init) ?? location
        if owned.contains(path) { return true }
        if let slash = path.lastIndex(of: "/"), owned.contains(String(path[..<slash])),
           path[..<slash].hasSuffix(".dist-info") || path[..<slash].hasSuffix(".egg-info") {
            return true
        }
        return false
    }

    /// os-release names the family; the distro's own release file is more precise about the
    /// version (`/etc/debian_version` says 12.7 where os-release says 12).
    static func pickOS(_ candidates: [OperatingSystem]) -> OperatingSystem? {
        let fromOSRelease = candidates.first { ($0.source ?? "").hasSuffix("os-release") }
        guard var os = fromOSRelease ?? candidates.sorted(by: { ($0.source ?? "") < ($1.source ?? "") }).first else {
            return nil
        }
        for other in candidates where other.family == os.family && other.source != os.source {
            if other.version.hasPrefix(os.version), other.version.count > os.version.count {
                os.version = other.version
            }
        }
        return os
    }

    /// OS package purls get their distro once the OS is known:
    /// `pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12`.
    static func distroPURL(_ purl: PURL, os: OperatingSystem) -> PURL {
        var purl = purl
        switch purl.type {
        case "deb":
            purl = PURL(type: "deb", namespace: os.family, name: purl.name, version: purl.version,
                        qualifiers: purl.qualifiers.merging(["distro": "\(os.family)-\(os.release)"]) { _, new in new })
        case "apk", "rpm":
            purl.qualifiers["distro"] = "\(os.family)-\(os.version)"
            if purl.namespace == nil || purl.type == "rpm" { purl.namespace = os.family }
        default:
            break
        }
        return purl
    }
}
