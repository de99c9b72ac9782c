// Dockerfile parser, written by hand because no Swift package for the format exists here.
// Follows the BuildKit frontend's rules: parser directives (`# escape=`) before anything
// else, the escape character continuing a line, comment lines dropped inside continuations,
// heredocs (`<<EOF`, `<<-EOF`, quoted delimiters) after RUN/COPY/ADD, JSON (exec) and shell
// forms, and ARG/ENV substitution (`$V`, `${V}`, `${V:-d}`, `${V:+a}`) in FROM and later
// instructions. Bounded: file size, and linear work per byte (1 MB lines are fine).

import Foundation
import KensaCore

public enum DockerfileParser {
    public static let maxBytes = 8_000_000

    public static func parse(_ text: String, path: String) throws(KensaError) -> Dockerfile {
        if text.utf8.count > maxBytes {
            throw KensaError(.limitExceeded, input: path, reason: "Dockerfile is larger than \(maxBytes) bytes")
        }
        if text.utf8.contains(0) { throw KensaError(.malformed, input: path, reason: "binary data (NUL byte) in a Dockerfile") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        var escape: Character = "\\"
        var i = 0
        // Parser directives: only at the very top, as `# key=value` comments.
        var directivesOpen = true
        var instructions: [DockerInstruction] = []
        var pendingIgnores: [DockerInstruction.IgnoreComment] = []
        while i < lines.count {
            let raw = lines[i]
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty { i += 1; directivesOpen = false; continue }
            if trimmed.first == "#" {
                let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                if directivesOpen, let eq = body.firstIndex(of: "="), !body[..<eq].contains(" ") {
                    let key = body[..<eq].lowercased()
                    let value = body[body.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                    if key == "escape" {
                        guard value == "\\" || value == "`" else {
                            throw KensaError(.malformed, input: path, reason: "line \(i + 1): invalid escape directive '\(value)'")
                        }
                        escape = Character(value)
                    }
                    i += 1
                    continue
                }
                directivesOpen = false
                if body.hasPrefix("kensa:ignore=") {
                    let rest = body.dropFirst("kensa:ignore=".count)
                    let id = rest.prefix { !$0.isWhitespace }
                    let reason = rest.dropFirst(id.count).trimmingCharacters(in: .whitespaces)
                    for one in id.split(separator: ",") {
                        pendingIgnores.append(.init(id: String(one), reason: reason.isEmpty ? "inline comment" : reason))
                    }
                }
                i += 1
                continue
            }
            directivesOpen = false
            // One logical line: join while the line ends with the escape character.
            let start = i
            var text = ""
            var line = Substring(raw)
            while true {
                let t = line.reversed().drop { $0 == " " || $0 == "\t" }
                if t.first == escape {
                    let cut = line.lastIndex(of: escape) ?? line.endIndex
                    text += line[..<cut]
                    i += 1
                    // Skip comment and empty lines inside a continuation.
                    while i < lines.count {
                        let s = lines[i].drop { $0 == " " || $0 == "\t" }
                        if s.first == "#" || s.isEmpty { i += 1 } else { break }
                    }
                    guard i < lines.count else { break }
                    line = lines[i]
                } else {
                    text += line
                    break
                }
            }
            var end = min(i, lines.count - 1)
            i += 1
            var instruction = split(text, startLine: start + 1, endLine: end + 1)
            // Heredocs start on the next line and end at their delimiter.
            if ["RUN", "COPY", "ADD"].contains(instruction.keyword) {
                for (delimiter, stripTabs) in heredocMarkers(instruction.arguments) {
                    var body: [Substring] = []
                    var closed = false
                    while i < lines.count {
                        var l = lines[i]
                        i += 1
                        if stripTabs { l = l.drop { $0 == "\t" } }
                        if l == delimiter { closed = true; break }
                        body.append(l)
                    }
                    guard closed else {
                        throw KensaError(.malformed, input: path, reason: "line \(start + 1): heredoc '\(delimiter)' is never closed")
                    }
                    instruction.heredocs.append(body.joined(separator: "\n"))
                    end = i - 1
                }
                instruction.endLine = end + 1
            }
            instruction.ignoreComments = pendingIgnores
            pendingIgnores = []
            instructions.append(instruction)
        }
        return try stages(instructions, path: path)
    }

    static func split(_ text: String, startLine: Int, endLine: Int) -> DockerInstruction {
        let body = text.drop { $0 == " " || $0 == "\t" }
        let keyword = body.prefix { !$0.isWhitespace }
        var rest = body.dropFirst(keyword.count).drop { $0.isWhitespace }
        var flags: [String] = []
        while rest.hasPrefix("--") {
            let flag = rest.prefix { !$0.isWhitespace }
            flags.append(String(flag.dropFirst(2)))
            rest = rest.dropFirst(flag.count).drop { $0.isWhitespace }
        }
        let arguments = String(rest).trimmingCharacters(in: .whitespaces)
        var json: [String]?
        if arguments.hasPrefix("["), arguments.hasSuffix("]"),
           let parsed = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [String] {
            json = parsed
        }
        return DockerInstruction(keyword: keyword.uppercased(), flags: flags, arguments: arguments, jsonArguments: json,
                                 heredocs: [], startLine: startLine, endLine: endLine)
    }

    /// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` markers in an instruction's arguments.
    static func heredocMarkers(_ args: String) -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        var rest = Substring(args)
        while let r = rest.range(of: "<<") {
            var after = rest[r.upperBound...]
            var strip = false
            if after.first == "-" { strip = true; after = after.dropFirst() }
            var quote: Character?
            if let q = after.first, q == "\"" || q == "'" { quote = q; after = after.dropFirst() }
            let word = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !word.isEmpty, word.first?.isNumber == false {
                out.append((String(word), strip))
                after = after.dropFirst(word.count)
                if let quote, after.first == quote { after = after.dropFirst() }
            }
            rest = after
        }
        return out
    }

    static func stages(_ instructions: [DockerInstruction], path: String) throws(KensaError) -> Dockerfile {
        var globalArgs: [String: String] = [:]
        var stages: [DockerStage] = []
        var scope: [String: String] = [:]
        for ins in instructions {
            switch ins.keyword {
            case "FROM":
                let words = substitute(ins.arguments, globalArgs).split(whereSeparator: \.isWhitespace).map(String.init)
                guard let image = words.first else { throw KensaError(.malformed, input: path, reason: "line \(ins.startLine): FROM without an image") }
                let name = words.count >= 3 && words[1].lowercased() == "as" ? words[2] : nil
                let isStage = stages.contains { $0.name?.lowercased() == image.lowercased() }
                stages.append(DockerStage(baseImage: image, name: name, from: ins, instructions: [], baseIsStage: isStage))
                scope = [:]
            case "ARG":
                for (k, v) in assignments(ins.arguments, arg: true) {
                    if stages.isEmpty { globalArgs[k] = v ?? "" } else { scope[k] = v ?? globalArgs[k] ?? "" }
                }
                if !stages.isEmpty { stages[stages.count - 1].instructions.append(ins) }
            default:
                guard !stages.isEmpty else {
                    throw KensaError(.malformed, input: path, reason: "line \(ins.startLine): \(ins.keyword) before the first FROM")
                }
                var resolved = ins
                if ins.keyword != "RUN" { resolved.arguments = substitute(ins.arguments, scope) }
                if ins.keyword == "ENV" { for (k, v) in assignments(ins.arguments, arg: false) { scope[k] = substitute(v ?? "", scope) } }
                stages[stages.count - 1].instructions.append(resolved)
            }
        }
        return Dockerfile(path: path, stages: stages, globalArgs: globalArgs)
    }

    /// `K=V K2="a b"` (or ENV's legacy `K V`, ARG's bare `K`).
    static func assignments(_ text: String, arg: Bool) -> [(String, String?)] {
        let words = shellWords(text)
        if !arg, words.count >= 2, !words[0].contains("=") { return [(words[0], words.dropFirst().joined(separator: " "))] }
        return words.map { w in
            guard let eq = w.firstIndex(of: "=") else { return (w, nil) }
            return (String(w[..<eq]), String(w[w.index(after: eq)...]))
        }
    }

    /// Splits on unquoted whitespace, removing quotes. Works on UTF-8 bytes: the separators
    /// are ASCII, and Character properties cost more than the rest of the scan together.
    static func shellWords(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var quote: UInt8 = 0
        var any = false
        for b in text.utf8 {
            if quote != 0 {
                if b == quote { quote = 0 } else { current.append(b) }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b; any = true
            } else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                if any || !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true); any = false
            } else {
                current.append(b)
            }
        }
        if any || !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// `$V`, `${V}`, `${V:-default}`, `${V:+alternative}`; unknown variables become empty
    /// (as BuildKit does) except that an unset name with no default stays as written.
    static func substitute(_ text: String, _ vars: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        let it = Array(text)
        var i = 0
        while i < it.count {
            let c = it[i]
            if c == "\\", i + 1 < it.count, it[i + 1] == "$" { out.append("$"); i += 2; continue }
            guard c == "$", i + 1 < it.count else { out.append(c); i += 1; continue }
            if it[i + 1] == "{" {
                guard let close = it[(i + 2)...].firstIndex(of: "}") else { out.append(c); i += 1; continue }
                let inner = String(it[(i + 2)..<close])
                var name = inner, op = "", word = ""
                if let r = inner.range(of: ":-") ?? inner.range(of: ":+") {
                    name = String(inner[..<r.lowerBound]); op = String(inner[r]); word = String(inner[r.upperBound...])
                }
                let v = vars[name]
                switch op {
                case ":-": out += v.flatMap { $0.isEmpty ? nil : $0 } ?? word
                case ":+": out += (v?.isEmpty == false ? word : "")
                default: out += v ?? "${\(inner)}"
                }
                i = close + 1
            } else {
                var j = i + 1
                while j < it.count, it[j].isLetter || it[j].isNumber || it[j] == "_" { j += 1 }
                let name = String(it[(i + 1)..<j])
                if name.isEmpty { out.append(c); i += 1; continue }
                out += vars[name] ?? "$" + name
                i = j
            }
        }
        return out
    }
}
