// The strings extension (cel-go ext.Strings, as Kubernetes enables it). Indexes count
// Unicode code points, as in CEL's size(); out-of-range indexes are errors.

enum StringsLibrary {
    typealias F = CELFunction
    static let noOverload = StandardLibrary.noOverload

    static func outOfRange(_ i: Int64) -> CELValue { .error(CELError(.outOfRange, "index out of range: \(i)")) }

    /// Byte-wise substring search (UTF-8 matches align with code points).
    static func find(_ hay: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        if needle.isEmpty { return from <= hay.count ? from : nil }
        if needle.count > hay.count { return nil }
        var i = from
        let last = hay.count - needle.count
        let first = needle[0]
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func scalarIndex(_ s: [Unicode.Scalar], _ sub: [Unicode.Scalar], from: Int) -> Int? {
        if sub.isEmpty { return from }
        if sub.count > s.count - from { return nil }
        var i = from
        while i + sub.count <= s.count {
            if s[i] == sub[0] && Array(s[i..<(i + sub.count)]) == sub { return i }
            i += 1
        }
        return nil
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let h = String(c.value, radix: 16)
                    out += "\\x" + (h.count < 2 ? "0" : "") + h
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    static func replace(_ s: String, _ old: String, _ new: String, _ n: Int64, _ f: Frame) -> CELValue {
        if n == 0 { return .string(s) }
        let src = Array(s.utf8), o = Array(old.utf8), nw = Array(new.utf8)
        var out: [UInt8] = []
        var count: Int64 = 0
        var i = 0
        if o.isEmpty {
            // Go semantics: insert before every code point and at the end.
            let scalars = Array(s.unicodeScalars)
            var res = ""
            for c in scalars {
                if n < 0 || count < n { res += new; count += 1 }
                res.unicodeScalars.append(c)
            }
            if n < 0 || count < n { res += new }
            return res.utf8.count > f.maxValueSize ? f.sizeError : .string(res)
        }
        // Size the result first (a scan, no allocation), so that a result over the size or cost
        // limit is refused before it is built.
        var occurrences = 0
        src.withUnsafeBufferPointer { sp in
            o.withUnsafeBufferPointer { op in
                var j = 0
                while j + op.count <= sp.count && (n < 0 || occurrences < n) {
                    var k = 0
                    while k < op.count && sp[j + k] == op[k] { k += 1 }
                    if k == op.count { occurrences += 1; j += op.count } else { j += 1 }
                }
            }
        }
        let projected = src.count + occurrences * (nw.count - o.count)
        if projected > f.maxValueSize { return f.sizeError }
        if !f.charge(UInt64((src.count + projected) / 10)) { return f.limitError }
        out.reserveCapacity(projected)
        var tooLarge = false
        src.withUnsafeBufferPointer { sp in
            o.withUnsafeBufferPointer { op in
                let m = op.count
                let first = op[0]
                var last = 0
                while i + m <= sp.count {
                    if sp[i] == first && (n < 0 || count < n) {
                        var j = 1
                        while j < m && sp[i + j] == op[j] { j += 1 }
                        if j == m {
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: sp[last..<i]))
                            out.append(contentsOf: nw)
                            i += m
                            last = i
                            count += 1
                            if out.count > f.maxValueSize { tooLarge = true; return }
                            continue
                        }
                    }
                    i += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: sp[last...]))
            }
        }
        if tooLarge || out.count > f.maxValueSize { return f.sizeError }
        return .string(String(decoding: out, as: UTF8.self))
    }

    static func split(_ s: String, _ sep: String, _ n: Int64) -> CELValue {
        if n == 0 { return .list([]) }
        if sep.isEmpty {
            var parts: [CELValue] = []
            let scalars = Array(s.unicodeScalars)
            for (i, c) in scalars.enumerated() {
                if n > 0 && Int64(parts.count) == n - 1 {
                    var rest = ""
                    rest.unicodeScalars.append(contentsOf: scalars[i...])
                    parts.append(.string(rest))
                    return .list(parts)
                }
                parts.append(.string(String(Character(c))))
            }
            return .list(parts)
        }
        let src = Array(s.utf8), sp = Array(sep.utf8)
        var parts: [CELValue] = []
        var i = 0
        while n < 0 || Int64(parts.count) < n - 1, let at = find(src, sp, from: i) {
            parts.append(.string(String(decoding: src[i..<at], as: UTF8.self)))
            i = at + sp.count
        }
        parts.append(.string(String(decoding: src[i...], as: UTF8.self)))
        return .list(parts)
    }

    static let functions: [F] = [
        F("charAt") { a, _ in
            guard a.count == 2, case .string(let s) = a[0], case .int(let i) = a[1] else { return noOverload }
            let sc = Array(s.unicodeScalars)
            if i < 0 || i > Int64(sc.count) { return outOfRange(i) }
            if i == Int64(sc.count) { return .string("") }
            return .string(String(Character(sc[Int(i)])))
        },
        F("indexOf") { a, fr in
            if a.count >= 2, case .list = a[0] { return KubernetesLibrary.listIndexOf(a, last: false) }
            guard a.count == 2 || a.count == 3, case .string(let s) = a[0], case .string(let t) = a[1] else { return noOverload }
            var start: Int64 = 0
            if a.count == 3 { guard case .int(let st) = a[2] else { return noOverload }; start = st }
            let sc = Array(s.unicodeScalars), tc = Array(t.unicodeScalars)
            if start < 0 || start > Int64(sc.count) { return outOfRange(start) }
            if !fr.charge(UInt64(sc.count / 10)) { return fr.limitError }
            return .int(Int64(scalarIndex(sc, tc, from: Int(start)) ?? -1))
        },
        F("lastIndexOf") { a, fr in
            if a.count >= 2, case .list = a[0] { return KubernetesLibrary.listIndexOf(a, last: true) }
            guard a.count == 2 || a.count == 3, case .string(let s) = a[0], case .string(let t) = a[1] else { return noOverload }
            let sc = Array(s.unicodeScalars), tc = Array(t.unicodeScalars)
            var start = Int64(sc.count)
            if a.count == 3 {
                guard case .int(let st) = a[2] else { return noOverload }
                if st < 0 || st >= Int64(sc.count) { return outOfRange(st) }
                start = st
            }
            if tc.count > sc.count { return .int(-1) }
            if !fr.charge(UInt64(sc.count / 10)) { return fr.limitError }
            var i = min(Int(start), sc.count - tc.count)
            while i >= 0 {
                if Array(sc[i..<(i + tc.count)]) == tc { return .int(Int64(i)) }
                i -= 1
            }
            return .int(-1)
        },
        F("lowerAscii") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .string(String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self))
        },
        F("upperAscii") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .string(String(decoding: s.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self))
        },
        F("replace") { a, fr in
            guard a.count == 3 || a.count == 4, case .string(let s) = a[0], case .string(let o) = a[1], case .string(let n) = a[2] else { return noOverload }
            var limit: Int64 = -1
            if a.count == 4 { guard case .int(let l) = a[3] else { return noOverload }; limit = l }
            return replace(s, o, n, limit, fr)
        },
        F("split") { a, fr in
            guard a.count == 2 || a.count == 3, case .string(let s) = a[0], case .string(let sep) = a[1] else { return noOverload }
            var limit: Int64 = -1
            if a.count == 3 { guard case .int(let l) = a[2] else { return noOverload }; limit = l }
            if !fr.charge(UInt64(s.utf8.count / 10)) { return fr.limitError }
            return split(s, sep, limit)
        },
        F("substring") { a, _ in
            guard a.count == 2 || a.count == 3, case .string(let s) = a[0], case .int(let start) = a[1] else { return noOverload }
            let sc = Array(s.unicodeScalars)
            var end = Int64(sc.count)
            if a.count == 3 { guard case .int(let e) = a[2] else { return noOverload }; end = e }
            if start < 0 || start > Int64(sc.count) { return outOfRange(start) }
            if end < 0 || end > Int64(sc.count) { return outOfRange(end) }
            if start > end { return .error(CELError(.outOfRange, "invalid substring range. start: \(start), end: \(end)")) }
            var out = ""
            out.unicodeScalars.append(contentsOf: sc[Int(start)..<Int(end)])
            return .string(out)
        },
        F("trim") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            let sc = Array(s.unicodeScalars)
            var lo = 0, hi = sc.count
            while lo < hi && isSpace(sc[lo]) { lo += 1 }
            while hi > lo && isSpace(sc[hi - 1]) { hi -= 1 }
            var out = ""
            out.unicodeScalars.append(contentsOf: sc[lo..<hi])
            return .string(out)
        },
        F("join") { a, fr in
            guard a.count == 1 || a.count == 2, case .list(let l) = a[0] else { return noOverload }
            var sep = ""
            if a.count == 2 { guard case .string(let s) = a[1] else { return noOverload }; sep = s }
            var parts: [String] = []
            var total = 0
            for e in l {
                guard case .string(let s) = e else { return noOverload }
                total += s.utf8.count + sep.utf8.count
                parts.append(s)
            }
            if total > fr.maxValueSize { return fr.sizeError }
            if !fr.charge(UInt64(total / 10)) { return fr.limitError }
            return .string(parts.joined(separator: sep))
        },
        F("strings.quote") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .string(quote(s))
        },
        F("reverse") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .string(let s):
                var out = ""
                out.unicodeScalars.append(contentsOf: s.unicodeScalars.reversed())
                return .string(out)
            case .list(let l): return .list(l.reversed())
            default: return noOverload
            }
        },
        F("format") { a, fr in
            guard a.count == 2, case .string(let s) = a[0], case .list(let args) = a[1] else { return noOverload }
            return Format.format(s, args, fr)
        },
    ]
}

