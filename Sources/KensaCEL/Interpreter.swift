// The evaluator: the parsed tree is compiled once into a tree of nodes (names resolved,
// comprehension variables given slots, constant regexes compiled), then evaluated many times.
// Each evaluation gets a Frame that holds the variables, the slots and the cost counter.

/// Per-evaluation state. Not shared between threads: every `evaluate` makes its own.
final class Frame {
    var locals: [CELValue]
    let activation: CELActivation
    var cost: UInt64 = 0
    let costLimit: UInt64
    let maxValueSize: Int
    /// Set when a limit is hit: from then on every node yields an error, and `&&`/`||`
    /// must not absorb it.
    var aborted: CELProgramError?

    init(slots: Int, activation: CELActivation, limits: CELLimits) {
        locals = Array(repeating: .null, count: slots)
        self.activation = activation
        costLimit = limits.costBudget
        maxValueSize = limits.maxValueSize
    }

    /// Adds `n` to the cost; false once the budget is spent.
    @inline(__always) func charge(_ n: UInt64) -> Bool {
        cost &+= n
        if cost > costLimit {
            if aborted == nil { aborted = .costLimitExceeded(limit: costLimit) }
            return false
        }
        return true
    }

    var limitError: CELValue { .error(CELError(.limitExceeded, aborted?.description ?? "cost limit exceeded")) }
    var sizeError: CELValue {
        if aborted == nil { aborted = .valueTooLarge(limit: maxValueSize) }
        return .error(CELError(.limitExceeded, "value too large"))
    }
}

class Node: @unchecked Sendable {
    let id: Int64
    init(id: Int64) { self.id = id }
    func eval(_ f: Frame) -> CELValue { .error(CELError(.invalidArgument, "internal: abstract node")) }
}

final class ConstNode: Node, @unchecked Sendable {
    let value: CELValue
    init(id: Int64, _ v: CELValue) { value = v; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue { value }
}

final class LocalNode: Node, @unchecked Sendable {
    let slot: Int
    init(id: Int64, slot: Int) { self.slot = slot; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue { f.locals[slot] }
}

/// A (possibly qualified) name resolved against the activation at run time: candidates are
/// tried in order (container-qualified and longest first), then type names.
final class NameNode: Node, @unchecked Sendable {
    let candidates: [(name: String, rest: [String])]
    let fallbackType: CELValue?
    let display: String
    init(id: Int64, candidates: [(String, [String])], fallbackType: CELValue?, display: String) {
        self.candidates = candidates.map { (name: $0.0, rest: $0.1) }
        self.fallbackType = fallbackType
        self.display = display
        super.init(id: id)
    }
    override func eval(_ f: Frame) -> CELValue {
        for c in candidates {
            if f.activation.unknownNames.contains(c.name) { return .unknown(CELUnknown(ids: [id])) }
            if var v = f.activation.variables[c.name] {
                for field in c.rest { v = SelectNode.select(v, field, optional: false) }
                return v
            }
        }
        if let t = fallbackType { return t }
        return .error(CELError(.undeclaredReference, "undeclared reference to '\(display)' (in container '')"))
    }
}

/// A single unqualified variable name: the fast path.
final class VarNode: Node, @unchecked Sendable {
    let name: String
    let fallbackType: CELValue?
    init(id: Int64, name: String, fallbackType: CELValue?) { self.name = name; self.fallbackType = fallbackType; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        if let v = f.activation.variables[name] { return v }
        if !f.activation.unknownNames.isEmpty && f.activation.unknownNames.contains(name) { return .unknown(CELUnknown(ids: [id])) }
        if let t = fallbackType { return t }
        return .error(CELError(.undeclaredReference, "undeclared reference to '\(name)'"))
    }
}

final class SelectNode: Node, @unchecked Sendable {
    let operand: Node
    let field: String
    let testOnly: Bool
    let optional: Bool
    init(id: Int64, _ operand: Node, _ field: String, testOnly: Bool, optional: Bool) {
        self.operand = operand; self.field = field; self.testOnly = testOnly; self.optional = optional
        super.init(id: id)
    }

