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
        if !stanzas.contains(where: { $0.first("package") != nil })
            && file.content.contains(where: { $0 > 0x20 }) {
            throw KensaError(.malformed, input: file.path, reason: "no dpkg stanza (Package: field) found")
        }
        for (index, stanza) in stanzas.enumerated() {
            if !distroless {
                // dpkg writes `Status: want flag status`; only the third word says whether
                // the package's files are in place.
                guard let status = stanza.first("status") else {
                    warnings.append(ScanWarning(path: file.path, reason: "stanza \(index + 1) has no Status field"))
                    continue
                }
                let words = status.split(separator: " ")
                guard words.count == 3, Self.installedStates.contains(String(words[2])) else { continue }
            }
            guard let name = stanza.first("package"), !name.isEmpty,
                  let version = stanza.first("version"), !version.isEmpty else {
                warnings.append(ScanWarning(path: file.path, reason: "stanza \(index + 1) has no Package or Version field"))
                continue
            }
            installed.append(DebStanza(name: name, version: version, stanza: stanza))
        }
        let resolver = DebDependencyResolver(installed)
        let purls = installed.map { Self.purl(name: $0.name, version: $0.version, arch: $0.arch) }
        let purlTexts = purls.map(\.description)
        let packages = installed.indices.map { index -> Package in
            let deb = installed[index]
            let arch = deb.arch
            var sourceName = deb.name
            var sourceVersion = deb.version
            if let source = deb.stanza.first("source"), !source.isEmpty {
                // `Source: glibc (2.36-9+deb12u4)`: the version only when it differs.
                let parts = source.split(separator: " ", maxSplits: 1)
                sourceName = String(parts[0])
                if parts.count == 2 {
                    sourceVersion = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "() "))
                }
            }
            let depends = [deb.stanza.first("pre-depends"), deb.stanza.first("depends")]
                .compactMap { $0 }.joined(separator: ",")
            let dependsOn = Set(resolver.resolve(depends, from: index).map { purlTexts[$0] })
            return Package(name: deb.name, version: deb.version, ecosystem: .deb,
                           purl: purls[index], foundBy: name,
                           sourceName: sourceName, sourceVersion: sourceVersion,
                           architecture: arch.isEmpty ? nil : arch,
                           location: .init(path: file.path), dependsOn: dependsOn.sorted())
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
    var arch: String
    var stanza: ControlStanza

    init(name: String, version: String, stanza: ControlStanza) {
        self.name = name
        self.version = version
        self.stanza = stanza
        arch = stanza.first("architecture") ?? ""
    }
}

/// Resolves `Depends:` expressions (`libc6 (>= 2.34), perl:any | perl-base, awk`) to the
/// installed packages that satisfy them: for each comma-separated group, the first
/// alternative that names an installed package or a virtual package one provides.
/// Version constraints are not checked: the database dpkg left is consistent.
struct DebDependencyResolver {
    private let installed: [DebStanza]
    private var byName: [String: [Int]] = [:]
    private var providers: [String: [Int]] = [:]

    init(_ installed: [DebStanza]) {
        self.installed = installed
        for (index, deb) in installed.enumerated() {
            byName[deb.name, default: []].append(index)
            for provided in Self.names(deb.stanza.first("provides") ?? "") {
                providers[provided, default: []].append(index)
            }
        }
    }

    /// Indices (into the installed list) of the packages `expression` resolves to, for the
    /// package at `owner`; never the owner itself.
    func resolve(_ expression: String, from owner: Int) -> [Int] {
        var out: [Int] = []
        let ownerArch = installed[owner].arch
        for group in Self.relations(expression) {
            for name in group {
                let candidates = byName[name] ?? providers[name] ?? []
                // Multi-arch: prefer the owner's architecture, then `all`, then any.
                if let pick = candidates.first(where: { installed[$0].arch == ownerArch })
                    ?? candidates.first(where: { installed[$0].arch == "all" }) ?? candidates.first {
                    if pick != owner { out.append(pick) }
                    break
                }
            }
        }
        return out
    }

    /// `a (>= 1) | b:any, c [amd64]` → `[[a, b], [c]]`: comma-separated groups of
    /// `|`-separated alternatives, names only.
    static func relations(_ expression: String) -> [[String]] {
        var text = expression
        return text.withUTF8 { bytes in
            var groups: [[String]] = []
            var group: [String] = []
            var index = 0
            while index < bytes.count {
                while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09) { index += 1 }
                let start = index
                while index < bytes.count, !Self.endsName(bytes[index]) { index += 1 }
                if index > start { group.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
                // Skip the constraint to the next separator.
                while index < bytes.count && bytes[index] != UInt8(ascii: ",") && bytes[index] != UInt8(ascii: "|") { index += 1 }
                if index < bytes.count && bytes[index] == UInt8(ascii: ",") {
                    if !group.isEmpty { groups.append(group) }
                    group = []
                }
                index += 1
            }
            if !group.isEmpty { groups.append(group) }
            return groups
        }
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ":")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "|")
    }

    /// Package names of a comma-separated relation list (`Provides:`).
    static func names(_ list: String) -> [String] {
        relations(list).compactMap(\.first)
    }
}
