import KensaCore

/// Yarn 1's own lock-file syntax (neither JSON nor YAML):
///
///     "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
///       version "7.12.13"
///       dependencies:
///         "@babel/highlight" "^7.12.13"
///
/// Parsed line by line in one pass; nesting is at most two levels by construction.
struct YarnClassicLockfile {
    struct Entry {
        var specifiers: [String]
        var fields: [String: String] = [:]
        var dependencies: [(name: String, range: String)] = []
        var line: Int
    }

    var entries: [Entry] = []

    init(_ input: AnalyzerInput) throws {
        try Lockfile.checkLineCount(input)
        var current: Entry?
        var inDependencies = false
        for (offset, rawLine) in Lockfile.lines(input.text).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.utf8.count - trimmed.utf8.count
            switch indent {
            case 0:
                guard line.hasSuffix(":") else {
                    throw Lockfile.malformed(input, "line \(offset + 1): expected an entry header ending in ':'")
                }
                if let current { entries.append(current) }
                let specifiers = Self.splitList(line.dropLast())
                guard !specifiers.isEmpty else {
                    throw Lockfile.malformed(input, "line \(offset + 1): empty entry header")
                }
                current = Entry(specifiers: specifiers, line: offset + 1)
                inDependencies = false
            case 2:
                guard current != nil else {
                    throw Lockfile.malformed(input, "line \(offset + 1): field outside an entry")
                }
                if trimmed.hasSuffix(":") {
                    let block = Self.unquote(trimmed.dropLast())
                    inDependencies = block == "dependencies" || block == "optionalDependencies"
                } else {
                    inDependencies = false
                    if let (key, value) = Self.pair(trimmed) { current?.fields[key] = value }
                }
            case 4:
                guard current != nil else {
                    throw Lockfile.malformed(input, "line \(offset + 1): dependency outside an entry")
                }
                if inDependencies, let (name, range) = Self.pair(trimmed) {
                    current?.dependencies.append((name, range))
                }
            default:
                throw Lockfile.malformed(input, "line \(offset + 1): unexpected indentation")
            }
        }
        if let current { entries.append(current) }
    }

    /// `a@1, "b@2"` → [`a@1`, `b@2`].
    static func splitList(_ text: Substring) -> [String] {
        text.split(separator: ",").map { unquote($0.drop { $0 == " " }) }.filter { !$0.isEmpty }
    }

    /// `key value` or `"key" "value"`.
    static func pair(_ text: Substring) -> (String, String)? {
        let key: Substring
        let rest: Substring
        if text.hasPrefix("\"") {
            guard let close = text.dropFirst().firstIndex(of: "\"") else { return nil }
            key = text[text.index(after: text.startIndex)..<close]
            rest = text[text.index(after: close)...]
        } else {
            guard let space = text.firstIndex(of: " ") else { return nil }
            key = text[..<space]
            rest = text[space...]
        }
        return (String(key), unquote(rest.drop { $0 == " " }))
    }

    static func unquote(_ text: Substring) -> String {
        let trimmed = text.hasSuffix(" ") ? Substring(text.reversed().drop { $0 == " " }.reversed()) : text
        guard trimmed.utf8.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else { return String(trimmed) }
        let inner = trimmed.dropFirst().dropLast()
        guard inner.utf8.contains(UInt8(ascii: "\\")) else { return String(inner) }
        var out = ""
        var escaped = false
        for character in inner {
            if !escaped, character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            out.append(character)
        }
        return out
    }
}
