// A strict JSON reader (RFC 8259) over UTF-8 bytes. Written by hand for speed on the audit
// hot path (see JSONValue.swift); nesting depth and input size are bounded so hostile events
// cannot exhaust the stack or memory.

public struct JSONReader {
    public static let maxDepth = 256

    public struct Failure: Error, Equatable, Sendable {
        public var offset: Int
        public var reason: String
    }

    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, Failure> = copy.withUTF8 { buf in
            do throws(Failure) { return .success(try parse(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = bytes.withUnsafeBufferPointer { buf in
            do throws(Failure) { return .success(try parse(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ buf: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var reader = Cursor(buf: buf)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        if reader.pos != buf.count { throw reader.fail("trailing data after the JSON value") }
        return value
    }

    struct Cursor {
        let buf: UnsafeBufferPointer<UInt8>
        var pos = 0

        init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

        func fail(_ reason: String) -> Failure { Failure(offset: pos, reason: reason) }

        mutating func skipSpace() {
            while pos < buf.count {
                let b = buf[pos]
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { break }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard pos < buf.count else { throw fail("unexpected end of input") }
            switch buf[pos] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let n = word.utf8CodeUnitCount
            guard pos + n <= buf.count else { throw fail("unexpected end of input") }
            let p = word.utf8Start
            for i in 0..<n where buf[pos + i] != p[i] { throw fail("invalid literal") }
            pos += n
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            if depth > JSONReader.maxDepth { throw fail("nesting deeper than \(JSONReader.maxDepth)") }
            pos += 1
            var members: [JSONMember] = []
            members.reserveCapacity(8)
            skipSpace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipSpace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let key = try string()
                skipSpace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                pos += 1
                skipSpace()
                let v = try value(depth: depth)
                members.append(JSONMember(key, v))
                skipSpace()
                guard pos < buf.count else { throw fail("unexpected end of input") }
                if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            if depth > JSONReader.maxDepth { throw fail("nesting deeper than \(JSONReader.maxDepth)") }
            pos += 1
            var items: [JSONValue] = []
            skipSpace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth))
                skipSpace()
                guard pos < buf.count else { throw fail("unexpected end of input") }
                if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func number() throws(Failure) -> String {
            let start = pos
            if buf[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < buf.count, isDigit(buf[pos]) else { throw fail("invalid number") }
            if buf[pos] == UInt8(ascii: "0") { pos += 1 } else { while pos < buf.count, isDigit(buf[pos]) { pos += 1 } }
            if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
                pos += 1
                guard pos < buf.count, isDigit(buf[pos]) else { throw fail("invalid number") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
                pos += 1
                if pos < buf.count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < buf.count, isDigit(buf[pos]) else { throw fail("invalid number") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            return makeString(start, pos, ascii: true) ?? ""
        }

        func slice(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
            guard let base = buf.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: base + from, count: to - from)
        }

        func makeString(_ from: Int, _ to: Int, ascii: Bool) -> String? {
            let bytes = slice(from, to)
            if ascii {
                return String(unsafeUninitializedCapacity: bytes.count) { out in
                    _ = out.initialize(fromContentsOf: bytes)
                    return bytes.count
                }
            }
            return String(validating: bytes, as: UTF8.self)
        }

        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

        mutating func string() throws(Failure) -> String {
            pos += 1
            let start = pos
            // Fast path: no escapes; ASCII needs no validation.
            var high: UInt8 = 0
            while pos < buf.count {
                let b = buf[pos]
                if b == UInt8(ascii: "\"") {
                    let s = makeString(start, pos, ascii: high < 0x80)
                    pos += 1
                    guard let s else { throw fail("invalid UTF-8 in string") }
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw fail("control character in string") }
                high |= b
                pos += 1
            }
            var bytes = Array(slice(start, pos))
            while pos < buf.count {
                let b = buf[pos]
                if b == UInt8(ascii: "\"") {
                    pos += 1
                    guard let s = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                    return s
                }
                if b < 0x20 { throw fail("control character in string") }
                if b != UInt8(ascii: "\\") { bytes.append(b); pos += 1; continue }
                pos += 1
                guard pos < buf.count else { break }
                let e = buf[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard pos + 1 < buf.count, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in string")
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw fail("lone surrogate in string")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw fail("invalid escape")
                }
            }
            throw fail("unterminated string")
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard pos + 4 <= buf.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = buf[pos]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw fail("invalid \\u escape")
                }
                v = v * 16 + d
                pos += 1
            }
            return v
        }
    }
}
