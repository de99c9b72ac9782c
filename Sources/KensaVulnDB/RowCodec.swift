import KensaCore

// The DB's row payloads in a small length-prefixed binary form instead of JSON: a scan decodes
// every advisory and `affected` row of each package it looks up, and Foundation's JSONDecoder
// was most of the matching time. Integers are little-endian UInt32; a string is its UTF-8
// length then its bytes; an optional is a 0/1 byte then the value. The format belongs to the
// DB's schema version: a change here bumps `VulnDB.schemaVersion`.

struct RowWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: Int) {
        let v = UInt32(clamping: value)
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    mutating func string(_ value: String) {
        u32(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func optional(_ value: String?) {
        if let value { u8(1); string(value) } else { u8(0) }
    }

    mutating func strings(_ values: [String]) {
        u32(values.count)
        for value in values { string(value) }
    }

    mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }
}

/// Reads what `RowWriter` wrote; any read past the end or a count larger than the bytes left
/// is a `malformed` error (a damaged or foreign DB file), never a crash.
struct RowReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let source: String

    init(_ bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.offset = 0
        self.source = source
    }

    var atEnd: Bool { offset == bytes.count }

    private func damaged() -> KensaError {
        KensaError(.malformed, input: source, reason: "damaged row at byte \(offset): rebuild the DB (`kensa db build` or `kensa db update`)")
    }

    mutating func u8() throws(KensaError) -> UInt8 {
        guard offset < bytes.count else { throw damaged() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() throws(KensaError) -> Int {
        guard bytes.count - offset >= 4 else { throw damaged() }
        let v = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        offset += 4
        return Int(v)
    }

    /// A count of items that take at least `minimumSize` bytes each, checked against what is left.
    mutating func count(minimumSize: Int) throws(KensaError) -> Int {
        let n = try u32()
        guard n <= (bytes.count - offset) / max(minimumSize, 1) else { throw damaged() }
        return n
    }

    mutating func string() throws(KensaError) -> String {
        let n = try u32()
        guard n <= bytes.count - offset else { throw damaged() }
        defer { offset += n }
        return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
    }

    mutating func optional() throws(KensaError) -> String? {
        switch try u8() {
        case 0: return nil
        case 1: return try string()
        default: throw damaged()
        }
    }

    mutating func strings() throws(KensaError) -> [String] {
        let n = try count(minimumSize: 4)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    /// Skips `n` bytes, returning where they start.
    mutating func skip(_ n: Int) throws(KensaError) -> Int {
        guard n >= 0, n <= bytes.count - offset else { throw damaged() }
        defer { offset += n }
        return offset
    }

    func fail() -> KensaError { damaged() }
}
