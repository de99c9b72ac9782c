import Foundation
import KensaCore

/// The dpkg database: `var/lib/dpkg/status`, and distroless images' `var/lib/dpkg/status.d/*`
/// (one file per package, no `Status:` field, beside `*.md5sums` files that are not stanzas).
///
/// Reported: packages whose `Status:` state (its third word) is `installed`, or
/// `triggers-pending`/`triggers-awaited` (installed, a trigger not yet run), whatever the
/// selection (`hold ok installed`, `deinstall ok installed` are still installed). Not
/// reported: `config-files`, `half-installed`, `unpacked`, `half-configured`,
/// `not-installed` — their files are not (all) in place. The purl namespace
/// is provisionally `debian` with no `distro` qualifier; the scan rewrites both once the
/// operating system is known (and must rewrite `dependsOn` the same way).
struct DpkgStatusAnalyzer: Analyzer {
    let name = "dpkg"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        if path == "var/lib/dpkg/status" { return true }
        let parent = PathText.parent(path)
        return parent == "var/lib/dpkg/status.d" && !path.hasSuffix(".md5sums")
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.database)
        let distroless = file.path != "var/lib/dpkg/status"
        var warnings: [ScanWarning] = []
        var installed: [DebStanza] = []
        let stanzas = ControlStanza.parse(file.text)
        if !stanzas.contains(where: { $0.first("Package") != nil })
            && file.content.contains(where: { $0 > 0x20 }) {
            throw KensaError(.malformed, input: file.path, reason: "no dpkg stanza (Package: field) found")
        }
        for (index, stanza) in stanzas.enumerated() {
            if !distroless {
                // dpkg writes `Status: want flag status`; only the third word says whether
                // the package's files are in place.
                guard let status = stanza.first("Status") else {
                    warnings.append(ScanWarning(path: file.path, reason: "stanza \(index + 1) has no Status field"))
                    continue
                }
                let words = status.split(separator: " ")
                guard words.count == 3, Self.installedStates.contains(String(words[2])) else { continue }
            }
            guard let name = stanza.first("Package"), !name.isEmpty,
                  let version = stanza.first("Version"), !version.isEmpty else {
                warnings.append(ScanWarning(path: file.path, reason: "stanza \(index + 1) has no Package or Version field"))
                continue
            }
            installed.append(DebStanza(name: name, version: version, stanza: stanza))
        }
        let resolver = DebDependencyResolver(installed)
        let packages = installed.map { deb -> Package in
            let arch = deb.stanza.first("Architecture") ?? ""
            var sourceName = deb.name
            var sourceVersion = deb.version
            if let source = deb.stanza.first("Source"), !source.isEmpty {
                // `Source: glibc (2.36-9+deb12u4)`: the version only when it differs.
                let parts = source.split(separator: " ", maxSplits: 1)
                sourceName = String(parts[0])
                if parts.count == 2 {
                    sourceVersion = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "() "))
                }
            }
            let depends = [deb.stanza.first("Pre-Depends"), deb.stanza.first("Depends")]
                .compactMap { $0 }.joined(separator: ",")
            let dependsOn = resolver.resolve(depends, from: deb)
                .map { Self.purl(name: $0.name, version: $0.version, arch: $0.arch).description }
            return Package(name: deb.name, version: deb.version, ecosystem: .deb,
                           purl: Self.purl(name: deb.name, version: deb.version, arch: arch), foundBy: name,
                           sourceName: sourceName, sourceVersion: sourceVersion,
                           architecture: arch.isEmpty ? nil : arch,
                           location: .init(path: file.path), dependsOn: Array(Set(dependsOn)).sorted())
        }
        return AnalyzerOutput(packages: packages.sorted(), warnings: warnings)
    }

    static let installedStates: Set<String> = ["installed", "triggers-pending", "triggers-awaited"]

    static func purl(name: String, version: String, arch: String) -> PURL {
        PURL(ecosystem: .deb, namespace: "debian", name: name, version: version,
             qualifiers: ["arch": arch, "distro": ""])
    }
}

struct DebStanza {
    var name: String
    var version: String
    var stanza: ControlStanza
    var arch: String { stanza.first("Architecture") ?? "" }
}

/// Resolves `Depends:` expressions (`libc6 (>= 2.34), perl:any | perl-base, awk`) to the
/// installed packages that satisfy them: for each comma-separated group, the first
/// alternative that names an installed package or a virtual package one provides.
/// Version constraints are not checked: the database dpkg left is consistent.
struct DebDependencyResolver {
    private var byName: [String: [DebStanza]] = [:]
    private var providers: [String: [DebStanza]] = [:]

    init(_ installed: [DebStanza]) {
        for deb in installed {
            byName[deb.name, default: []].append(deb)
            for provided in Self.names(deb.stanza.first("Provides") ?? "") {
                providers[provided, default: []].append(deb)
            }
        }
    }

    func resolve(_ expression: String, from owner: DebStanza) -> [(name: String, version: String, arch: String)] {
        var out: [(name: String, version: String, arch: String)] = []
        for group in expression.split(separator: ",") {
            for alternative in group.split(separator: "|") {
                guard let name = Self.names(alternative).first else { continue }
                let candidates = byName[name] ?? providers[name] ?? []
                // Multi-arch: prefer the owner's architecture, then `all`, then any.
                let ownerArch = owner.arch
                if let pick = candidates.first(where: { $0.arch == ownerArch })
                    ?? candidates.first(where: { $0.arch == "all" }) ?? candidates.first {
                    if pick.name != owner.name || pick.arch != owner.arch {
                        out.append((pick.name, pick.version, pick.arch))
                    }
                    break
                }
            }
        }
        return out
    }

    /// Package names of a comma-separated relation list, without version constraints,
    /// architecture qualifiers (`:any`, `:amd64`) or build profiles.
    static func names<S: StringProtocol>(_ list: S) -> [String] {
        list.split(separator: ",").compactMap { item in
            let trimmed = item.trimmingCharacters(in: .whitespacesAndNewlines)
            let end = trimmed.firstIndex(where: { $0 == " " || $0 == "(" || $0 == ":" || $0 == "[" || $0 == "<" || $0 == "\n" })
                ?? trimmed.endIndex
            let name = String(trimmed[..<end])
            return name.isEmpty ? nil : name
        }
    }
}
