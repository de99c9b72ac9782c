// The math extension (cel-go ext.Math): greatest/least over mixed numbers, rounding,
// sign/abs, float classification and bit operations.

enum MathLibrary {
    typealias F = CELFunction
    static let noOverload = StandardLibrary.noOverload

    static func isNumber(_ v: CELValue) -> Bool {
        switch v { case .int, .uint, .double: return true; default: return false }
    }

    static func extreme(_ a: [CELValue], greatest: Bool) -> CELValue {
        var items = a
        if a.count == 1, case .list(let l) = a[0] {
            if l.isEmpty { return .error(CELError(.invalidArgument, "math.\(greatest ? "greatest" : "least")() requires at least one argument")) }
            items = l
        }
        guard !items.isEmpty else { return noOverload }
        var best = items[0]
        guard isNumber(best) else { return noOverload }
        for v in items.dropFirst() {
            guard isNumber(v), let o = Ops.compare(v, best) else { return noOverload }
            if (greatest && o == .greater) || (!greatest && o == .less) { best = v }
        }
        return best
    }

    static func double(_ name: String, _ op: @escaping @Sendable (Double) -> CELValue) -> F {
        F(name) { a, _ in
            guard a.count == 1, case .double(let d) = a[0] else { return noOverload }
            return op(d)
        }
    }

    static func bits(_ name: String, _ i: @escaping @Sendable (Int64, Int64) -> Int64, _ u: @escaping @Sendable (UInt64, UInt64) -> UInt64) -> F {
        F(name) { a, _ in
            guard a.count == 2 else { return noOverload }
            switch (a[0], a[1]) {
            case (.int(let x), .int(let y)): return .int(i(x, y))
            case (.uint(let x), .uint(let y)): return .uint(u(x, y))
            default: return noOverload
            }
        }
    }

    static let functions: [F] = [
        F("math.greatest") { a, _ in extreme(a, greatest: true) },
        F("math.least") { a, _ in extreme(a, greatest: false) },
        double("math.ceil") { .double($0.rounded(.up)) },
        double("math.floor") { .double($0.rounded(.down)) },
        double("math.round") { .double($0.rounded(.toNearestOrAwayFromZero)) },
        double("math.trunc") { .double($0.rounded(.towardZero)) },
        double("math.isNaN") { .bool($0.isNaN) },
        double("math.isInf") { .bool($0.isInfinite) },
        double("math.isFinite") { .bool($0.isFinite) },
        double("math.sqrt") { .double($0.squareRoot()) },
        F("math.abs") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .int(let i): return i == Int64.min ? .error(CELError.intOverflow) : .int(abs(i))
            case .uint: return a[0]
            case .double(let d): return .double(abs(d))
            default: return noOverload
            }
        },
        F("math.sign") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .int(let i): return .int(i.signum())
            case .uint(let u): return .uint(u == 0 ? 0 : 1)
            case .double(let d): return .double(d.isNaN ? d : (d > 0 ? 1 : (d < 0 ? -1 : 0)))
            default: return noOverload
            }
        },
        bits("math.bitAnd", { $0 & $1 }, { $0 & $1 }),
        bits("math.bitOr", { $0 | $1 }, { $0 | $1 }),
        bits("math.bitXor", { $0 ^ $1 }, { $0 ^ $1 }),
        F("math.bitNot") { a, _ in
            guard a.count == 1 else { return noOverload }
            switch a[0] {
            case .int(let i): return .int(~i)
            case .uint(let u): return .uint(~u)
            default: return noOverload
            }
        },
        F("math.bitShiftLeft") { a, _ in shift(a, left: true) },
        F("math.bitShiftRight") { a, _ in shift(a, left: false) },
    ]

    static func shift(_ a: [CELValue], left: Bool) -> CELValue {
        guard a.count == 2, case .int(let n) = a[1] else { return noOverload }
        if n < 0 { return .error(CELError(.invalidArgument, "math.bitShift\(left ? "Left" : "Right")() negative offset: \(n)")) }
        switch a[0] {
        case .int(let x):
            if n >= 64 { return .int(0) }
            // Right shifts of ints are logical (unsigned), as in cel-go.
            return .int(left ? x << n : Int64(bitPattern: UInt64(bitPattern: x) >> UInt64(n)))
        case .uint(let x):
            if n >= 64 { return .uint(0) }
            return .uint(left ? x << UInt64(n) : x >> UInt64(n))
        default: return noOverload
        }
    }
}