enum EncodersLibrary {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = (UInt32(b[i]) << 16) | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : 0x3D)
            out.append(n > 2 ? alphabet[Int(v & 63)] : 0x3D)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard alphabet; padding is optional (as cel-go accepts unpadded input).
    static func decode(_ s: String) -> [UInt8]? {
        var vals: [UInt8] = []
        var pad = 0
        for c in s.utf8 {
            if c == 0x3D { pad += 1; continue }
            if pad > 0 { return nil }
            switch c {
            case 0x41...0x5A: vals.append(c - 0x41)
            case 0x61...0x7A: vals.append(c - 0x61 + 26)
            case 0x30...0x39: vals.append(c - 0x30 + 52)
            case 0x2B: vals.append(62)
            case 0x2F: vals.append(63)
            default: return nil
            }
        }
        if vals.count % 4 == 1 || pad > 2 { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < vals.count {
            let n = min(4, vals.count - i)
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 6 | (k < n ? UInt32(vals[i + k]) : 0) }
            out.append(UInt8(v >> 16 & 255))
            if n > 2 { out.append(UInt8(v >> 8 & 255)) }
            if n > 3 { out.append(UInt8(v & 255)) }
            i += 4
        }
        return out
    }

    static let functions: [CELFunction] = [
        CELFunction("base64.encode") { a, _ in
            guard a.count == 1, case .bytes(let b) = a[0] else { return StandardLibrary.noOverload }
            return .string(encode(b))
        },
        CELFunction("base64.decode") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return StandardLibrary.noOverload }
            guard let b = decode(s) else { return .error(CELError(.invalidArgument, "illegal base64 data")) }
            return .bytes(b)
        },
    ]
}

