// Value printing: the shortest round-trip form of doubles (as Go's strconv 'g' with
// precision -1, which cel-go uses for string(double)), and the strings extension's
// `format` with its %s %d %f %e %b %o %x %X clauses.

import Foundation

enum Format {
    /// Decimal digits and the position of the decimal point of the shortest round-trip form.
    static func shortestDigits(_ d: Double) -> (digits: [UInt8], dp: Int) {
        let text = "\(d.magnitude)"
        var mantissa = Substring(text)
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var dp = 0
        var seenPoint = false
        for c in mantissa.utf8 {
            if c == 0x2E { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { dp += 1 }
        }
        while let f = digits.first, f == 0x30, digits.count > 1 { digits.removeFirst(); dp -= 1 }
        while let l = digits.last, l == 0x30, digits.count > 1 { digits.removeLast() }
        if digits == [0x30] { return ([0x30], 1) }
        return (digits, dp + exp)
    }

    /// Shortest round-trip digits, in exponent form when the decimal exponent is below -4 or at
    /// least `exponentAt`. With 6 and Go's names for infinities this is Go's `%g`, which
    /// cel-go's string(double) uses; `%s` of the strings extension keeps plain digits longer.
    static func goShortest(_ d: Double, exponentAt: Int = 21, goInfinity: Bool = false) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return goInfinity ? (d < 0 ? "-Inf" : "+Inf") : (d < 0 ? "-Infinity" : "Infinity") }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, dp) = shortestDigits(d)
        let sign = d < 0 ? "-" : ""
        let exp = dp - 1
        let ds = String(decoding: digits, as: UTF8.self)
        if exp < -4 || exp >= exponentAt {
            var m = String(ds.prefix(1))
            if digits.count > 1 { m += "." + ds.dropFirst() }
            let e = abs(exp)
            return sign + m + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if dp <= 0 { return sign + "0." + String(repeating: "0", count: -dp) + ds }
        if dp >= digits.count { return sign + ds + String(repeating: "0", count: dp - digits.count) }
        return sign + ds.prefix(dp) + "." + ds.dropFirst(dp)
    }

    /// The text a value has inside error messages and `%s`.
    static func display(_ v: CELValue) -> String {
        (try? text(v, depth: 0).get()) ?? "?"
    }

    static func text(_ v: CELValue, depth: Int) -> Result<String, CELError> {
        if depth > 64 { return .failure(CELError(.invalidArgument, "error during formatting: value nested too deeply")) }
        switch v {
        case .null: return .success("null")
        case .bool(let b): return .success(b ? "true" : "false")
        case .int(let i): return .success(String(i))
        case .uint(let u): return .success(String(u))
        case .double(let d): return .success(goShortest(d))
        case .string(let s): return .success(s)
        case .bytes(let b): return .success(String(decoding: b, as: UTF8.self))
        case .type(let t): return .success(t.name)
        case .timestamp(let t): return .success(Time.format(t))
        case .duration(let d): return .success(Time.format(d))
        case .list(let l):
            var parts: [String] = []
            for e in l {
                switch text(e, depth: depth + 1) {
                case .success(let s): parts.append(s)
                case .failure(let e): return .failure(e)
                }
            }
            return .success("[" + parts.joined(separator: ", ") + "]")
        case .map(let m):
            var parts: [(String, String)] = []
            for i in 0..<m.count {
                guard case .success(let k) = text(m.keys[i], depth: depth + 1) else { return .failure(CELError.noOverload) }
                switch text(m.values[i], depth: depth + 1) {
                case .success(let s): parts.append((k, s))
                case .failure(let e): return .failure(e)
                }
            }
            parts.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            return .success("{" + parts.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
        case .optional(let o):
            guard let o else { return .success("optional.none()") }
            return text(o, depth: depth + 1).map { "optional.of(\($0))" }
        case .error(let e): return .failure(e)
        case .object(let o): return .success(o.text)
        case .unknown: return .failure(CELError(.invalidArgument, "unknown value"))
        }
    }

    static func typeName(_ v: CELValue) -> String { v.celType.name }

    static func nonFinite(_ d: Double) -> String? {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return nil
    }

    static func fixed(_ d: Double, _ prec: Int) -> String {
        if let s = nonFinite(d) { return s }
        return String(format: "%.\(prec)f", d)
    }

    static func scientific(_ d: Double, _ prec: Int) -> String {
        if let s = nonFinite(d) { return s }
        return String(format: "%.\(prec)e", d)
    }

    static func radix(_ v: CELValue, _ r: Int, upper: Bool) -> String? {
        switch v {
        case .int(let i): return String(i, radix: r, uppercase: upper)
        case .uint(let u): return String(u, radix: r, uppercase: upper)
        default: return nil
        }
    }

    static func formatError(_ m: String) -> CELValue { .error(CELError(.invalidArgument, "error during formatting: \(m)")) }

    /// `"…".format([args])` of the strings extension.
    static func format(_ fmt: String, _ args: [CELValue], _ f: Frame) -> CELValue {
        var out = ""
        var it = Array(fmt.unicodeScalars)[...]
        var argIndex = 0
        while let c = it.popFirst() {
            if c != "%" { out.unicodeScalars.append(c); continue }
            guard let n = it.first else { return .error(CELError(.invalidArgument, "could not parse formatting clause: unexpected end of string")) }
            if n == "%" { it.removeFirst(); out += "%"; continue }
            var prec: Int?
            if n == "." {
                it.removeFirst()
                var p = 0
                var any = false
                while let d = it.first, d.value >= 0x30 && d.value <= 0x39 {
                    p = p * 10 + Int(d.value - 0x30)
                    if p > 1000 { return .error(CELError(.invalidArgument, "could not parse formatting clause: precision too large")) }
                    any = true
                    it.removeFirst()
                }
                if !any { return .error(CELError(.invalidArgument, "could not parse formatting clause: missing precision")) }
                prec = p
            }
            guard let verb = it.popFirst() else {
                return .error(CELError(.invalidArgument, "could not parse formatting clause: unexpected end of string"))
            }
            guard "sdfeboxX".unicodeScalars.contains(verb) else {
                return .error(CELError(.invalidArgument, "could not parse formatting clause: unrecognized formatting clause \"\(verb)\""))
            }
            guard argIndex < args.count else { return .error(CELError(.invalidArgument, "index \(argIndex) out of range")) }
            let arg = args[argIndex]
            argIndex += 1
            switch verb {
            case "s":
                switch arg {
                case .optional: return formatError("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given \(typeName(arg))")
                default: break
                }
                switch text(arg, depth: 0) {
                case .success(let s): out += s
                case .failure: return formatError("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given \(typeName(arg))")
                }
            case "d":
                switch arg {
                case .int(let i): out += String(i)
                case .uint(let u): out += String(u)
                case .double(let d) where !d.isFinite: out += nonFinite(d) ?? ""
                default: return formatError("decimal clause can only be used on integers, was given \(typeName(arg))")
                }
            case "f", "e":
                let d: Double
                switch arg {
                case .int(let i): d = Double(i)
                case .uint(let u): d = Double(u)
                case .double(let x): d = x
                default:
                    return formatError(verb == "f" ? "fixed-point clause can only be used on doubles, was given \(typeName(arg))"
                        : "scientific clause can only be used on doubles, was given \(typeName(arg))")
                }
                out += verb == "f" ? fixed(d, prec ?? 6) : scientific(d, prec ?? 6)
            case "b":
                switch arg {
                case .bool(let b): out += b ? "1" : "0"
                default:
                    guard let s = radix(arg, 2, upper: false) else { return formatError("only integers and bools can be formatted as binary, was given \(typeName(arg))") }
                    out += s
                }
            case "o":
                guard let s = radix(arg, 8, upper: false) else { return formatError("octal clause can only be used on integers, was given \(typeName(arg))") }
                out += s
            default: // x, X
                let upper = verb == "X"
                let hexDigits: [UInt8]
                switch arg {
                case .string(let s): hexDigits = Array(s.utf8)
                case .bytes(let b): hexDigits = b
                default:
                    guard let s = radix(arg, 16, upper: upper) else {
                        return formatError("only integers, byte buffers, and strings can be formatted as hex, was given \(typeName(arg))")
                    }
                    out += s
                    continue
                }
                let table = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
                var h: [UInt8] = []
                h.reserveCapacity(hexDigits.count * 2)
                for b in hexDigits { h.append(table[Int(b >> 4)]); h.append(table[Int(b & 15)]) }
                out += String(decoding: h, as: UTF8.self)
            }
            if out.utf8.count > f.maxValueSize { return f.sizeError }
        }
        return .string(out)
    }
}