    static func select(_ v: CELValue, _ field: String, optional: Bool) -> CELValue {
        switch v {
        case .map(let m):
            if let r = m.lookup(string: field) { return optional ? .optional(r) : r }
            return optional ? .optional(nil) : .error(CELError(.noSuchKey, "no such key: \(field)"))
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            let r = select(inner, field, optional: true)
            return r
        case .error, .unknown: return v
        default:
            return .error(CELError(.noSuchField, "type '\(v.celType.name)' does not support field selection"))
        }
    }

    static func has(_ v: CELValue, _ field: String) -> CELValue {
        switch v {
        case .map(let m): return .bool(m.lookup(string: field) != nil)
        case .optional(let inner):
            guard let inner else { return .bool(false) }
            return has(inner, field)
        case .error, .unknown: return v
        default:
            return .error(CELError(.noSuchField, "type '\(v.celType.name)' does not support field selection"))
        }
    }

    override func eval(_ f: Frame) -> CELValue {
        let v = operand.eval(f)
        if testOnly { return Self.has(v, field) }
        return Self.select(v, field, optional: optional)
    }
}

final class IndexNode: Node, @unchecked Sendable {
    let operand: Node
    let index: Node
    let optional: Bool
    init(id: Int64, _ operand: Node, _ index: Node, optional: Bool) {
        self.operand = operand; self.index = index; self.optional = optional
        super.init(id: id)
    }

    static func listIndex(_ i: CELValue) -> Int64? {
        switch i {
        case .int(let x): return x
        case .uint(let u): return u > UInt64(Int64.max) ? Int64.max : Int64(u)
        case .double(let d):
            if d.rounded(.towardZero) != d || d.isNaN || abs(d) > 9.0e18 { return nil }
            return Int64(d)
        default: return nil
        }
    }

    static func index(_ c: CELValue, _ i: CELValue, optional: Bool) -> CELValue {
        if case .error = i { return i }
        if case .unknown = i { return i }
        switch c {
        case .list(let l):
            guard let n = listIndex(i) else {
                if case .double = i { return .error(CELError(.invalidArgument, "invalid_argument: index \(i) is not an integer")) }
                return .error(CELError(.invalidArgument, "invalid_argument: no such overload for list index"))
            }
            if n < 0 || n >= Int64(l.count) {
                return optional ? .optional(nil) : .error(CELError(.invalidArgument, "invalid_argument: index out of range: \(n)"))
            }
            return optional ? .optional(l[Int(n)]) : l[Int(n)]
        case .map(let m):
            switch i {
            case .int, .uint, .double, .bool, .string: break
            default: return .error(CELError(.unsupportedKeyType, "unsupported key type"))
            }
            if let r = m.lookup(i) { return optional ? .optional(r) : r }
            return optional ? .optional(nil) : .error(CELError(.noSuchKey, "no such key: \(Format.display(i))"))
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return index(inner, i, optional: true)
        case .error, .unknown: return c
        default: return .error(CELError.noOverload)
        }
    }

    override func eval(_ f: Frame) -> CELValue {
        let c = operand.eval(f)
        let i = index.eval(f)
        if case .error = c { return c }
        return Self.index(c, i, optional: optional)
    }
}

final class AndNode: Node, @unchecked Sendable {
    let l: Node, r: Node
    init(id: Int64, _ l: Node, _ r: Node) { self.l = l; self.r = r; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let a = l.eval(f)
        if case .bool(false) = a { return a }
        if f.aborted != nil { return f.limitError }
        let b = r.eval(f)
        if case .bool(false) = b { return b }
        if f.aborted != nil { return f.limitError }
        return Logic.combine(a, b)
    }
}

final class OrNode: Node, @unchecked Sendable {
    let l: Node, r: Node
    init(id: Int64, _ l: Node, _ r: Node) { self.l = l; self.r = r; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let a = l.eval(f)
        if case .bool(true) = a { return a }
        if f.aborted != nil { return f.limitError }
        let b = r.eval(f)
        if case .bool(true) = b { return b }
        if f.aborted != nil { return f.limitError }
        return Logic.combine(a, b)
    }
}

enum Logic {
    /// Neither side decided the result: both bool, or unknowns (merged), or the first error.
    static func combine(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.bool, .bool): return a
        case (.unknown(let x), .unknown(let y)): return .unknown(x.merged(y))
        case (.unknown, _): return a
        case (_, .unknown): return b
        case (.error, _): return a
        case (_, .error): return b
        default: return .error(CELError.noOverload)
        }
    }
}