enum OptionalLibrary {
    static func isZero(_ v: CELValue) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .uint(let u): return u == 0
        case .double(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .bytes(let b): return b.isEmpty
        case .list(let l): return l.isEmpty
        case .map(let m): return m.count == 0
        case .timestamp(let t): return t.seconds == 0 && t.nanos == 0
        case .duration(let d): return d.nanoseconds == 0
        case .optional(let o): return o == nil
        default: return false
        }
    }

    static let functions: [CELFunction] = [
        CELFunction("optional.of") { a, _ in a.count == 1 ? .optional(a[0]) : StandardLibrary.noOverload },
        CELFunction("optional.ofNonZeroValue") { a, _ in
            guard a.count == 1 else { return StandardLibrary.noOverload }
            return isZero(a[0]) ? .optional(nil) : .optional(a[0])
        },
        CELFunction("optional.none") { a, _ in a.isEmpty ? .optional(nil) : StandardLibrary.noOverload },
        CELFunction("hasValue") { a, _ in
            guard a.count == 1, case .optional(let o) = a[0] else { return StandardLibrary.noOverload }
            return .bool(o != nil)
        },
        CELFunction("value") { a, _ in
            guard a.count == 1, case .optional(let o) = a[0] else { return StandardLibrary.noOverload }
            guard let o else { return .error(CELError(.invalidArgument, "optional.none() dereference")) }
            return o
        },
    ]
}
