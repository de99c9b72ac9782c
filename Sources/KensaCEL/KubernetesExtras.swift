// Kubernetes CEL libraries with their own value types: IP and CIDR (net.IP, net.CIDR, the
// same API as cel-go's network extension), resource quantities, semantic versions and URLs.
// Parsing follows the Go packages Kubernetes uses (net/netip, resource.Quantity, url).

import Foundation

/// A value of a library type.
public final class CELObject: Sendable, CustomStringConvertible {
    enum Payload: Equatable, Sendable {
        case ip(IPAddress)
        case cidr(IPAddress, Int)
        case quantity(Quantity)
        case semver(SemVer)
        case url(URLParts)
    }
    let type: CELType
    let payload: Payload
    let text: String
    init(_ type: String, _ payload: Payload, text: String) {
        self.type = CELType(name: type)
        self.payload = payload
        self.text = text
    }
    public var description: String { text }
}

struct IPAddress: Equatable, Sendable {
    var bytes: [UInt8] // 4 or 16

    static func parse(_ s: String) -> Result<IPAddress, CELError> {
        func err(_ m: String) -> Result<IPAddress, CELError> { .failure(CELError(.invalidArgument, m)) }
        if s.contains("%") { return err("IP Address with zone value is not allowed") }
        if !s.contains(":") {
            guard let v4 = parse4(Substring(s)) else { return err("IP Address '\(s)' parse error during conversion from string") }
            return .success(IPAddress(bytes: v4))
        }
        var text = Substring(s)
        var v4tail: [UInt8]?
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parse4(text[text.index(after: lastColon)...]) else { return err("IP Address '\(s)' parse error") }
            v4tail = v4
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return err("IP Address '\(s)' parse error") }
        let sawGap = halves.count == 2
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]), let tail = sawGap ? groups(halves[1]) : [] else { return err("IP Address '\(s)' parse error") }
        let have = head.count + tail.count + (v4tail == nil ? 0 : 2)
        if have > 8 || (!sawGap && have != 8) || (sawGap && have == 8) { return err("IP Address '\(s)' parse error") }
        var words = head + Array(repeating: 0, count: 8 - have) + tail
        if let v4 = v4tail {
            if words.count == 6 && words[0..<5].allSatisfy({ $0 == 0 }) && words[5] == 0xFFFF {
                return err("IPv4-mapped IPv6 address is not allowed")
            }
            words += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
        }
        var b: [UInt8] = []
        for w in words { b.append(UInt8(w >> 8)); b.append(UInt8(w & 0xFF)) }
        // A hexadecimal IPv4-mapped address equals its IPv4 form, as in Go's netip after Unmap.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return .success(IPAddress(bytes: Array(b[12...]))) }
        return .success(IPAddress(bytes: b))
    }

    static func parse4(_ s: Substring) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), !(p.count > 1 && p.first == "0"),
                  let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    var isV4: Bool { bytes.count == 4 }

    var text: String {
        if isV4 { return bytes.map(String.init).joined(separator: ".") }
        var words: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { words.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if words[i] == 0 {
                var j = i
                while j < 8 && words[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else {
                i += 1
            }
        }
        if bestStart < 0 { return words.map { String($0, radix: 16) }.joined(separator: ":") }
        let left = words[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
        let right = words[(bestStart + bestLen)...].map { String($0, radix: 16) }.joined(separator: ":")
        return left + "::" + right
    }

    func masked(_ bits: Int) -> IPAddress {
        var b = bytes
        for i in 0..<b.count {
            let keep = max(0, min(8, bits - i * 8))
            b[i] &= keep == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: b)
    }

    var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }
    var isLoopback: Bool { isV4 ? bytes[0] == 127 : bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1 }
    var isMulticast: Bool { isV4 ? bytes[0] & 0xF0 == 0xE0 : bytes[0] == 0xFF }
    var isLinkLocalMulticast: Bool { isV4 ? bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0 : bytes[0] == 0xFF && bytes[1] & 0x0F == 0x02 }
    var isLinkLocalUnicast: Bool { isV4 ? bytes[0] == 169 && bytes[1] == 254 : bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 }
    var isGlobalUnicast: Bool {
        if isV4 && bytes == [255, 255, 255, 255] { return false }
        return !isUnspecified && !isLoopback && !isMulticast && !isLinkLocalUnicast
    }
}

/// A Kubernetes resource quantity ("500m", "1Gi", "1e3"), kept as an exact decimal.
struct Quantity: Equatable, Sendable {
    var value: Decimal

    static func parse(_ s: String) -> Quantity? {
        guard !s.isEmpty, s.count <= 64 else { return nil }
        let suffixes: [(String, Decimal)] = [
            ("Ki", pow(2, 10)), ("Mi", pow(2, 20)), ("Gi", pow(2, 30)), ("Ti", pow(2, 40)), ("Pi", pow(2, 50)), ("Ei", pow(2, 60)),
            ("n", Decimal(sign: .plus, exponent: -9, significand: 1)), ("u", Decimal(sign: .plus, exponent: -6, significand: 1)),
            ("m", Decimal(sign: .plus, exponent: -3, significand: 1)), ("k", 1000), ("M", pow(10, 6)), ("G", pow(10, 9)),
            ("T", pow(10, 12)), ("P", pow(10, 15)), ("E", pow(10, 18)),
        ]
        var number = Substring(s)
        var mult: Decimal = 1
        var matched = false
        for (suf, m) in suffixes where number.hasSuffix(suf) {
            number = number.dropLast(suf.count)
            mult = m
            matched = true
            break
        }
        if !matched, let e = number.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let exp = Int(number[number.index(after: e)...]), abs(exp) <= 30 else { return nil }
            mult = exp >= 0 ? pow(10, exp) : 1 / pow(10, -exp)
            number = number[..<e]
        }
        var digits = number
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              digits.filter({ $0 == "." }).count <= 1, digits != ".",
              let d = Decimal(string: String(number), locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return Quantity(value: d * mult)
    }
}

struct SemVer: Equatable, Sendable {
    var major: Int64, minor: Int64, patch: Int64
    var pre: [String]

    static func parse(_ s: String) -> SemVer? {
        var core = Substring(s)
        if let plus = core.firstIndex(of: "+") {
            let build = core[core.index(after: plus)...]
            guard !build.isEmpty, build.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else { return nil }
            core = core[..<plus]
        }
        var pre: [String] = []
        if let dash = core.firstIndex(of: "-") {
            let p = core[core.index(after: dash)...]
            let ids = p.split(separator: ".", omittingEmptySubsequences: false)
            for id in ids {
                guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
                if id.allSatisfy({ $0.isNumber }) && id.count > 1 && id.first == "0" { return nil }
                pre.append(String(id))
            }
            core = core[..<dash]
        }
        let nums = core.split(separator: ".", omittingEmptySubsequences: false)
        guard nums.count == 3 else { return nil }
        var v: [Int64] = []
        for n in nums {
            guard !n.isEmpty, n.allSatisfy({ $0.isASCII && $0.isNumber }), !(n.count > 1 && n.first == "0"), let x = Int64(n) else { return nil }
            v.append(x)
        }
        return SemVer(major: v[0], minor: v[1], patch: v[2], pre: pre)
    }

    static func compare(_ a: SemVer, _ b: SemVer) -> Int {
        for (x, y) in [(a.major, b.major), (a.minor, b.minor), (a.patch, b.patch)] where x != y { return x < y ? -1 : 1 }
        if a.pre.isEmpty != b.pre.isEmpty { return a.pre.isEmpty ? 1 : -1 }
        for (x, y) in zip(a.pre, b.pre) where x != y {
            switch (Int64(x), Int64(y)) {
            case (let i?, let j?): return i < j ? -1 : 1
            case (_?, nil): return -1
            case (nil, _?): return 1
            default: return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
            }
        }
        return a.pre.count == b.pre.count ? 0 : (a.pre.count < b.pre.count ? -1 : 1)
    }
}

struct URLParts: Equatable, Sendable {
    var scheme: String, host: String, path: String, query: String

    /// Go url.ParseRequestURI-like: an absolute URL with scheme, or an absolute path.
    static func parse(_ s: String) -> URLParts? {
        guard !s.isEmpty, s.count <= 8192, !s.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return nil }
        var rest = Substring(s)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query = ""
        if let q = rest.firstIndex(of: "?") { query = String(rest[rest.index(after: q)...]); rest = rest[..<q] }
        if rest.hasPrefix("/") { return URLParts(scheme: "", host: "", path: String(rest), query: query) }
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let scheme = rest[..<colon]
        guard let f = scheme.first, f.isASCII && f.isLetter, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else { return nil }
        rest = rest[rest.index(after: colon)...]
        var host = ""
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<end]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            host = String(authority)
            rest = rest[end...]
        } else if !rest.hasPrefix("/") {
            return nil
        }
        return URLParts(scheme: String(scheme), host: host, path: String(rest), query: query)
    }

    var hostname: String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<close]) }
        if let colon = host.lastIndex(of: ":") { return String(host[..<colon]) }
        return host
    }

    var port: String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let after = host[host.index(after: close)...]
            return after.hasPrefix(":") ? String(after.dropFirst()) : ""
        }
        if let colon = host.lastIndex(of: ":") { return String(host[host.index(after: colon)...]) }
        return ""
    }

    static func unescape(_ s: Substring) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x25, i + 2 < b.count, let v = UInt8(String(decoding: b[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v); i += 3
            } else if b[i] == 0x2B {
                out.append(0x20); i += 1
            } else {
                out.append(b[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    var queryMap: CELValue {
        var keys: [String] = []
        var values: [String: [CELValue]] = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let k = Self.unescape(kv[0])
            if values[k] == nil { keys.append(k) }
            values[k, default: []].append(.string(kv.count > 1 ? Self.unescape(kv[1]) : ""))
        }
        return .map(CELMap(strings: keys.map { ($0, .list(values[$0] ?? [])) }))
    }
}

enum KubernetesExtras {
    typealias F = CELFunction
    static let noOverload = StandardLibrary.noOverload

    static func object(_ v: CELValue) -> CELObject.Payload? {
        if case .object(let o) = v { return o.payload }
        return nil
    }

    static func makeIP(_ s: String) -> CELValue {
        switch IPAddress.parse(s) {
        case .success(let ip): return .object(CELObject("net.IP", .ip(ip), text: ip.text))
        case .failure(let e): return .error(e)
        }
    }

    static func makeCIDR(_ s: String) -> CELValue {
        if s.contains("%") { return .error(CELError(.invalidArgument, "CIDR with zone value is not allowed")) }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy({ $0.isNumber }) else {
            return .error(CELError(.invalidArgument, "network address parse error during conversion from string: '\(s)'"))
        }
        if String(parts[0]).lowercased().hasPrefix("::ffff:") && parts[0].contains(".") {
            return .error(CELError(.invalidArgument, "IPv4-mapped IPv6 address is not allowed"))
        }
        switch IPAddress.parse(String(parts[0])) {
        case .success(let ip):
            guard bits >= 0 && bits <= ip.bytes.count * 8 else {
                return .error(CELError(.invalidArgument, "network address parse error during conversion from string: '\(s)'"))
            }
            return .object(CELObject("net.CIDR", .cidr(ip, bits), text: "\(ip.text)/\(bits)"))
        case .failure(let e): return .error(e)
        }
    }

    static func ipArg(_ v: CELValue) -> IPAddress? {
        switch v {
        case .object(let o): if case .ip(let ip) = o.payload { return ip }; return nil
        case .string(let s): if case .success(let ip) = IPAddress.parse(s) { return ip }; return nil
        default: return nil
        }
    }

    static func cidrArg(_ v: CELValue) -> (IPAddress, Int)? {
        switch v {
        case .object(let o): if case .cidr(let ip, let n) = o.payload { return (ip, n) }; return nil
        case .string(let s):
            if case .object(let o) = makeCIDR(s), case .cidr(let ip, let n) = o.payload { return (ip, n) }
            return nil
        default: return nil
        }
    }

    static func ipMethod(_ name: String, _ body: @escaping @Sendable (IPAddress) -> CELValue) -> F {
        F(name) { a, _ in
            guard a.count == 1, case .ip(let ip)? = object(a[0]) else { return noOverload }
            return body(ip)
        }
    }

    static func quantity(_ v: CELValue) -> Quantity? {
        if case .quantity(let q)? = object(v) { return q }
        return nil
    }

    static func makeQuantity(_ q: Quantity, text: String) -> CELValue { .object(CELObject("kubernetes.Quantity", .quantity(q), text: text)) }

    static func quantityOp(_ name: String, _ body: @escaping @Sendable (Quantity, CELValue) -> CELValue) -> F {
        F(name) { a, _ in
            guard a.count == 2, let q = quantity(a[0]) else { return noOverload }
            return body(q, a[1])
        }
    }

    static func otherQuantity(_ v: CELValue) -> Quantity? {
        switch v {
        case .int(let i): return Quantity(value: Decimal(i))
        default: return quantity(v)
        }
    }

    static func semver(_ v: CELValue) -> SemVer? {
        if case .semver(let s)? = object(v) { return s }
        return nil
    }

    static func url(_ v: CELValue) -> URLParts? {
        if case .url(let u)? = object(v) { return u }
        return nil
    }

    static func urlMethod(_ name: String, _ body: @escaping @Sendable (URLParts) -> CELValue) -> F {
        F(name) { a, _ in
            guard a.count == 1, let u = url(a[0]) else { return noOverload }
            return body(u)
        }
    }

    static let functions: [F] = [
        // net.IP / net.CIDR
        F("ip") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .string(let s): return makeIP(s)
            case .object(let o):
                if case .cidr(let ip, _) = o.payload { return .object(CELObject("net.IP", .ip(ip), text: ip.text)) }
                return noOverload
            default: return noOverload
            }
        },
        F("cidr") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return makeCIDR(s)
        },
        F("isIP") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            if case .success = IPAddress.parse(s) { return .bool(true) }
            return .bool(false)
        },
        F("isCIDR") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .bool(!makeCIDR(s).isError)
        },
        F("ip.isCanonical") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            switch IPAddress.parse(s) {
            case .success(let ip): return .bool(ip.text == s)
            case .failure(let e): return .error(e)
            }
        },
        F("family") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch object(a[0]) {
            case .ip(let ip)?, .cidr(let ip, _)?: return .int(ip.isV4 ? 4 : 6)
            default: return noOverload
            }
        },
        ipMethod("isUnspecified") { .bool($0.isUnspecified) },
        ipMethod("isLoopback") { .bool($0.isLoopback) },
        ipMethod("isGlobalUnicast") { .bool($0.isGlobalUnicast) },
        ipMethod("isLinkLocalMulticast") { .bool($0.isLinkLocalMulticast) },
        ipMethod("isLinkLocalUnicast") { .bool($0.isLinkLocalUnicast) },
        F("containsIP") { a, _ in
            guard a.count == 2, case .cidr(let net, let bits)? = object(a[0]), let ip = ipArg(a[1]) else { return noOverload }
            guard ip.bytes.count == net.bytes.count else { return .bool(false) }
            return .bool(ip.masked(bits) == net.masked(bits))
        },
        F("containsCIDR") { a, _ in
            guard a.count == 2, case .cidr(let net, let bits)? = object(a[0]), let (other, obits) = cidrArg(a[1]) else { return noOverload }
            guard other.bytes.count == net.bytes.count, obits >= bits else { return .bool(false) }
            return .bool(other.masked(bits) == net.masked(bits))
        },
        F("masked") { a, _ in
            guard a.count == 1, case .cidr(let ip, let bits)? = object(a[0]) else { return noOverload }
            let m = ip.masked(bits)
            return .object(CELObject("net.CIDR", .cidr(m, bits), text: "\(m.text)/\(bits)"))
        },
        F("prefixLength") { a, _ in
            guard a.count == 1, case .cidr(_, let bits)? = object(a[0]) else { return noOverload }
            return .int(Int64(bits))
        },
        // kubernetes.Quantity
        F("quantity") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            guard let q = Quantity.parse(s) else { return .error(CELError(.invalidArgument, "invalid quantity '\(s)'")) }
            return makeQuantity(q, text: s)
        },
        F("isQuantity") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .bool(Quantity.parse(s) != nil)
        },
        F("isInteger") { a, _ in
            guard a.count == 1, let q = quantity(a[0]) else { return noOverload }
            var v = q.value, r = Decimal()
            NSDecimalRound(&r, &v, 0, .down)
            return .bool(r == q.value && q.value.magnitude <= Decimal(Int64.max))
        },
        F("asInteger") { a, _ in
            guard a.count == 1, let q = quantity(a[0]) else { return noOverload }
            var v = q.value, r = Decimal()
            NSDecimalRound(&r, &v, 0, .down)
            guard r == q.value, q.value.magnitude <= Decimal(Int64.max) else {
                return .error(CELError(.outOfRange, "cannot convert value to integer"))
            }
            return .int(NSDecimalNumber(decimal: r).int64Value)
        },
        F("asApproximateFloat") { a, _ in
            guard a.count == 1, let q = quantity(a[0]) else { return noOverload }
            return .double(NSDecimalNumber(decimal: q.value).doubleValue)
        },
        F("sign") { a, _ in
            guard a.count == 1, let q = quantity(a[0]) else { return noOverload }
            return .int(q.value.isZero ? 0 : (q.value < 0 ? -1 : 1))
        },
        quantityOp("add") { q, o in
            guard let r = otherQuantity(o) else { return noOverload }
            let v = q.value + r.value
            return makeQuantity(Quantity(value: v), text: "\(v)")
        },
        quantityOp("sub") { q, o in
            guard let r = otherQuantity(o) else { return noOverload }
            let v = q.value - r.value
            return makeQuantity(Quantity(value: v), text: "\(v)")
        },
        F("isGreaterThan") { a, _ in
            guard a.count == 2 else { return noOverload }
            if let x = quantity(a[0]), let y = quantity(a[1]) { return .bool(x.value > y.value) }
            if let x = semver(a[0]), let y = semver(a[1]) { return .bool(SemVer.compare(x, y) > 0) }
            return noOverload
        },
        F("isLessThan") { a, _ in
            guard a.count == 2 else { return noOverload }
            if let x = quantity(a[0]), let y = quantity(a[1]) { return .bool(x.value < y.value) }
            if let x = semver(a[0]), let y = semver(a[1]) { return .bool(SemVer.compare(x, y) < 0) }
            return noOverload
        },
        F("compareTo") { a, _ in
            guard a.count == 2 else { return noOverload }
            if let x = quantity(a[0]), let y = quantity(a[1]) { return .int(x.value < y.value ? -1 : (x.value > y.value ? 1 : 0)) }
            if let x = semver(a[0]), let y = semver(a[1]) { return .int(Int64(SemVer.compare(x, y))) }
            return noOverload
        },
        // kubernetes.Semver
        F("semver") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            guard let v = SemVer.parse(s) else { return .error(CELError(.invalidArgument, "invalid semver '\(s)'")) }
            return .object(CELObject("kubernetes.Semver", .semver(v), text: s))
        },
        F("isSemver") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .bool(SemVer.parse(s) != nil)
        },
        F("major") { a, _ in
            guard a.count == 1, let v = semver(a[0]) else { return noOverload }
            return .int(v.major)
        },
        F("minor") { a, _ in
            guard a.count == 1, let v = semver(a[0]) else { return noOverload }
            return .int(v.minor)
        },
        F("patch") { a, _ in
            guard a.count == 1, let v = semver(a[0]) else { return noOverload }
            return .int(v.patch)
        },
        // kubernetes.URL
        F("url") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            guard let u = URLParts.parse(s) else { return .error(CELError(.invalidArgument, "URL parse error during conversion from string: '\(s)'")) }
            return .object(CELObject("kubernetes.URL", .url(u), text: s))
        },
        F("isURL") { a, _ in
            guard a.count == 1, case .string(let s) = a[0] else { return noOverload }
            return .bool(URLParts.parse(s) != nil)
        },
        urlMethod("getScheme") { .string($0.scheme) },
        urlMethod("getHost") { .string($0.host) },
        urlMethod("getHostname") { .string($0.hostname) },
        urlMethod("getPort") { .string($0.port) },
        urlMethod("getEscapedPath") { .string($0.path) },
        urlMethod("getQuery") { $0.queryMap },
    ]
}
