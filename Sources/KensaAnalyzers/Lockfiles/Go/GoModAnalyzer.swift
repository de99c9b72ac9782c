import Foundation
import KensaCore

/// Go's `go.mod`: the modules in `require` (direct and `// indirect`; since Go 1.17 the
/// file lists every module the build needs), after `replace` directives. The main module
/// (`module`) is the project, not a package; a module replaced by a local directory is the
/// project's own code and is dropped. Versions stay as Go writes them (`v1.2.3`,
/// pseudo-versions, `+incompatible`). go.mod states no dependency edges between modules.
struct GoModAnalyzer: Analyzer {
    let name = "gomod"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        Lockfile.wants(path, size: size, names: ["go.mod"])
    }

    private struct Replacement {
        var oldVersion: String?
        var newPath: String
        var newVersion: String?
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try Lockfile.checkSize(file)
        try Lockfile.checkLineCount(file)
        var requires: [(path: String, version: String)] = []
        var replacements: [String: [Replacement]] = [:]
        var sawModule = false
        var block: String?
        for (offset, rawLine) in Lockfile.lines(file.text).enumerated() {
            let lineNumber = offset + 1
            var tokens = try GoModTokens.split(rawLine, input: file, line: lineNumber)
            if tokens.isEmpty { continue }
            if let open = block {
                if tokens == [")"] {
                    block = nil
                    continue
                }
                tokens.insert(open, at: 0)
            } else if tokens.count == 2, tokens[1] == "(" {
                block = tokens[0]
                continue
            }
            switch tokens[0] {
            case "module":
                guard tokens.count == 2 else { throw Lockfile.malformed(file, "line \(lineNumber): module wants one path") }
                sawModule = true
            case "require":
                guard tokens.count == 3 else { throw Lockfile.malformed(file, "line \(lineNumber): require wants a path and a version") }
                requires.append((tokens[1], tokens[2]))
            case "replace":
                guard let arrow = tokens.firstIndex(of: "=>"), arrow == 2 || arrow == 3,
                      tokens.count - arrow - 1 == 1 || tokens.count - arrow - 1 == 2 else {
                    throw Lockfile.malformed(file, "line \(lineNumber): replace wants `old [version] => new [version]`")
                }
                replacements[tokens[1], default: []].append(Replacement(
                    oldVersion: arrow == 3 ? tokens[2] : nil,
                    newPath: tokens[arrow + 1],
                    newVersion: tokens.count > arrow + 2 ? tokens[arrow + 2] : nil))
            default:
                // go, toolchain, exclude, retract, godebug, tool, ignore: no packages.
                continue
            }
        }
        if block != nil { throw Lockfile.malformed(file, "a `(` block is never closed (truncated?)") }
        if !sawModule { throw Lockfile.malformed(file, "no module directive: not a go.mod file") }

        var collector = PackageCollector(path: file.path, foundBy: name)
        for (path, version) in requires {
            var module = (path: path, version: version)
            // A replacement for this exact version wins over one for every version.
            let candidates = replacements[path] ?? []
            if let replacement = candidates.last(where: { $0.oldVersion == version }) ?? candidates.last(where: { $0.oldVersion == nil }) {
                guard let newVersion = replacement.newVersion, !isLocalPath(replacement.newPath) else { continue }
                module = (replacement.newPath, newVersion)
            }
            let parts = Lockfile.splitLast(module.path)
            let purl = PURL(ecosystem: .golang, namespace: parts.namespace, name: parts.name, version: module.version)
            collector.add(name: module.path, version: module.version, ecosystem: .golang, purl: purl)
        }
        return AnalyzerOutput(packages: collector.packages)
    }

    /// Go treats a replacement starting with `./`, `../` or `/` (or a Windows drive) as a
    /// directory.
    private func isLocalPath(_ path: String) -> Bool {
        path.hasPrefix("./") || path.hasPrefix("../") || path.hasPrefix("/") || path == "." || path == ".."
            || path.hasPrefix(".\\") || path.hasPrefix("..\\") || (path.count > 2 && path.dropFirst().hasPrefix(":\\"))
    }
}

/// go.mod's lexical rules: whitespace-separated tokens, `//` comments, and strings quoted
/// with `"…"` (backslash escapes) or `` `…` ``.
enum GoModTokens {
    static func split(_ line: Substring, input: AnalyzerInput, line number: Int) throws -> [String] {
        let bytes = line.utf8
        var tokens: [String] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index = bytes.index(after: index)
                continue
            }
            if byte == UInt8(ascii: "/"), bytes[index...].starts(with: "//".utf8) { break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "`") {
                var token: [UInt8] = []
                var cursor = bytes.index(after: index)
                var closed = false
                while cursor < bytes.endIndex {
                    var next = bytes[cursor]
                    if next == byte { closed = true; break }
                    if byte == UInt8(ascii: "\""), next == UInt8(ascii: "\\") {
                        cursor = bytes.index(after: cursor)
                        guard cursor < bytes.endIndex else { break }
                        next = bytes[cursor]
                    }
                    token.append(next)
                    cursor = bytes.index(after: cursor)
                }
                guard closed else { throw Lockfile.malformed(input, "line \(number): unterminated quoted string") }
                tokens.append(String(decoding: token, as: UTF8.self))
                index = bytes.index(after: cursor)
                continue
            }
            var end = index
            while end < bytes.endIndex {
                let next = bytes[end]
                if next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
                    || next == UInt8(ascii: "\"") || next == UInt8(ascii: "`")
                    || (next == UInt8(ascii: "/") && bytes[end...].starts(with: "//".utf8)) { break }
                end = bytes.index(after: end)
            }
            tokens.append(String(line[index..<end]))
            index = end
        }
        return tokens
    }
}
