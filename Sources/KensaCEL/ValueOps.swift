// Equality, ordering and arithmetic (cel-spec langdef "Equality", "Ordering", "Overflow").
// Numbers compare across int/uint/double by their mathematical value; arithmetic never mixes
// types and reports integer overflow as an error.

enum Ordering { case less, equal, greater, unordered }

enum Ops {
    // MARK: numeric comparison across kinds

    static func cmp(_ a: Int64, _ b: Int64) -> Ordering { a < b ? .less : (a > b ? .greater : .equal) }
    static func cmp(_ a: UInt64, _ b: UInt64) -> Ordering { a < b ? .less : (a > b ? .greater : .equal) }
    static func cmp(_ a: Double, _ b: Double) -> Ordering {
        if a.isNaN || b.isNaN { return .unordered }
        return a < b ? .less : (a > b ? .greater : .equal)
    }
    static func cmp(_ a: Int64, _ b: UInt64) -> Ordering {
        if a < 0 { return .less }
        return cmp(UInt64(a), b)
    }
    // Mixed int/double and uint/double comparisons convert the integer to double, as cel-go
    // does (the conformance suite expects 9223372036854775807 < 9223372036854775808.0 to be false).
    static func cmp(_ i: Int64, _ d: Double) -> Ordering { cmp(Double(i), d) }
    static func cmp(_ u: UInt64, _ d: Double) -> Ordering { cmp(Double(u), d) }
    static func flip(_ o: Ordering) -> Ordering {
        switch o { case .less: return .greater; case .greater: return .less; default: return o }
    }

