// The standard function library (cel-spec langdef "Standard Definitions") plus the
// extension libraries Kubernetes enables. Each function dispatches on its arguments' kinds
// and answers "no such overload" for anything else.

enum StandardLibrary {
    static let functions: [String: CELFunction] = {
        var all: [String: CELFunction] = [:]
        for group in [core, conversions, Time.functions, StringsLibrary.functions, MathLibrary.functions,
                      OptionalLibrary.functions, EncodersLibrary.functions, RegexFunctions.functions,
                      KubernetesLibrary.functions] {
            for f in group { all[f.name] = f }
        }
        return all
    }()

    static let noOverload = CELValue.error(CELError.noOverload)

    static func f(_ name: String, _ impl: @escaping @Sendable ([CELValue], Frame) -> CELValue) -> CELFunction {
        CELFunction(name, impl)
    }

    static let core: [CELFunction] = [
        f("size") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .bytes(let b): return .int(Int64(b.count))
            case .list(let l): return .int(Int64(l.count))
            case .map(let m): return .int(Int64(m.count))
            default: return noOverload
            }
        },
        f("contains") { a, fr in
            guard a.count == 2, case .string(let s) = a[0], case .string(let t) = a[1] else { return noOverload }
            if !fr.charge(UInt64(s.utf8.count / 10)) { return fr.limitError }
            return .bool(t.isEmpty || s.utf8.count >= t.utf8.count && StringsLibrary.find(Array(s.utf8), Array(t.utf8), from: 0) != nil)
        },
        f("startsWith") { a, _ in
            guard a.count == 2, case .string(let s) = a[0], case .string(let t) = a[1] else { return noOverload }
            return .bool(s.utf8.starts(with: t.utf8))
        },
        f("endsWith") { a, _ in
            guard a.count == 2, case .string(let s) = a[0], case .string(let t) = a[1] else { return noOverload }
            return .bool(s.utf8.reversed().starts(with: t.utf8.reversed()))
        },
        f("type") { a, _ in
            guard a.count == 1 else { return noOverload }
            return .type(a[0].celType)
        },
        f("dyn") { a, _ in a.count == 1 ? a[0] : noOverload },
    ]

    static let conversions: [CELFunction] = [
        f("int") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .int: return a[0]
            case .uint(let u):
                return u > UInt64(Int64.max) ? .error(CELError(.outOfRange, "range error: uint out of int range")) : .int(Int64(u))
            case .double(let d):
                guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775808e18 else {
                    return .error(CELError(.outOfRange, "range error: double out of int range"))
                }
                return .int(Int64(d))
            case .string(let s):
                guard let i = Int64(s) else { return .error(CELError(.conversion, "type conversion error: invalid int '\(s)'")) }
                return .int(i)
            case .timestamp(let t): return .int(t.seconds)
            default: return noOverload
            }
        },
        f("uint") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .uint: return a[0]
            case .int(let i):
                return i < 0 ? .error(CELError(.outOfRange, "range error: negative int to uint")) : .uint(UInt64(i))
            case .double(let d):
                guard d.isFinite, d > -1, d < 1.8446744073709551616e19 else {
                    return .error(CELError(.outOfRange, "range error: double out of uint range"))
                }
                return .uint(UInt64(d))
            case .string(let s):
                guard let u = UInt64(s) else { return .error(CELError(.conversion, "type conversion error: invalid uint '\(s)'")) }
                return .uint(u)
            default: return noOverload
            }
        },
        f("double") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .double: return a[0]
            case .int(let i): return .double(Double(i))
            case .uint(let u): return .double(Double(u))
            case .string(let s):
                guard let d = parseDouble(s) else { return .error(CELError(.conversion, "type conversion error: invalid double '\(s)'")) }
                return .double(d)
            default: return noOverload
            }
        },
        f("string") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .string: return a[0]
            case .int(let i): return .string(String(i))
            case .uint(let u): return .string(String(u))
            case .double(let d): return .string(Format.goShortest(d, exponentAt: 6, goInfinity: true))
            case .bool(let b): return .string(b ? "true" : "false")
            case .bytes(let b):
                guard let s = utf8String(b) else { return .error(CELError(.conversion, "invalid UTF-8 in bytes, cannot convert to string")) }
                return .string(s)
            case .timestamp(let t): return .string(Time.format(t))
            case .duration(let d): return .string(Time.format(d))
            case .object(let o): return .string(o.text)
            default: return noOverload
            }
        },
        f("bytes") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .bytes: return a[0]
            case .string(let s): return .bytes(Array(s.utf8))
            default: return noOverload
            }
        },
        f("bool") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .bool: return a[0]
            case .string(let s):
                switch s {
                case "1", "t", "T", "TRUE", "true", "True": return .bool(true)
                case "0", "f", "F", "FALSE", "false", "False": return .bool(false)
                default: return .error(CELError(.conversion, "Type conversion error: invalid bool '\(s)'"))
                }
            default: return noOverload
            }
        },
    ]

    static func utf8String(_ b: [UInt8]) -> String? {
        let s = String(decoding: b, as: UTF8.self)
        return s.utf8.elementsEqual(b) ? s : nil
    }

    /// Go strconv.ParseFloat-like: decimal and exponent forms, "Inf", "Infinity", "NaN".
    static func parseDouble(_ s: String) -> Double? {
        var t = Substring(s)
        var neg = false
        if t.hasPrefix("+") || t.hasPrefix("-") { neg = t.first == "-"; t = t.dropFirst() }
        switch t.lowercased() {
        case "inf", "infinity": return neg ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" || $0 == "_") }),
              let d = Double(String(t)) else { return nil }
        return neg ? -d : d
    }
}