final class NotNode: Node, @unchecked Sendable {
    let e: Node
    init(id: Int64, _ e: Node) { self.e = e; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let v = e.eval(f)
        switch v {
        case .bool(let b): return .bool(!b)
        case .error, .unknown: return v
        default: return .error(CELError.noOverload)
        }
    }
}

final class CondNode: Node, @unchecked Sendable {
    let c: Node, t: Node, e: Node
    init(id: Int64, _ c: Node, _ t: Node, _ e: Node) { self.c = c; self.t = t; self.e = e; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        switch c.eval(f) {
        case .bool(true): return t.eval(f)
        case .bool(false): return e.eval(f)
        case let v where v.isError: return v
        case .unknown(let u): return .unknown(u)
        default: return .error(CELError.noOverload)
        }
    }
}

final class BinaryNode: Node, @unchecked Sendable {
    let op: BinaryOp
    let l: Node, r: Node
    init(id: Int64, _ op: BinaryOp, _ l: Node, _ r: Node) { self.op = op; self.l = l; self.r = r; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let a = l.eval(f)
        let b = r.eval(f)
        switch (a, b) {
        case (.unknown(let x), .unknown(let y)): return .unknown(x.merged(y))
        case (.unknown, _), (.error, _): return a
        case (_, .unknown), (_, .error): return b
        default: break
        }
        switch op {
        case .eq: return .bool(Ops.equals(a, b))
        case .ne: return .bool(!Ops.equals(a, b))
        case .lt, .le, .gt, .ge:
            guard let o = Ops.compare(a, b) else { return .error(CELError.noOverload) }
            switch op {
            case .lt: return .bool(o == .less)
            case .le: return .bool(o == .less || o == .equal)
            case .gt: return .bool(o == .greater)
            default: return .bool(o == .greater || o == .equal)
            }
        case .add: return Ops.add(a, b, f)
        case .sub: return Ops.sub(a, b)
        case .mul: return Ops.mul(a, b)
        case .div: return Ops.div(a, b)
        case .mod: return Ops.mod(a, b)
        case .in: return Ops.contains(a, b, f)
        }
    }
}

final class NegateNode: Node, @unchecked Sendable {
    let e: Node
    init(id: Int64, _ e: Node) { self.e = e; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let v = e.eval(f)
        switch v {
        case .error, .unknown: return v
        default: return Ops.negate(v)
        }
    }
}

final class ListNode: Node, @unchecked Sendable {
    let elems: [Node]
    let optional: [Bool]
    let anyOptional: Bool
    init(id: Int64, _ elems: [Node], _ optional: [Bool]) {
        self.elems = elems; self.optional = optional; anyOptional = optional.contains(true)
        super.init(id: id)
    }
    override func eval(_ f: Frame) -> CELValue {
        var out: [CELValue] = []
        out.reserveCapacity(elems.count)
        for (i, n) in elems.enumerated() {
            let v = n.eval(f)
            switch v {
            case .error, .unknown: return v
            case .optional(let inner) where anyOptional && optional[i]:
                if let inner { out.append(inner) }
            default:
                if anyOptional && optional[i] { return .error(CELError(.noMatchingOverload, "optional list element is not an optional")) }
                out.append(v)
            }
        }
        return .list(out)
    }
}

