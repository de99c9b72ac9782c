import Foundation
import KensaCore

/// One linear pass over YAML text before Yams sees it. Yams composes nodes recursively (a
/// 100,000-level `[[[…` would overflow the stack) and expands aliases (a few hundred bytes
/// of anchors can stand for billions of nodes), so this pass refuses both: nesting deeper
/// than `Lockfile.maxDepth` (flow brackets, indentation levels and `- - -` runs together),
/// and any anchor or alias, which pnpm and Yarn never write.
///
/// It is deliberately conservative rather than a YAML tokenizer: quoted scalars and
/// comments are skipped, an indicator counts only where a token may start, and block
/// scalar bodies (`|`, `>`) are not inspected.
enum YAMLPrescan {
    static func check(_ input: AnalyzerInput) throws {
        try input.content.withUnsafeBytes { try check(input, bytes: $0) }
    }

    private static func check(_ input: AnalyzerInput, bytes: UnsafeRawBufferPointer) throws {
        var indents: [Int] = []
        var elements = 0
        var flowDepth = 0
        var blockScalarParent: Int?
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            defer { lineStart = lineEnd == bytes.endIndex ? lineEnd : bytes.index(after: lineEnd) }
            var index = lineStart
            var indent = 0
            while index < lineEnd, bytes[index] == UInt8(ascii: " ") {
                indent += 1
                index += 1
            }
            if index == lineEnd || bytes[index] == UInt8(ascii: "#") || bytes[index] == UInt8(ascii: "\r") { continue }
            if let parent = blockScalarParent {
                if indent > parent { continue }
                blockScalarParent = nil
            }
            elements += 1
            if elements > Lockfile.maxElements { throw Lockfile.tooMany(input, "YAML values", limit: Lockfile.maxElements) }
            if flowDepth == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
            }
            var dashes = 0
            var previous: UInt8? = nil
            var previousWasSpace = true
            var quote: UInt8? = nil
            var lastSignificant: UInt8? = nil
            while index < lineEnd {
                let byte = bytes[index]
                index += 1
                if let open = quote {
                    if open == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                        index = min(index + 1, lineEnd)
                    } else if byte == open {
                        quote = nil
                        previous = byte
                        previousWasSpace = false
                    }
                    continue
                }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    previousWasSpace = true
                    continue
                }
                let tokenStart = previous == nil
                    || (previousWasSpace && previous.map(isIndicator) == true)
                    || (flowDepth > 0 && (previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{")
                        || previous == UInt8(ascii: ",") || previous == UInt8(ascii: ":")))
                if byte == UInt8(ascii: "#"), previousWasSpace { break }
                if flowDepth > 0, byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    flowDepth -= 1
                } else if flowDepth > 0, byte == UInt8(ascii: ",") {
                    elements += 1
                    if elements > Lockfile.maxElements { throw Lockfile.tooMany(input, "YAML values", limit: Lockfile.maxElements) }
                } else if tokenStart {
                    switch byte {
                    case UInt8(ascii: "'"), UInt8(ascii: "\""):
                        quote = byte
                    case UInt8(ascii: "&"), UInt8(ascii: "*"):
                        throw KensaError(.hostile, input: input.path,
                                         reason: "YAML anchors or aliases are not allowed in lock files")
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flowDepth += 1
                    case UInt8(ascii: "-") where previous == nil || previous == UInt8(ascii: "-"):
                        if index == lineEnd || bytes[index] == UInt8(ascii: " ") { dashes += 1 }
                    default:
                        break
                    }
                }
                if indents.count + dashes + flowDepth > Lockfile.maxDepth {
                    throw KensaError(.limitExceeded, input: input.path,
                                     reason: "YAML nested more than \(Lockfile.maxDepth) levels deep")
                }
                previous = byte
                previousWasSpace = false
                lastSignificant = byte
            }
            if flowDepth == 0, let last = lastSignificant, last == UInt8(ascii: "|") || last == UInt8(ascii: ">")
                || ((last == UInt8(ascii: "-") || last == UInt8(ascii: "+")) && endsWithBlockIndicator(bytes[lineStart..<lineEnd])) {
                blockScalarParent = indent
            }
        }
    }

    private static func isIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ","),
             UInt8(ascii: "["), UInt8(ascii: "{"):
            return true
        default:
            return false
        }
    }

    /// `key: |-`, `key: >+2` and the like.
    private static func endsWithBlockIndicator(_ line: Slice<UnsafeRawBufferPointer>) -> Bool {
        let trimmed = line.reversed().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }
        let tail = Array(trimmed.prefix(3))
        return tail.contains(UInt8(ascii: "|")) || tail.contains(UInt8(ascii: ">"))
    }
}
