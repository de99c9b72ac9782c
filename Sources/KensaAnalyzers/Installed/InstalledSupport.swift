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
/// separated by blank lines. Field names compare case-insensitively (both formats say so);
/// they are stored lower-cased so that look-ups are plain comparisons.
struct ControlStanza {
    /// Fields in file order, names lower-cased; repeated fields (Python `Classifier`) keep
    /// every value.
    var fields: [(name: String, value: String)] = []

    /// `name` must be given lower-case.
    func first(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// Parses every stanza. With `headersOnly` the first blank line ends parsing (Python
    /// METADATA: the body after it is the long description). Works on the UTF-8 bytes:
    /// this is the hot path of a dpkg database.
    static func parse(_ text: String, headersOnly: Bool = false) -> [ControlStanza] {
        var text = text
        return text.withUTF8 { parse(bytes: $0, headersOnly: headersOnly) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, headersOnly: Bool) -> [ControlStanza] {
        var stanzas: [ControlStanza] = []
        var current = ControlStanza()
        guard let base = bytes.baseAddress else { return stanzas }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func text(_ from: Int, _ to: Int) -> String {
            var from = from, to = to
            while from < to && isBlank(bytes[from]) { from += 1 }
            while to > from && isBlank(bytes[to - 1]) { to -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        var start = 0
        while start < bytes.count {
            let newline = memchr(base + start, 0x0A, bytes.count - start)
                .map { $0.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base) } ?? bytes.count
            var end = newline
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            defer { start = newline + 1 }
            var blank = true
            for i in start..<end where !isBlank(bytes[i]) { blank = false; break }
            if blank && (end == start || !headersOnly) {
                if !current.fields.isEmpty { stanzas.append(current) }
                current = ControlStanza()
                if headersOnly { return stanzas }
                continue
            }
            if isBlank(bytes[start]) {
                // A continuation line belongs to the previous field; one before any field is
                // junk and is dropped.
                if !current.fields.isEmpty {
                    current.fields[current.fields.count - 1].value += "\n"
                        + String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end]), as: UTF8.self)
                }
                continue
            }
            guard let colonPointer = memchr(base + start, Int32(UInt8(ascii: ":")), end - start) else { continue }
            let colon = colonPointer.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
            var name = text(start, colon)
            if name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { name = name.lowercased() }
            guard !name.isEmpty else { continue }
            current.fields.append((name, text(colon + 1, end)))
        }
        if !current.fields.isEmpty { stanzas.append(current) }
        return stanzas
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (cheaper than Foundation's trimming,
    /// which matters on multi-megabyte package databases).
    func trimmingBlanks() -> Substring {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return self[endIndex...] }
        var last = bytes.index(before: bytes.endIndex)
        while bytes[last] == 0x20 || bytes[last] == 0x09 { last = bytes.index(before: last) }
        return self[first...last]
    }
}

extension String {
    /// Lines split at LF, a CR before the LF dropped, empty lines kept. Works on the UTF-8
    /// bytes with memchr: splitting Characters would treat CRLF as one character and is an
    /// order of magnitude slower on multi-megabyte package databases.
    var lines: [Substring] {
        var text = self
        let ranges: [(start: Int, end: Int)] = text.withUTF8 { buffer in
            var out: [(start: Int, end: Int)] = []
            guard let base = buffer.baseAddress else { return out }
            var start = 0
            while start < buffer.count {
                let found = memchr(base + start, 0x0A, buffer.count - start)
                let newline = found.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? buffer.count
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                out.append((start, end))
                start = newline + 1
            }
            return out
        }
        let utf8 = text.utf8
        return ranges.map { range in
            text[utf8.index(utf8.startIndex, offsetBy: range.start)..<utf8.index(utf8.startIndex, offsetBy: range.end)]
        }
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