final class MapNode: Node, @unchecked Sendable {
    let keys: [Node]
    let values: [Node]
    let optional: [Bool]
    init(id: Int64, _ keys: [Node], _ values: [Node], _ optional: [Bool]) {
        self.keys = keys; self.values = values; self.optional = optional
        super.init(id: id)
    }
    override func eval(_ f: Frame) -> CELValue {
        var pairs: [(CELValue, CELValue)] = []
        pairs.reserveCapacity(keys.count)
        for i in 0..<keys.count {
            let k = keys[i].eval(f)
            if k.isError { return k }
            if case .unknown = k { return k }
            let v = values[i].eval(f)
            if v.isError { return v }
            if case .unknown = v { return v }
            if optional[i] {
                guard case .optional(let inner) = v else {
                    return .error(CELError(.noMatchingOverload, "optional map entry is not an optional"))
                }
                if let inner { pairs.append((k, inner)) }
            } else {
                pairs.append((k, v))
            }
        }
        switch CELMap.make(pairs) {
        case .success(let m): return .map(m)
        case .failure(let e): return .error(e)
        }
    }
}

final class ErrorNode: Node, @unchecked Sendable {
    let error: CELError
    init(id: Int64, _ e: CELError) { error = e; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue { .error(error) }
}

/// A strict function call: errors and unknowns in arguments propagate.
final class CallNode: Node, @unchecked Sendable {
    let fn: CELFunction
    let args: [Node]
    init(id: Int64, _ fn: CELFunction, _ args: [Node]) { self.fn = fn; self.args = args; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        var vals: [CELValue] = []
        vals.reserveCapacity(args.count)
        var unknown: CELUnknown?
        var firstError: CELValue?
        for a in args {
            let v = a.eval(f)
            switch v {
            case .unknown(let u): unknown = unknown.map { $0.merged(u) } ?? u
            case .error: if firstError == nil { firstError = v }
            default: break
            }
            vals.append(v)
        }
        if let unknown { return .unknown(unknown) }
        if let firstError { return firstError }
        return fn.impl(vals, f)
    }
}

/// Unary call fast path (size(x), x.size(), conversions).
final class Call1Node: Node, @unchecked Sendable {
    let fn: CELFunction
    let arg: Node
    init(id: Int64, _ fn: CELFunction, _ arg: Node) { self.fn = fn; self.arg = arg; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let v = arg.eval(f)
        switch v {
        case .unknown, .error: return v
        default: break
        }
        return fn.impl([v], f)
    }
}

/// The non-strict functions of the optional library: `or` and `orValue` evaluate their
/// argument only when needed.
final class OptionalOrNode: Node, @unchecked Sendable {
    let target: Node, alt: Node
    let orValue: Bool
    init(id: Int64, _ target: Node, _ alt: Node, orValue: Bool) { self.target = target; self.alt = alt; self.orValue = orValue; super.init(id: id) }
    override func eval(_ f: Frame) -> CELValue {
        let t = target.eval(f)
        switch t {
        case .optional(let inner):
            if let inner { return orValue ? inner : t }
            let a = alt.eval(f)
            if !orValue, case .optional = a { return a }
            if !orValue, !a.isError { return .error(CELError.noOverload) }
            return a
        case .error, .unknown: return t
        default: return .error(CELError.noOverload)
        }
    }
}

final class ComprehensionNode: Node, @unchecked Sendable {
    let kind: ComprehensionKind
    let range: Node
    let slot1: Int
    let slot2: Int?
    let args: [Node]
    let iterationCost: UInt64
    init(id: Int64, kind: ComprehensionKind, range: Node, slot1: Int, slot2: Int?, args: [Node], iterationCost: UInt64) {
        self.kind = kind; self.range = range; self.slot1 = slot1; self.slot2 = slot2; self.args = args
        self.iterationCost = iterationCost
        super.init(id: id)
    }

