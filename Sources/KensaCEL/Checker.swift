// The type checker of checked mode: infers a static type for every sub-expression and rejects
// what can never evaluate (`'a' + 1`, `size(true)`, `1.field`, a non-bool condition).
// Variables without a declared type are `dyn`, as Kubernetes objects are without a schema, so
// the checker only refuses what is wrong for every possible input.

/// A static CEL type.
public indirect enum CELStaticType: Sendable, Equatable, CustomStringConvertible {
    case dyn, null, bool, int, uint, double, string, bytes, timestamp, duration, type
    case list(CELStaticType)
    case map(CELStaticType, CELStaticType)
    case optional(CELStaticType)
    case object(String)
    /// A type not yet constrained, as the element type of `[]` or of `optional.none()`; it
    /// takes the type it is joined with, and is reported as `dyn` when nothing constrains it.
    case unconstrained

    public var description: String {
        switch self {
        case .dyn, .unconstrained: return "dyn"
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .timestamp: return "google.protobuf.Timestamp"
        case .duration: return "google.protobuf.Duration"
        case .type: return "type"
        case .list(let e): return "list(\(e))"
        case .map(let k, let v): return "map(\(k), \(v))"
        case .optional(let t): return "optional_type(\(t))"
        case .object(let n): return n
        }
    }

    var isDyn: Bool { self == .dyn || self == .unconstrained }
    var isNumber: Bool { self == .int || self == .uint || self == .double }

    /// The least specific type both sides fit (dyn when they differ).
    func join(_ o: CELStaticType) -> CELStaticType {
        if self == o { return self }
        switch (self, o) {
        case (.unconstrained, _): return o
        case (_, .unconstrained): return self
        case (.null, .optional), (.null, .object): return o
        case (.optional, .null), (.object, .null): return self
        case (.list(let a), .list(let b)): return .list(a.join(b))
        case (.map(let k1, let v1), .map(let k2, let v2)): return .map(k1.join(k2), v1.join(v2))
        case (.optional(let a), .optional(let b)): return .optional(a.join(b))
        default: return .dyn
        }
    }

    /// Unconstrained parts reported as dyn.
    var resolved: CELStaticType {
        switch self {
        case .unconstrained: return .dyn
        case .list(let e): return .list(e.resolved)
        case .map(let k, let v): return .map(k.resolved, v.resolved)
        case .optional(let t): return .optional(t.resolved)
        default: return self
        }
    }

    static func of(_ v: CELValue) -> CELStaticType {
        switch v {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .string: return .string
        case .bytes: return .bytes
        case .timestamp: return .timestamp
        case .duration: return .duration
        case .type: return .type
        case .list(let l):
            var elem: CELStaticType?
            for x in l { let t = of(x); elem = elem.map { $0.join(t) } ?? t }
            return .list(elem ?? .dyn)
        case .map: return .map(.dyn, .dyn)
        case .optional(let o): return .optional(o.map(of) ?? .dyn)
        case .object(let o): return .object(o.type.name)
        case .error, .unknown: return .dyn
        }
    }
}

struct Checker {
    let env: CELEnvironment
    var locals: [(String, CELStaticType)] = []

    func fail(_ m: String) -> CELProgramError { .typeError(m) }

    func local(_ n: String) -> CELStaticType? {
        for (name, t) in locals.reversed() where name == n { return t }
        return nil
    }

    func noOverload(_ fn: String, _ args: [CELStaticType]) -> CELProgramError {
        fail("found no matching overload for '\(fn)' applied to '(\(args.map(\.description).joined(separator: ", ")))'")
    }

