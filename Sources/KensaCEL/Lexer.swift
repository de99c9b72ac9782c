// CEL lexer (cel-spec langdef "Syntax": lexical grammar). Written by hand because the grammar
// is small and no package on this machine parses CEL; it works on UTF-8 bytes.

enum Token: Equatable {
    case ident(String)
    case quotedIdent(String) // `field-name` in a selection
    case int(UInt64) // magnitude; sign handled by the parser (for -9223372036854775808)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case punct(Punct)
    case eof
}

enum Punct: String, Equatable {
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]", lbrace = "{", rbrace = "}"
    case dot = ".", comma = ",", colon = ":", question = "?"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", bang = "!"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and = "&&", or = "||"
}

struct Lexer {
    let src: [UInt8]
    var pos = 0
    var tokens: [(Token, Int)] = []

    init(_ text: String) { src = Array(text.utf8) }

    func error(_ message: String, at offset: Int) -> CELSyntaxError {
        var line = 1, col = 1
        var i = 0
        let end = min(offset, src.count)
        while i < end {
            if src[i] == 0x0A { line += 1; col = 1 } else if src[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return CELSyntaxError(message: message, line: line, column: col)
    }

    mutating func tokenize() throws(CELSyntaxError) -> [(Token, Int)] {
        while true {
            skipSpace()
            let start = pos
            if pos >= src.count { tokens.append((.eof, pos)); return tokens }
            let t = try next()
            tokens.append((t, start))
        }
    }

    private mutating func skipSpace() {
        while pos < src.count {
            let c = src[pos]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                pos += 1
            } else if c == 0x2F, pos + 1 < src.count, src[pos + 1] == 0x2F {
                while pos < src.count && src[pos] != 0x0A { pos += 1 }
            } else {
                return
            }
        }
    }

    private func peek(_ k: Int = 0) -> UInt8 { pos + k < src.count ? src[pos + k] : 0 }

    private static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
    private static func hexVal(_ c: UInt8) -> UInt32 {
        if c <= 0x39 { return UInt32(c - 0x30) }
        if c >= 0x61 { return UInt32(c - 0x61 + 10) }
        return UInt32(c - 0x41 + 10)
    }

    private var previousAllowsMember: Bool {
        guard let last = tokens.last?.0 else { return false }
        switch last {
        case .ident, .quotedIdent, .string, .bytes, .int, .uint, .double: return true
        case .punct(let p): return p == .rparen || p == .rbracket || p == .rbrace
        case .eof: return false
        }
    }

    private mutating func next() throws(CELSyntaxError) -> Token {
        let c = src[pos]
        let start = pos
        // string and bytes literals, with r/b prefixes
        if c == 0x22 || c == 0x27 { return .string(try stringBody(raw: false, bytes: false).string) }
        if Self.isIdentStart(c) {
            let lower = c | 0x20
            if lower == 0x72 || lower == 0x62 { // r or b
                var raw = false, isBytes = false
                var k = 0
                while k < 2 {
                    let p = peek(k) | 0x20
                    if p == 0x72 && !raw { raw = true; k += 1 } else if p == 0x62 && !isBytes { isBytes = true; k += 1 } else { break }
                }
                let q = peek(k)
                if k > 0 && (q == 0x22 || q == 0x27) {
                    pos += k
                    let body = try stringBody(raw: raw, bytes: isBytes)
                    return isBytes ? .bytes(body.bytes) : .string(body.string)
                }
            }
            while pos < src.count && (Self.isIdentStart(src[pos]) || Self.isDigit(src[pos])) { pos += 1 }
            return .ident(String(decoding: src[start..<pos], as: UTF8.self))
        }
        if Self.isDigit(c) || (c == 0x2E && Self.isDigit(peek(1)) && !previousAllowsMember) {
            return try number()
        }
        if c == 0x60 { // `quoted identifier`
            pos += 1
            let s = pos
            while pos < src.count && src[pos] != 0x60 && src[pos] != 0x0A { pos += 1 }
            guard pos < src.count, src[pos] == 0x60, pos > s else { throw error("unterminated quoted identifier", at: start) }
            let name = String(decoding: src[s..<pos], as: UTF8.self)
            pos += 1
            for b in name.utf8 {
                let ok = Self.isIdentStart(b) || Self.isDigit(b) || b == 0x2E || b == 0x2D || b == 0x2F || b == 0x20 || b == 0x7E
                if !ok { throw error("invalid character in quoted identifier", at: start) }
            }
            return .quotedIdent(name)
        }
        pos += 1
        let n = peek()
        switch c {
        case 0x28: return .punct(.lparen)
        case 0x29: return .punct(.rparen)
        case 0x5B: return .punct(.lbracket)
        case 0x5D: return .punct(.rbracket)
        case 0x7B: return .punct(.lbrace)
        case 0x7D: return .punct(.rbrace)
        case 0x2E: return .punct(.dot)
        case 0x2C: return .punct(.comma)
        case 0x3A: return .punct(.colon)
        case 0x3F: return .punct(.question)
        case 0x2B: return .punct(.plus)
        case 0x2D: return .punct(.minus)
        case 0x2A: return .punct(.star)
        case 0x2F: return .punct(.slash)
        case 0x25: return .punct(.percent)
        case 0x21:
            if n == 0x3D { pos += 1; return .punct(.ne) }
            return .punct(.bang)
        case 0x3D:
            if n == 0x3D { pos += 1; return .punct(.eq) }
        case 0x3C:
            if n == 0x3D { pos += 1; return .punct(.le) }
            return .punct(.lt)
        case 0x3E:
            if n == 0x3D { pos += 1; return .punct(.ge) }
            return .punct(.gt)
        case 0x26:
            if n == 0x26 { pos += 1; return .punct(.and) }
        case 0x7C:
            if n == 0x7C { pos += 1; return .punct(.or) }
        default: break
        }
        throw error("unexpected character", at: start)
    }

    private mutating func number() throws(CELSyntaxError) -> Token {
        let start = pos
        if src[pos] == 0x30 && (peek(1) | 0x20) == 0x78 { // 0x hex
            pos += 2
            let s = pos
            while pos < src.count && Self.isHex(src[pos]) { pos += 1 }
            guard pos > s else { throw error("invalid hex literal", at: start) }
            var v: UInt64 = 0
            for b in src[s..<pos] {
                let (m, o1) = v.multipliedReportingOverflow(by: 16)
                let (a, o2) = m.addingReportingOverflow(UInt64(Self.hexVal(b)))
                if o1 || o2 { throw error("integer literal out of range", at: start) }
                v = a
            }
            if (peek() | 0x20) == 0x75 { pos += 1; return try finishNumber(.uint(v), start) }
            return try finishNumber(.int(v), start)
        }
        while pos < src.count && Self.isDigit(src[pos]) { pos += 1 }
        var isFloat = false
        if peek() == 0x2E && Self.isDigit(peek(1)) {
            isFloat = true
            pos += 1
            while pos < src.count && Self.isDigit(src[pos]) { pos += 1 }
        }
        if (peek() | 0x20) == 0x65 {
            var k = 1
            if peek(1) == 0x2B || peek(1) == 0x2D { k = 2 }
            if Self.isDigit(peek(k)) {
                isFloat = true
                pos += k
                while pos < src.count && Self.isDigit(src[pos]) { pos += 1 }
            }
        }
        let text = String(decoding: src[start..<pos], as: UTF8.self)
        if isFloat {
            guard let d = Double(text) else { throw error("invalid double literal", at: start) }
            return try finishNumber(.double(d), start)
        }
        guard let v = UInt64(text) else { throw error("integer literal out of range", at: start) }
        if (peek() | 0x20) == 0x75 { pos += 1; return try finishNumber(.uint(v), start) }
        return try finishNumber(.int(v), start)
    }

    private func finishNumber(_ t: Token, _ start: Int) throws(CELSyntaxError) -> Token {
        if pos < src.count && (Self.isIdentStart(src[pos]) || Self.isDigit(src[pos])) {
            throw error("invalid number literal", at: start)
        }
        return t
    }

    private struct Body { var string: String { String(decoding: bytes, as: UTF8.self) }; var bytes: [UInt8] }

    private mutating func stringBody(raw: Bool, bytes isBytes: Bool) throws(CELSyntaxError) -> Body {
        let start = pos
        let q = src[pos]
        let triple = peek(1) == q && peek(2) == q
        pos += triple ? 3 : 1
        var out: [UInt8] = []
        while true {
            guard pos < src.count else { throw error("unterminated string literal", at: start) }
            let c = src[pos]
            if c == q {
                if !triple { pos += 1; break }
                if peek(1) == q && peek(2) == q { pos += 3; break }
            }
            if !triple && (c == 0x0A || c == 0x0D) { throw error("newline in string literal", at: start) }
            if c == 0x5C && !raw {
                pos += 1
                guard pos < src.count else { throw error("unterminated string literal", at: start) }
                let e = src[pos]
                pos += 1
                switch e {
                case 0x61: out.append(0x07)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x76: out.append(0x0B)
                case 0x5C, 0x27, 0x22, 0x60, 0x3F: out.append(e)
                case 0x30...0x33:
                    guard pos + 1 < src.count, (0x30...0x37).contains(src[pos]), (0x30...0x37).contains(src[pos + 1]) else {
                        throw error("invalid octal escape", at: pos - 2)
                    }
                    let v = UInt32(e - 0x30) * 64 + UInt32(src[pos] - 0x30) * 8 + UInt32(src[pos + 1] - 0x30)
                    pos += 2
                    try appendCode(v, bytes: isBytes, to: &out, at: pos)
                case 0x78, 0x58:
                    let v = try hexDigits(2)
                    try appendCode(v, bytes: isBytes, to: &out, at: pos)
                case 0x75:
                    if isBytes { throw error("\\u escape in bytes literal", at: pos - 2) }
                    try appendScalar(try hexDigits(4), to: &out)
                case 0x55:
                    if isBytes { throw error("\\U escape in bytes literal", at: pos - 2) }
                    try appendScalar(try hexDigits(8), to: &out)
                default:
                    throw error("invalid escape sequence", at: pos - 2)
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        return Body(bytes: out)
    }

    private mutating func hexDigits(_ n: Int) throws(CELSyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<n {
            guard pos < src.count, Self.isHex(src[pos]) else { throw error("invalid hex escape", at: pos) }
            v = v &* 16 &+ Self.hexVal(src[pos])
            pos += 1
        }
        return v
    }

    private func appendCode(_ v: UInt32, bytes: Bool, to out: inout [UInt8], at: Int) throws(CELSyntaxError) {
        if bytes { out.append(UInt8(truncatingIfNeeded: v)) } else { try appendScalar(v, to: &out) }
    }

    private func appendScalar(_ v: UInt32, to out: inout [UInt8]) throws(CELSyntaxError) {
        guard let s = Unicode.Scalar(v) else { throw error("invalid unicode code point", at: pos) }
        out.append(contentsOf: Array(String(Character(s)).utf8))
    }
}
