// Falco's field transformers (tolower, toupper, b64, basename, len, trim), applied to values.

enum Transformers {
    static func apply(_ name: String, _ value: String) -> String? {
        switch name {
        case "tolower": return value.lowercased()
        case "toupper": return value.uppercased()
        case "trim":
            var s = Substring(value)
            while let f = s.first, f.isWhitespace { s = s.dropFirst() }
            while let l = s.last, l.isWhitespace { s = s.dropLast() }
            return String(s)
        case "basename":
            if value.isEmpty { return value }
            if let slash = value.lastIndex(of: "/") { return String(value[value.index(after: slash)...]) }
            return value
        case "len": return String(value.utf8.count)
        case "b64": return Base64.decode(value).map { String(decoding: $0, as: UTF8.self) }
        default: return nil
        }
    }

    static func wrap<E>(_ field: BoundField<E>, with names: [String]) -> BoundField<E> {
        if names.isEmpty { return field }
        let inner = field.extract
        let type: FieldType = names.last == "len" ? .number : field.type
        return BoundField(name: field.name, type: type) { event in
            func run(_ s: String) -> String? {
                var v = s
                for n in names {
                    guard let next = apply(n, v) else { return nil }
                    v = next
                }
                return v
            }
            switch inner(event) {
            case .missing: return .missing
            case .one(let s): return run(s).map(FieldValue.one) ?? .missing
            case .many(let items):
                if names.last == "len" { return .one(String(items.count)) }
                return .many(items.compactMap(run))
            }
        }
    }
}

enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="), 0x0A, 0x0D: continue
            default: return nil
            }
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }

    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18)], table[Int((n >> 12) & 63)], table[Int((n >> 6) & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18)], table[Int((n >> 12) & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18)], table[Int((n >> 12) & 63)], table[Int((n >> 6) & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