    override func eval(_ f: Frame) -> CELValue {
        let r = range.eval(f)
        switch kind {
        case .bind:
            f.locals[slot1] = r
            return args[0].eval(f)
        case .optMap, .optFlatMap:
            switch r {
            case .optional(let inner):
                guard let inner else { return r }
                f.locals[slot1] = inner
                let v = args[0].eval(f)
                if kind == .optFlatMap {
                    if case .optional = v { return v }
                    if v.isError { return v }
                    return .error(CELError.noOverload)
                }
                if v.isError { return v }
                return .optional(v)
            case .error, .unknown: return r
            default: return .error(CELError.noOverload)
            }
        default: break
        }
        let items: [CELValue]
        let values: [CELValue]?
        switch r {
        case .list(let l):
            if slot2 != nil { items = (0..<l.count).map { .int(Int64($0)) }; values = l } else { items = l; values = nil }
        case .map(let m):
            items = m.keys
            values = slot2 != nil ? m.values : nil
        case .error, .unknown: return r
        default: return .error(CELError(.noMatchingOverload, "expression of type '\(r.celType.name)' cannot be the range of a comprehension (must be list, map, or dynamic)"))
        }
        let body = args[0]
        switch kind {
        case .all, .exists:
            let stopOn = kind == .exists
            var pending: CELValue?
            for i in 0..<items.count {
                if !f.charge(iterationCost) { return f.limitError }
                f.locals[slot1] = items[i]
                if let s2 = slot2, let values { f.locals[s2] = values[i] }
                let v = body.eval(f)
                if f.aborted != nil { return f.limitError }
                switch v {
                case .bool(let b): if b == stopOn { return v }
                case .unknown(let u):
                    if case .unknown(let p)? = pending { pending = .unknown(p.merged(u)) } else { pending = v }
                default:
                    // The first error is kept unless an unknown already is (unknowns win).
                    if pending == nil { pending = v.isError ? v : .error(CELError.noOverload) }
                }
            }
            return pending ?? .bool(!stopOn)
        case .existsOne:
            var count = 0
            for i in 0..<items.count {
                if !f.charge(iterationCost) { return f.limitError }
                f.locals[slot1] = items[i]
                if let s2 = slot2, let values { f.locals[s2] = values[i] }
                let v = body.eval(f)
                switch v {
                case .bool(let b): if b { count += 1 }
                case .error, .unknown: return v
                default: return .error(CELError.noOverload)
                }
            }
            return .bool(count == 1)
        case .map, .filter, .mapFilter:
            var out: [CELValue] = []
            for i in 0..<items.count {
                if !f.charge(iterationCost) { return f.limitError }
                f.locals[slot1] = items[i]
                if kind != .map {
                    let keep = body.eval(f)
                    switch keep {
                    case .bool(let b):
                        if !b { continue }
                    case .error, .unknown: return keep
                    default: return .error(CELError.noOverload)
                    }
                }
                if kind == .filter { out.append(items[i]); continue }
                let v = (kind == .map ? body : args[1]).eval(f)
                switch v {
                case .error, .unknown: return v
                default: out.append(v)
                }
                if out.count > f.maxValueSize { return f.sizeError }
            }
            return .list(out)
        case .transformList, .transformMap:
            guard let values, let s2 = slot2 else { return .error(CELError.noOverload) }
            var out: [CELValue] = []
            var pairs: [(CELValue, CELValue)] = []
            for i in 0..<items.count {
                if !f.charge(iterationCost) { return f.limitError }
                f.locals[slot1] = items[i]
                f.locals[s2] = values[i]
                if args.count == 2 {
                    let keep = args[0].eval(f)
                    switch keep {
                    case .bool(let b): if !b { continue }
                    case .error, .unknown: return keep
                    default: return .error(CELError.noOverload)
                    }
                }
                let v = args[args.count - 1].eval(f)
                switch v {
                case .error, .unknown: return v
                default: break
                }
                if kind == .transformList { out.append(v) } else { pairs.append((items[i], v)) }
                if out.count + pairs.count > f.maxValueSize { return f.sizeError }
            }
            if kind == .transformList { return .list(out) }
            switch CELMap.make(pairs) {
            case .success(let m): return .map(m)
            case .failure(let e): return .error(e)
            }
        default:
            return .error(CELError.noOverload)
        }
    }
}
