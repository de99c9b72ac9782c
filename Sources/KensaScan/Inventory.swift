import KensaAnalyzers
import KensaCore

/// Facts of all visible files → the inventory a report shows: one OS, OS packages with their
/// distro in the purl, and language packages that no OS package manager already owns.
struct Inventory {
    var os: OperatingSystem?
    var packages: [Package]
    var warnings: [ScanWarning]

    init(facts: [FileFacts], warnings: [ScanWarning]) {
        var found: [OperatingSystem] = []
        var packages: [Package] = []
        var owned = OwnedFiles([])
        var warnings = warnings
        for fact in facts {
            if let os = fact.output.os { found.append(os) }
            packages += fact.output.packages
            for file in fact.output.ownedFiles { owned.insert(file) }
            warnings += fact.output.warnings
        }
        let os = resolveOperatingSystem(found)
        self.os = os
        if let os { packages = assignOperatingSystem(os, to: packages) }

        var seen = Set<String>()
        var kept: [Package] = []
        for package in packages {
            if !package.ecosystem.isOS, Inventory.isOwned(package.location.path, by: owned) { continue }
            let key = "\(package.purl)|\(package.location.path)"
            if seen.insert(key).inserted { kept.append(package) }
        }
        self.packages = kept.sorted()
        self.warnings = Array(Set(warnings)).sorted()
    }

    /// A language package is already an OS package's when the file it came from (for a jar,
    /// the outer archive), or the `.dist-info`/`.egg-info` directory holding it, is in a
    /// package database's file list.
    static func isOwned(_ location: String, by owned: OwnedFiles) -> Bool {
        guard owned.count > 0 else { return false }
        let path = location.split(separator: "!", maxSplits: 1).first.map(String.init) ?? location
        if owned.contains(relativePath: path) { return true }
        if let slash = path.lastIndex(of: "/") {
            let directory = path[..<slash]
            if directory.hasSuffix(".dist-info") || directory.hasSuffix(".egg-info"),
               owned.contains(relativePath: String(directory)) {
                return true
            }
        }
        return false
    }
}
