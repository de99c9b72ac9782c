import Foundation
import KensaCore

/// `etc/os-release` and `usr/lib/os-release` (os-release(5)): `ID`, `VERSION_ID`,
/// `PRETTY_NAME`. When both exist the scan keeps `etc/` (see `resolveOperatingSystem`).
struct OSReleaseAnalyzer: Analyzer {
    let name = "os-release"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        path == "etc/os-release" || path == "usr/lib/os-release"
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try file.requireSize(atMost: InstalledLimits.releaseFile)
        var values: [String: String] = [:]
        for line in file.text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = String(trimmed[..<eq])
            values[key] = Self.unquote(trimmed[trimmed.index(after: eq)...])
        }
        guard let id = values["ID"], !id.isEmpty else {
            throw KensaError(.malformed, input: file.path, reason: "os-release has no ID field")
        }
        let family = Self.family(forID: id.lowercased())
        // Rolling releases (Debian testing, Arch) have no VERSION_ID; the build ID or the
        // codename is the closest thing to a version they state.
        let version = values["VERSION_ID"] ?? values["VERSION_CODENAME"] ?? values["BUILD_ID"] ?? ""
        let os = OperatingSystem(family: family, version: version, prettyName: values["PRETTY_NAME"],
                                 source: file.path)
        return AnalyzerOutput(os: os)
    }

    /// IDs are kept as the distro spells them (`debian`, `ubuntu`, `rhel`, `opensuse-leap`),
    /// except Oracle Linux's `ol`, which vulnerability data calls `oracle`.
    static func family(forID id: String) -> String {
        id == "ol" ? "oracle" : id
    }

    /// Shell-style value: double or single quotes removed, backslash escapes in double
    /// quotes resolved.
    static func unquote(_ raw: Substring) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard let quote = value.first, quote == "\"" || quote == "'" else { return value }
        var out = ""
        var escaped = false
        for ch in value.dropFirst() {
            if escaped { out.append(ch); escaped = false; continue }
            if ch == "\\" && quote == "\"" { escaped = true; continue }
            if ch == quote { break }
            out.append(ch)
        }
        return out
    }
}
