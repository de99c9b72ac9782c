import Foundation
import KensaCore

extension SBOMReader {
    /// Rejects what is not a JSON object before parsing (with a hint for the other SBOM
    /// encodings), a document nested deeper than `maxDepth` or with more values than the
    /// limits below, and a truncated one.
    static func checkShape(_ data: Data, input: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
            guard start < bytes.count else {
                throw KensaError(.malformed, input: input, reason: "empty file; expected a CycloneDX or SPDX JSON document")
            }
            switch bytes[start] {
            case UInt8(ascii: "{"):
                break
            case UInt8(ascii: "<"):
                throw KensaError(.unsupported, input: input, reason: "XML (CycloneDX XML or SPDX RDF) is not supported; give the JSON form")
            default:
                let head = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(bytes.count, start + 12)]), as: UTF8.self)
                if head.hasPrefix("SPDXVersion") {
                    throw KensaError(.unsupported, input: input, reason: "SPDX tag-value is not supported; give SPDX JSON")
                }
                throw KensaError(.malformed, input: input, reason: "not a JSON object; expected a CycloneDX or SPDX JSON document")
            }
            var depth = 0
            var containers = 0
            var separators = 0
            var inString = false
            var escaped = false
            for index in start..<bytes.count {
                let byte = bytes[index]
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    containers += 1
                    if depth > maxDepth {
                        throw KensaError(.limitExceeded, input: input, reason: "JSON nested more than \(maxDepth) levels deep (byte \(index)); not read")
                    }
                    if containers > maxContainers {
                        throw KensaError(.limitExceeded, input: input, reason: "more than \(maxContainers) JSON objects and arrays; not read")
                    }
                case UInt8(ascii: ","):
                    separators += 1
                    if separators > maxSeparators {
                        throw KensaError(.limitExceeded, input: input, reason: "more than \(maxSeparators) JSON values; not read")
                    }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                default: break
                }
            }
            if inString || depth > 0 {
                throw KensaError(.malformed, input: input, reason: "truncated JSON: the document ends inside \(inString ? "a string" : "an object or array")")
            }
        }
    }
}
