/// A JSON value and its one serialisation, used by every JSON-based writer.
///
/// Written here rather than using Foundation's `JSONEncoder` so that the bytes are kensa's to
/// define: the same on every platform and toolchain (golden files compare bytes), keys sorted
/// by their UTF-8 bytes, `"key": value` with two-space indentation, `[]` and `{}` when empty,
/// `/` and non-ASCII text written as they are, and a final newline. It is also several times
/// faster than building the encoder's intermediate tree, which matters for large SBOMs.
enum JSON: Equatable {
    case string(String)
    case int(Int64)
    /// A finite decimal, written in Swift's shortest round-trip form (`9.8`, `0.97531`).
    case number(Double)
    case bool(Bool)
    case array([JSON])
    /// Keys are sorted when written; a nil value leaves the key out.
    case object([String: JSON])

    static func object(dropping fields: [String: JSON?]) -> JSON {
        .object(fields.compactMapValues { $0 })
    }

    static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

    /// The serialised bytes, pretty-printed, with a final newline.
    var bytes: [UInt8] {
        var writer = JSONSerializer()
        writer.write(self, indent: 0)
        writer.out.append(UInt8(ascii: "\n"))
        return writer.out
    }
}

private struct JSONSerializer {
    var out: [UInt8] = []

    init() { out.reserveCapacity(1 << 16) }

    mutating func write(_ value: JSON, indent: Int) {
        switch value {
        case .string(let text): writeString(text)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .number(let number):
            out.append(contentsOf: (number.isFinite ? String(number) : "null").utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .array(let items):
            guard !items.isEmpty else { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(item, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            guard !fields.isEmpty else { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let sorted = fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, field) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(field.key)
                out.append(contentsOf: ": ".utf8)
                write(field.value, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    mutating func newline(_ indent: Int) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// RFC 8259 §7: quote, backslash and control characters escaped, everything else as is.
    mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                case 0x08: out.append(contentsOf: "\\b".utf8)
                case 0x0C: out.append(contentsOf: "\\f".utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 15)])
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Content-derived identifiers (CycloneDX serial number, SPDX namespace): the document is
/// written once with a placeholder UUID, the UUID is derived from those bytes, and then put in
/// the placeholder's place. A key followed by `": "` cannot occur inside a JSON string (the
/// quotes would be escaped there), so the search finds only the real field.
enum ContentID {
    static let placeholder = "00000000-0000-0000-0000-000000000000"

    static func fill(_ bytes: [UInt8], key: String, valuePrefix: String) -> [UInt8] {
        let uuid = Array(NameBasedUUID.forContent(bytes).utf8)
        let needle = Array(("\"" + key + "\": \"" + valuePrefix + placeholder + "\"").utf8)
        guard let start = firstRange(of: needle, in: bytes) else { return bytes }
        var out = bytes
        let offset = start + needle.count - 1 - uuid.count
        out.replaceSubrange(offset..<(offset + uuid.count), with: uuid)
        return out
    }

    static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