    /// Ordering for `<`, `<=`, `>`, `>=`; nil when the types have no ordering overload.
    static func compare(_ a: CELValue, _ b: CELValue) -> Ordering? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return cmp(x, y)
        case (.uint(let x), .uint(let y)): return cmp(x, y)
        case (.double(let x), .double(let y)): return cmp(x, y)
        case (.int(let x), .uint(let y)): return cmp(x, y)
        case (.uint(let x), .int(let y)): return flip(cmp(y, x))
        case (.int(let x), .double(let y)): return cmp(x, y)
        case (.double(let x), .int(let y)): return flip(cmp(y, x))
        case (.uint(let x), .double(let y)): return cmp(x, y)
        case (.double(let x), .uint(let y)): return flip(cmp(y, x))
        case (.string(let x), .string(let y)):
            // Code point order equals UTF-8 byte order; Swift's == would apply Unicode
            // canonical equivalence, which CEL does not.
            return x.utf8.elementsEqual(y.utf8) ? .equal : (x.utf8.lexicographicallyPrecedes(y.utf8) ? .less : .greater)
        case (.bytes(let x), .bytes(let y)):
            return x == y ? .equal : (x.lexicographicallyPrecedes(y) ? .less : .greater)
        case (.bool(let x), .bool(let y)): return x == y ? .equal : (!x ? .less : .greater)
        case (.timestamp(let x), .timestamp(let y)): return x == y ? .equal : (x < y ? .less : .greater)
        case (.duration(let x), .duration(let y)): return cmp(x.nanoseconds, y.nanoseconds)
        default: return nil
        }
    }

    /// CEL equality: false across unrelated types, numeric across int/uint/double.
    static func equals(_ a: CELValue, _ b: CELValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.int, .int), (.uint, .uint), (.double, .double), (.int, .uint), (.uint, .int),
             (.int, .double), (.double, .int), (.uint, .double), (.double, .uint):
            return compare(a, b) == .equal
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for i in 0..<x.count where !equals(x[i], y[i]) { return false }
            return true
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for i in 0..<x.count {
                guard let other = y.lookup(x.keys[i]), equals(x.values[i], other) else { return false }
            }
            return true
        case (.type(let x), .type(let y)): return x == y
        case (.object(let x), .object(let y)): return x.payload == y.payload
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.optional(let x), .optional(let y)):
            switch (x, y) {
            case (nil, nil): return true
            case (let l?, let r?): return equals(l, r)
            default: return false
            }
        default: return false
        }
    }

    // MARK: arithmetic

    static func add(_ a: CELValue, _ b: CELValue, _ f: Frame) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .error(CELError.intOverflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .error(CELError.uintOverflow) : .uint(r)
        case (.double(let x), .double(let y)): return .double(x + y)
        case (.string(let x), .string(let y)):
            if !f.charge(UInt64((x.utf8.count + y.utf8.count) / 10)) { return f.limitError }
            if x.utf8.count + y.utf8.count > f.maxValueSize { return f.sizeError }
            return .string(x + y)
        case (.bytes(let x), .bytes(let y)):
            if !f.charge(UInt64((x.count + y.count) / 10)) { return f.limitError }
            if x.count + y.count > f.maxValueSize { return f.sizeError }
            return .bytes(x + y)
        case (.list(let x), .list(let y)):
            if !f.charge(UInt64((x.count + y.count) / 10)) { return f.limitError }
            if x.count + y.count > f.maxValueSize { return f.sizeError }
            return .list(x + y)
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            return Time.add(t, d)
        case (.duration(let x), .duration(let y)):
            let (r, o) = x.nanoseconds.addingReportingOverflow(y.nanoseconds)
            return o ? .error(CELError(.overflow, "duration overflow")) : .duration(CELDuration(nanoseconds: r))
        default: return .error(CELError.noOverload)
        }
    }

    static func sub(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? .error(CELError.intOverflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? .error(CELError.uintOverflow) : .uint(r)
        case (.double(let x), .double(let y)): return .double(x - y)
        case (.timestamp(let t), .duration(let d)):
            if d.nanoseconds == Int64.min { return .error(CELError(.overflow, "timestamp overflow")) }
            return Time.add(t, CELDuration(nanoseconds: -d.nanoseconds))
        case (.timestamp(let x), .timestamp(let y)): return Time.diff(x, y)
        case (.duration(let x), .duration(let y)):
            let (r, o) = x.nanoseconds.subtractingReportingOverflow(y.nanoseconds)
            return o ? .error(CELError(.overflow, "duration overflow")) : .duration(CELDuration(nanoseconds: r))
        default: return .error(CELError.noOverload)
        }
    }

    static func mul(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .error(CELError.intOverflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .error(CELError.uintOverflow) : .uint(r)
        case (.double(let x), .double(let y)): return .double(x * y)
        default: return .error(CELError.noOverload)
        }
    }

    static func div(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { return .error(CELError.divByZero) }
            let (r, o) = x.dividedReportingOverflow(by: y)
            return o ? .error(CELError.intOverflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { return .error(CELError.divByZero) }
            return .uint(x / y)
        case (.double(let x), .double(let y)): return .double(x / y)
        default: return .error(CELError.noOverload)
        }
    }

    static func mod(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { return .error(CELError.modByZero) }
            let (r, o) = x.remainderReportingOverflow(dividingBy: y)
            return o ? .error(CELError.intOverflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { return .error(CELError.modByZero) }
            return .uint(x % y)
        default: return .error(CELError.noOverload)
        }
    }

    static func negate(_ a: CELValue) -> CELValue {
        switch a {
        case .int(let x):
            if x == Int64.min { return .error(CELError.intOverflow) }
            return .int(-x)
        case .double(let x): return .double(-x)
        case .duration(let d):
            if d.nanoseconds == Int64.min { return .error(CELError(.overflow, "duration overflow")) }
            return .duration(CELDuration(nanoseconds: -d.nanoseconds))
        default: return .error(CELError.noOverload)
        }
    }

    /// `x in list` / `key in map`.
    static func contains(_ elem: CELValue, _ container: CELValue, _ f: Frame) -> CELValue {
        switch container {
        case .list(let l):
            if !f.charge(UInt64(l.count / 10)) { return f.limitError }
            for e in l where equals(elem, e) { return .bool(true) }
            return .bool(false)
        case .map(let m):
            return .bool(m.lookup(elem) != nil)
        default: return .error(CELError.noOverload)
        }
    }
}
