import Foundation

/// How deeply a JSON text nests objects and arrays, found by one pass over the bytes before any
/// parser sees it, so that a hostile document cannot exhaust the stack of a recursive parser.
/// Brackets inside strings do not count.
public func jsonNestingDepth(_ data: Data) -> Int {
    var depth = 0, deepest = 0
    var inString = false, escaped = false
    for byte in data {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            continue
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1
            deepest = max(deepest, depth)
        case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
        default: break
        }
    }
    return deepest
}
