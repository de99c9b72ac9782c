import Foundation
import KensaCore

/// Size limits and small text helpers shared by the installed-package analyzers.
///
/// Limits exist so that a hostile file (a gigabyte status file, a single 500 MB line) is
/// refused with a typed error instead of exhausting memory. They are far above what real
/// databases reach (a large Debian system's dpkg status is a few MB).
enum InstalledLimits {
    /// Package databases (dpkg status, apk installed, rpmdb.sqlite).
    static let database = 256 << 20
    /// Single metadata files (METADATA, package.json, gemspec, deps.json, os-release).
    static let metadata = 16 << 20
    /// Release files are one line long; anything big is not one.
    static let releaseFile = 64 << 10
    /// Executables considered for Go build info, and Java archives.
    static let binary = 512 << 20
}

extension AnalyzerInput {
    /// Throws `limitExceeded` naming the file when it is larger than `limit`.
    func requireSize(atMost limit: Int) throws {
        if content.count > limit {
            throw KensaError(.limitExceeded, input: path,
                             reason: "file is \(content.count) bytes, more than the \(limit)-byte limit for this kind of file")
        }
    }
}

enum PathText {
    /// The last path component.
    static func base(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return Substring(path) }
        return path[path.index(after: slash)...]
    }

    /// Everything before the last `/` (empty for a bare name).
    static func parent(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return path[..<slash]
    }
}

/// Stanzas of the RFC 822-like "control" format used by dpkg databases and Python core
/// metadata: `Field: value` lines, continuation lines starting with a space or tab, stanzas
/// separated by blank lines.
struct ControlStanza {
    /// Fields in file order; repeated fields (Python `Classifier`) keep every value.
    var fields: [(name: String, value: String)] = []

    func first(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    func all(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// Parses every stanza. With `headersOnly` the first blank line ends parsing (Python
    /// METADATA: the body after it is the long description).
    static func parse(_ text: String, headersOnly: Bool = false) -> [ControlStanza] {
        var stanzas: [ControlStanza] = []
        var current = ControlStanza()
        for line in text.lines {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) && (line.isEmpty || !headersOnly) {
                if !current.fields.isEmpty { stanzas.append(current) }
                current = ControlStanza()
                if headersOnly { return stanzas }
                continue
            }
            if line.first == " " || line.first == "\t" {
                // A continuation line belongs to the previous field; one before any field is
                // junk and is dropped.
                if !current.fields.isEmpty {
                    current.fields[current.fields.count - 1].value += "\n" + line.dropFirst()
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            current.fields.append((name, value))
        }
        if !current.fields.isEmpty { stanzas.append(current) }
        return stanzas
    }
}

extension String {
    /// Lines split at LF and CRLF, empty lines kept. (`"\r\n"` is one Character in Swift,
    /// so splitting on `"\n"` alone would leave CRLF files whole.)
    var lines: [Substring] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// PEP 503 normalised form: lower case, runs of `-`, `_`, `.` collapsed to `-`.
    var pep503Normalized: String {
        var out = ""
        var lastWasSeparator = false
        for ch in lowercased() {
            if ch == "-" || ch == "_" || ch == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(ch)
                lastWasSeparator = false
            }
        }
        return out
    }
}