    mutating func check(_ e: Expr) throws(CELProgramError) -> CELStaticType {
        switch e.kind {
        case .literal(let v): return .of(v)
        case .ident, .select:
            if let q = e.qualifiedName, let t = resolve(q) { return t }
            guard case .select(let x, let field, let testOnly, let optional) = e.kind else { return .dyn }
            let t = try check(x)
            return try select(t, field, testOnly: testOnly, optional: optional)
        case .index(let x, let i, let optional):
            let t = try check(x)
            let it = try check(i)
            return try index(t, it, optional: optional)
        case .unary(let op, let x):
            let t = try check(x)
            switch op {
            case .not:
                guard t == .bool || t.isDyn else { throw noOverload("!_", [t]) }
                return .bool
            case .negate:
                guard t == .int || t == .double || t == .duration || t.isDyn else { throw noOverload("-_", [t]) }
                return t
            }
        case .binary(let op, let l, let r):
            return try binary(op, try check(l), try check(r))
        case .and(let l, let r), .or(let l, let r):
            let a = try check(l), b = try check(r)
            let name: String
            if case .and = e.kind { name = "_&&_" } else { name = "_||_" }
            guard a == .bool || a.isDyn, b == .bool || b.isDyn else { throw noOverload(name, [a, b]) }
            return .bool
        case .conditional(let c, let t, let f):
            let ct = try check(c)
            guard ct == .bool || ct.isDyn else { throw noOverload("_?_:_", [ct]) }
            return try check(t).join(try check(f))
        case .list(let elems, let opts):
            var elem: CELStaticType?
            for (i, x) in elems.enumerated() {
                var t = try check(x)
                if opts[i] {
                    if case .optional(let inner) = t { t = inner } else if !t.isDyn { throw fail("optional list element must be an optional, not \(t)") }
                }
                elem = elem.map { $0.join(t) } ?? t
            }
            return .list(elem ?? .unconstrained)
        case .map(let entries):
            var kt: CELStaticType?, vt: CELStaticType?
            for en in entries {
                let k = try check(en.key)
                switch k {
                case .int, .uint, .bool, .string, .dyn, .unconstrained: break
                default: throw fail("unsupported map key type: \(k)")
                }
                var v = try check(en.value)
                if en.optional, case .optional(let inner) = v { v = inner }
                kt = kt.map { $0.join(k) } ?? k
                vt = vt.map { $0.join(v) } ?? v
            }
            return .map(kt ?? .unconstrained, vt ?? .unconstrained)
        case .message: return .dyn
        case .comprehension(let c): return try comprehension(c)
        case .call(let target, let name, let args):
            if let target, let ns = target.qualifiedName, !ns.hasPrefix("."), local(String(ns.split(separator: ".")[0])) == nil,
               env.declaredVariables?.contains(ns) != true, StandardLibrary.functions[ns + "." + name] != nil || env.functions[ns + "." + name] != nil {
                var ts: [CELStaticType] = []
                for a in args { ts.append(try check(a)) }
                return try call(ns + "." + name, ts)
            }
            var ts: [CELStaticType] = []
            if let target { ts.append(try check(target)) }
            for a in args { ts.append(try check(a)) }
            return try call(name.hasPrefix(".") ? String(name.dropFirst()) : name, ts)
        }
    }

    /// A name that is a comprehension variable, a declared variable or a type name.
    func resolve(_ q: String) -> CELStaticType? {
        let parts = q.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        if !q.hasPrefix("."), let t = local(first) {
            return parts.count == 1 ? t : nil
        }
        if let declared = env.declaredVariables {
            let name = q.hasPrefix(".") ? String(q.dropFirst()) : q
            if declared.contains(name) { return env.variableTypes[name] ?? .dyn }
        }
        if typeNames[q] != nil && parts.count >= 1 { return .type }
        return nil
    }

    func select(_ t: CELStaticType, _ field: String, testOnly: Bool, optional: Bool) throws(CELProgramError) -> CELStaticType {
        let result: CELStaticType
        switch t {
        case .dyn, .unconstrained: result = .dyn
        case .map(let k, let v):
            guard k == .string || k.isDyn else { throw fail("type '\(t)' does not support field selection") }
            result = v
        case .optional(let inner):
            return testOnly ? .bool : .optional(try select(inner, field, testOnly: false, optional: false).unwrapOptional)
        case .object: result = .dyn
        default: throw fail("type '\(t)' does not support field selection")
        }
        if testOnly { return .bool }
        return optional ? .optional(result) : result
    }

    func index(_ t: CELStaticType, _ i: CELStaticType, optional: Bool) throws(CELProgramError) -> CELStaticType {
        let result: CELStaticType
        switch t {
        case .dyn, .unconstrained: result = .dyn
        case .list(let e):
            guard i == .int || i == .uint || i.isDyn else { throw noOverload("_[_]", [t, i]) }
            result = e
        case .map(let k, let v):
            guard k.isDyn || i.isDyn || k == i || (k.isNumber && i.isNumber) else { throw noOverload("_[_]", [t, i]) }
            result = v
        case .optional(let inner): return .optional(try index(inner, i, optional: false).unwrapOptional)
        default: throw noOverload("_[_]", [t, i])
        }
        return optional ? .optional(result) : result
    }

    func binary(_ op: BinaryOp, _ a: CELStaticType, _ b: CELStaticType) throws(CELProgramError) -> CELStaticType {
        switch op {
        case .eq, .ne: return .bool
        case .in:
            switch b {
            case .list, .map, .dyn, .unconstrained: return .bool
            default: throw noOverload("@in", [a, b])
            }
        case .lt, .le, .gt, .ge:
            if a.isDyn || b.isDyn || (a.isNumber && b.isNumber) { return .bool }
            switch (a, b) {
            case (.string, .string), (.bytes, .bytes), (.bool, .bool), (.timestamp, .timestamp), (.duration, .duration): return .bool
            default: throw noOverload(op.rawValue, [a, b])
            }
        case .add, .sub, .mul, .div, .mod:
            if a.isDyn || b.isDyn {
                // One side known can still fix the result (timestamp - dyn is not knowable).
                return .dyn
            }
            switch (op, a, b) {
            case (_, .int, .int), (_, .uint, .uint): return a
            case (.add, .double, .double), (.sub, .double, .double), (.mul, .double, .double), (.div, .double, .double): return a
            case (.add, .string, .string), (.add, .bytes, .bytes): return a
            case (.add, .list(let x), .list(let y)): return .list(x.join(y))
            case (.add, .timestamp, .duration), (.add, .duration, .timestamp): return .timestamp
            case (.add, .duration, .duration), (.sub, .duration, .duration): return .duration
            case (.sub, .timestamp, .duration): return .timestamp
            case (.sub, .timestamp, .timestamp): return .duration
            default: throw noOverload(op.rawValue, [a, b])
            }
        }
    }

