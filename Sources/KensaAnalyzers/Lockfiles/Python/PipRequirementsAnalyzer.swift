import Foundation
import KensaCore

/// pip's `requirements*.txt`: only exact pins (`name==1.2.3`, extras and environment
/// markers dropped) name one release; ranges, URLs, editable installs and wildcard pins
/// are skipped. Per-requirement options (`--hash=…`) and `\` continuations are handled.
/// Included files (`-r`, `-c`) are not followed: the walk hands analyzers one file at a
/// time, so each include is a warning naming the file it would need.
struct PipRequirementsAnalyzer: Analyzer {
    let name = "pip-requirements"
    let version = 1

    func wants(path: String, size: Int64, mode: UInt32) -> Bool {
        let base = Lockfile.basename(path)
        return size <= Int64(Lockfile.maxBytes) && base.hasPrefix("requirements") && base.hasSuffix(".txt")
            && !Lockfile.insideInstalledTree(path)
    }

    func analyze(_ file: AnalyzerInput) throws -> AnalyzerOutput {
        try Lockfile.checkSize(file)
        try Lockfile.checkLineCount(file)
        var collector = PackageCollector(path: file.path, foundBy: name)
        var warnings: [ScanWarning] = []
        for (lineNumber, line) in logicalLines(file) {
            if line.hasPrefix("-") {
                let option = line.prefix { $0 != " " && $0 != "=" }
                if ["-r", "--requirement", "-c", "--constraint"].contains(String(option)) {
                    let target = line.dropFirst(option.count).drop { $0 == " " || $0 == "=" }
                    warnings.append(ScanWarning(path: file.path, reason: "line \(lineNumber): includes \(target), not followed"))
                }
                continue
            }
            guard let (packageName, packageVersion) = pinned(line) else { continue }
            collector.add(name: packageName, version: packageVersion, ecosystem: .pypi,
                          purl: PURL(ecosystem: .pypi, name: packageName, version: packageVersion))
        }
        return AnalyzerOutput(packages: collector.packages, warnings: warnings.sorted())
    }

    /// Lines with continuations joined and comments removed, numbered by their first line.
    private func logicalLines(_ file: AnalyzerInput) -> [(Int, Substring)] {
        let text = file.text
        var result: [(Int, Substring)] = []
        var pending = ""
        var start = 0
        for (offset, raw) in Lockfile.lines(text).enumerated() {
            var line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if let comment = commentStart(line) { line = line[..<comment] }
            if pending.isEmpty { start = offset + 1 }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let joined = pending.isEmpty ? trimmed(line) : trimmed(Substring(pending + line))
            pending = ""
            if !joined.isEmpty { result.append((start, joined)) }
        }
        let rest = trimmed(Substring(pending))
        if !rest.isEmpty { result.append((start, rest)) }
        return result
    }

    /// `#` starts a comment at the line start or after whitespace.
    private func commentStart(_ line: Substring) -> Substring.Index? {
        var previous = UInt8(ascii: " ")
        var index = line.utf8.startIndex
        while index < line.utf8.endIndex {
            let byte = line.utf8[index]
            if byte == UInt8(ascii: "#"), previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t") { return index }
            previous = byte
            index = line.utf8.index(after: index)
        }
        return nil
    }

    /// `Name[extra]==1.2.3 ; markers --hash=…` → (`Name`, `1.2.3`). Byte-level scanning
    /// keeps a 10 MB line linear and cheap.
    private func pinned(_ line: Substring) -> (String, String)? {
        let bytes = line.utf8
        var end = bytes.endIndex
        var equals: Substring.UTF8View.Index?
        var index = bytes.startIndex
        var previous: UInt8 = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ";") || (byte == UInt8(ascii: "-") && previous == UInt8(ascii: " ")) {
                end = byte == UInt8(ascii: ";") ? index : bytes.index(before: index)
                break
            }
            if byte == UInt8(ascii: "="), previous == UInt8(ascii: "="), equals == nil { equals = bytes.index(before: index) }
            previous = byte
            index = bytes.index(after: index)
        }
        guard let equals, equals < end else { return nil }
        var namePart = trimmed(line[..<equals])
        let versionPart = trimmed(line[bytes.index(equals, offsetBy: 2)..<end])
        if let bracket = namePart.utf8.firstIndex(of: UInt8(ascii: "[")) {
            guard namePart.utf8.last == UInt8(ascii: "]") else { return nil }
            namePart = trimmed(namePart[..<bracket])
        }
        guard isName(namePart), isPinnedVersion(versionPart) else { return nil }
        return (String(namePart), String(versionPart))
    }

    private func trimmed(_ text: Substring) -> Substring {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var start = text.utf8.startIndex
        var end = text.utf8.endIndex
        while start < end, blank(text.utf8[start]) { start = text.utf8.index(after: start) }
        while end > start, blank(text.utf8[text.utf8.index(before: end)]) { end = text.utf8.index(before: end) }
        return text[start..<end]
    }

    private func isName(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// A single exact version: no wildcard, no further clause, no `===`.
    private func isPinnedVersion(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, first != UInt8(ascii: "=") else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "!")
        }
    }

    private func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
