// Timestamps and durations: RFC 3339 parsing and printing, Go-style duration strings
// ("1h30m", "1.5s"), arithmetic with range checks, and the calendar accessors. The calendar
// is the proleptic Gregorian one, computed with the days-from-civil algorithm; only named
// time zones are looked up through Foundation.

import Foundation

enum Time {
    static let nanosPerSecond: Int64 = 1_000_000_000

    // MARK: calendar arithmetic

    /// Days since 1970-01-01 for a civil date.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Civil date (year, month 1-12, day 1-31) for days since 1970-01-01.
    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    // MARK: parsing

    static func parseTimestamp(_ s: String) -> CELTimestamp? {
        let b = Array(s.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + len) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
              b[10] == 0x54 || b[10] == 0x74, let h = num(11, 2), b[13] == 0x3A, let mi = num(14, 2), b[16] == 0x3A,
              let sec = num(17, 2) else { return nil }
        guard mo >= 1 && mo <= 12, d >= 1, d <= daysIn(y, mo), h < 24, mi < 60, sec < 60 else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < b.count && b[i] == 0x2E {
            i += 1
            var digits = 0
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 where digits < 9 { nanos *= 10 }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 0x3A, let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset
        let t = CELTimestamp(seconds: secs, nanos: Int32(nanos))
        return t.isValid ? t : nil
    }

    static func daysIn(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Go time.ParseDuration syntax.
    static func parseDuration(_ s: String) -> CELDuration? {
        var b = Array(s.unicodeScalars)
        var neg = false
        if let f = b.first, f == "-" || f == "+" { neg = f == "-"; b.removeFirst() }
        if b.count == 1 && b[0] == "0" { return CELDuration(nanoseconds: 0) }
        guard !b.isEmpty else { return nil }
        var total: UInt64 = 0
        var i = 0
        let limit = UInt64(Int64.max) + (neg ? 1 : 0)
        while i < b.count {
            var whole: UInt64 = 0
            var frac: UInt64 = 0
            var scale: UInt64 = 1
            var sawDigits = false
            while i < b.count, b[i].value >= 0x30 && b[i].value <= 0x39 {
                let d = b[i].value
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d - 0x30))
                if o1 || o2 { return nil }
                whole = a
                sawDigits = true
                i += 1
            }
            if i < b.count && b[i] == "." {
                i += 1
                while i < b.count, b[i].value >= 0x30 && b[i].value <= 0x39 {
                    if scale < 1_000_000_000_000_000 {
                        frac = frac * 10 + UInt64(b[i].value - 0x30)
                        scale *= 10
                    }
                    sawDigits = true
                    i += 1
                }
            }
            guard sawDigits else { return nil }
            var unit = ""
            while i < b.count, !(b[i].value >= 0x30 && b[i].value <= 0x39), b[i] != "." {
                unit.unicodeScalars.append(b[i])
                i += 1
            }
            let mult: UInt64
            switch unit {
            case "ns": mult = 1
            case "us", "µs", "μs": mult = 1_000
            case "ms": mult = 1_000_000
            case "s": mult = 1_000_000_000
            case "m": mult = 60_000_000_000
            case "h": mult = 3_600_000_000_000
            default: return nil
            }
            let (w, o1) = whole.multipliedReportingOverflow(by: mult)
            if o1 { return nil }
            let fracNanos = UInt64((Double(frac) / Double(scale)) * Double(mult))
            let (t1, o2) = total.addingReportingOverflow(w)
            let (t2, o3) = t1.addingReportingOverflow(fracNanos)
            if o2 || o3 || t2 > limit { return nil }
            total = t2
        }
        if neg { return CELDuration(nanoseconds: total == UInt64(Int64.max) + 1 ? Int64.min : -Int64(total)) }
        return CELDuration(nanoseconds: Int64(total))
    }

    // MARK: printing

    static func pad(_ v: Int64, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }

    static func fraction(_ nanos: Int64) -> String {
        if nanos == 0 { return "" }
        var s = pad(nanos, 9)
        while s.hasSuffix("0") { s.removeLast() }
        return "." + s
    }