    mutating func comprehension(_ c: Comprehension) throws(CELProgramError) -> CELStaticType {
        let range = try check(c.range)
        let saved = locals
        defer { locals = saved }
        switch c.kind {
        case .bind:
            locals.append((c.var1, range))
            return try check(c.args[0])
        case .optMap, .optFlatMap:
            var inner = CELStaticType.dyn
            switch range {
            case .optional(let t): inner = t
            case .dyn, .unconstrained: break
            default: throw noOverload(c.kind == .optMap ? "optMap" : "optFlatMap", [range])
            }
            locals.append((c.var1, inner))
            let body = try check(c.args[0])
            if c.kind == .optMap { return .optional(body) }
            switch body {
            case .optional, .dyn, .unconstrained: return body
            default: throw fail("optFlatMap() must return an optional, not \(body)")
            }
        default: break
        }
        var v1 = CELStaticType.dyn, v2 = CELStaticType.dyn, elem = CELStaticType.dyn
        switch range {
        case .list(let e): elem = e; if c.var2 != nil { v1 = .int; v2 = e } else { v1 = e }
        case .map(let k, let v): elem = k; v1 = k; v2 = v
        case .dyn, .unconstrained: break
        default: throw fail("expression of type '\(range)' cannot be the range of a comprehension (must be list, map, or dynamic)")
        }
        locals.append((c.var1, v1))
        if let n2 = c.var2 { locals.append((n2, v2)) }
        var bodies: [CELStaticType] = []
        for a in c.args { bodies.append(try check(a)) }
        switch c.kind {
        case .all, .exists, .existsOne:
            guard bodies[0] == .bool || bodies[0].isDyn else { throw fail("the predicate of a macro must be a bool, not \(bodies[0])") }
            return .bool
        case .map: return .list(bodies[0])
        case .mapFilter, .filter:
            guard bodies[0] == .bool || bodies[0].isDyn else { throw fail("the filter of a macro must be a bool, not \(bodies[0])") }
            return c.kind == .filter ? .list(elem) : .list(bodies[1])
        case .transformList: return .list(bodies[bodies.count - 1])
        case .transformMap: return .map(v1, bodies[bodies.count - 1])
        default: return .dyn
        }
    }

    static let accessors: Set<String> = ["getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds"]

    func call(_ name: String, _ a: [CELStaticType]) throws(CELProgramError) -> CELStaticType {
        func all(_ ok: (CELStaticType) -> Bool) -> Bool { a.allSatisfy { $0.isDyn || ok($0) } }
        func stringy(_ t: CELStaticType) -> Bool { t == .string }
        switch name {
        case "size":
            guard a.count == 1 else { break }
            switch a[0] {
            case .string, .bytes, .list, .map, .dyn, .unconstrained: return .int
            default: throw noOverload(name, a)
            }
        case "contains", "startsWith", "endsWith", "matches":
            guard a.count == 2, all(stringy) else { throw noOverload(name, a) }
            return .bool
        case "int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration":
            guard a.count == 1 else { throw noOverload(name, a) }
            let results: [String: CELStaticType] = ["int": .int, "uint": .uint, "double": .double, "string": .string, "bytes": .bytes,
                                                   "bool": .bool, "timestamp": .timestamp, "duration": .duration]
            return results[name] ?? .dyn
        case "type": return .type
        case "dyn": return .dyn
        case "optional.of", "optional.ofNonZeroValue":
            return a.count == 1 ? .optional(a[0]) : .dyn
        case "optional.none": return .optional(.unconstrained)
        case "hasValue": return .bool
        case "value":
            if a.count == 1, case .optional(let t) = a[0] { return t }
            return .dyn
        case "orValue":
            if a.count == 2, case .optional(let t) = a[0] { return t.join(a[1]) }
            return .dyn
        case "or":
            if a.count == 2, case .optional = a[0] { return a[0].join(a[1]) }
            return .dyn
        case "lowerAscii", "upperAscii", "trim", "charAt", "substring", "replace", "strings.quote":
            guard let f = a.first, stringy(f) || f.isDyn else { throw noOverload(name, a) }
            return .string
        case "split":
            guard let f = a.first, stringy(f) || f.isDyn else { throw noOverload(name, a) }
            return .list(.string)
        default:
            if Self.accessors.contains(name) {
                guard let f = a.first, f == .timestamp || f == .duration || f.isDyn else { throw noOverload(name, a) }
                return .int
            }
        }
        return .dyn
    }
}

extension CELStaticType {
    /// Optional chaining does not nest optionals.
    var unwrapOptional: CELStaticType {
        if case .optional(let t) = self { return t }
        return self
    }
}

extension CELProgram {
    /// The static type checked mode inferred (`dyn` in dynamic mode or when unknowable).
    public var resultType: CELStaticType { checkedType.resolved }
}