    static func format(_ t: CELTimestamp) -> String {
        let days = floorDiv(t.seconds, 86400)
        let rem = t.seconds - days * 86400
        let (y, m, d) = civilFromDays(days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))\(fraction(Int64(t.nanos)))Z"
    }

    static func format(_ d: CELDuration) -> String {
        let neg = d.nanoseconds < 0
        let mag = d.nanoseconds.magnitude
        let secs = mag / 1_000_000_000
        let nanos = Int64(mag % 1_000_000_000)
        return (neg ? "-" : "") + String(secs) + fraction(nanos) + "s"
    }

    // MARK: arithmetic

    static func add(_ t: CELTimestamp, _ d: CELDuration) -> CELValue {
        var secs = t.seconds + d.seconds
        var nanos = Int64(t.nanos) + d.subNanos
        if nanos < 0 { nanos += nanosPerSecond; secs -= 1 } else if nanos >= nanosPerSecond { nanos -= nanosPerSecond; secs += 1 }
        let r = CELTimestamp(seconds: secs, nanos: Int32(nanos))
        return r.isValid ? .timestamp(r) : .error(CELError(.overflow, "timestamp overflow"))
    }

    static func diff(_ a: CELTimestamp, _ b: CELTimestamp) -> CELValue {
        let secs = a.seconds - b.seconds
        let nanos = Int64(a.nanos) - Int64(b.nanos)
        let (m, o1) = secs.multipliedReportingOverflow(by: nanosPerSecond)
        let (r, o2) = m.addingReportingOverflow(nanos)
        if o1 || o2 { return .error(CELError(.overflow, "duration overflow")) }
        return .duration(CELDuration(nanoseconds: r))
    }

    // MARK: accessors

    /// Offset in seconds east of UTC for a zone argument ("UTC", "America/New_York", "+05:30", "-02:00", "02:00").
    static func offset(_ zone: String, at t: CELTimestamp) -> Int64? {
        let b = Array(zone.utf8)
        if b.count >= 5 {
            var i = 0
            var sign: Int64 = 1
            if b[0] == 0x2B || b[0] == 0x2D { sign = b[0] == 0x2D ? -1 : 1; i = 1 }
            if b.count == i + 5, b[i + 2] == 0x3A, let h = Int64(zone.dropFirst(i).prefix(2)), let m = Int64(zone.suffix(2)) {
                return sign * (h * 3600 + m * 60)
            }
        }
        // Only IANA-shaped names reach the time zone database (no "..", no absolute paths).
        guard !zone.isEmpty, zone.count <= 64, !zone.hasPrefix("/"), !zone.contains(".."),
              zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_+-/".contains($0)) }),
              let tz = TimeZone(identifier: zone) else { return nil }
        return Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t.seconds))))
    }

    static func accessor(_ name: String, _ pick: @escaping @Sendable (_ y: Int64, _ m: Int64, _ d: Int64, _ days: Int64, _ secOfDay: Int64, _ nanos: Int64) -> Int64) -> CELFunction {
        CELFunction(name) { a, _ in
            switch a.count {
            case 1, 2:
                if case .duration(let d) = a[0], a.count == 1 {
                    switch name {
                    case "getHours": return .int(d.nanoseconds / 3_600_000_000_000)
                    case "getMinutes": return .int(d.nanoseconds / 60_000_000_000)
                    case "getSeconds": return .int(d.nanoseconds / 1_000_000_000)
                    case "getMilliseconds": return .int(d.nanoseconds % 1_000_000_000 / 1_000_000)
                    default: return StandardLibrary.noOverload
                    }
                }
                guard case .timestamp(let t) = a[0] else { return StandardLibrary.noOverload }
                var off: Int64 = 0
                if a.count == 2 {
                    guard case .string(let z) = a[1] else { return StandardLibrary.noOverload }
                    guard let o = offset(z, at: t) else { return .error(CELError(.invalidArgument, "invalid time zone '\(z)'")) }
                    off = o
                }
                let local = t.seconds + off
                let days = floorDiv(local, 86400)
                let (y, m, d) = civilFromDays(days)
                return .int(pick(y, m, d, days, local - days * 86400, Int64(t.nanos)))
            default: return StandardLibrary.noOverload
            }
        }
    }

    static let functions: [CELFunction] = [
        CELFunction("timestamp") { a, _ in
            guard a.count == 1 else { return StandardLibrary.noOverload }
            switch a[0] {
            case .timestamp: return a[0]
            case .string(let s):
                guard let t = parseTimestamp(s) else { return .error(CELError(.conversion, "invalid timestamp '\(s)'")) }
                return .timestamp(t)
            case .int(let i):
                let t = CELTimestamp(seconds: i, nanos: 0)
                return t.isValid ? .timestamp(t) : .error(CELError(.outOfRange, "timestamp out of range"))
            default: return StandardLibrary.noOverload
            }
        },
        CELFunction("duration") { a, _ in
            guard a.count == 1 else { return StandardLibrary.noOverload }
            switch a[0] {
            case .duration: return a[0]
            case .string(let s):
                guard let d = parseDuration(s) else { return .error(CELError(.conversion, "invalid duration '\(s)'")) }
                return .duration(d)
            default: return StandardLibrary.noOverload
            }
        },
        accessor("getFullYear") { y, _, _, _, _, _ in y },
        accessor("getMonth") { _, m, _, _, _, _ in m - 1 },
        accessor("getDate") { _, _, d, _, _, _ in d },
        accessor("getDayOfMonth") { _, _, d, _, _, _ in d - 1 },
        accessor("getDayOfWeek") { _, _, _, days, _, _ in ((days % 7) + 11) % 7 },
        accessor("getDayOfYear") { y, _, _, days, _, _ in days - daysFromCivil(y, 1, 1) },
        accessor("getHours") { _, _, _, _, s, _ in s / 3600 },
        accessor("getMinutes") { _, _, _, _, s, _ in s / 60 % 60 },
        accessor("getSeconds") { _, _, _, _, s, _ in s % 60 },
        accessor("getMilliseconds") { _, _, _, _, _, n in n / 1_000_000 },
    ]
}
