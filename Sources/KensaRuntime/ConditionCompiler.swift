#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Turns an expanded condition (no macros, lists resolved) into one closure per rule. Fields are
// bound to their extractors here, once; evaluating an event never looks at the condition text.

public typealias Predicate<Event> = @Sendable (EvalContext<Event>) -> Bool

/// One evaluation of all rules of a source over one event. Sub-conditions shared by several
/// rules (macros such as `kevt`, or the same comparison) are computed once per event: each gets
/// a memo slot at compile time.
public final class EvalContext<Event> {
    public let event: Event
    /// 0 = not computed, 1 = false, 2 = true. A raw buffer: an Array here cost a retain,
    /// a uniqueness check and an exclusivity check per lookup in profiles.
    let memo: UnsafeMutablePointer<UInt8>

    init(event: Event, slots: Int) {
        self.event = event
        memo = .allocate(capacity: max(slots, 1))
        memo.initialize(repeating: 0, count: max(slots, 1))
    }

    deinit { memo.deallocate() }
}

/// Hands out memo slots, one per distinct sub-condition, across all rules of one source.
final class MemoSlots {
    private var slots: [String: Int] = [:]
    private var occurrences: [String: Int] = [:]
    var count: Int { slots.count }

    /// Counts the sub-conditions of one rule; only those that occur more than once get a slot.
    func count(_ node: ConditionNode) {
        switch node {
        case .and(let parts), .or(let parts): parts.forEach(count)
        case .not(let inner): count(inner); return
        default: break
        }
        occurrences[String(describing: node), default: 0] += 1
    }

    func slot(for node: ConditionNode) -> Int? {
        let key = String(describing: node)
        guard occurrences[key, default: 0] > 1 else { return nil }
        if let s = slots[key] { return s }
        let s = slots.count
        slots[key] = s
        return s
    }
}

enum CompileIssue: Error, Equatable {
    case wrongType(String)
}

struct ConditionCompiler<Event> {
    let table: FieldTable<Event>
    let memo: MemoSlots

    /// Every field the condition uses that the table does not know, in order of appearance.
    func unsupportedFields(_ node: ConditionNode) -> [String] {
        var out: [String] = []
        func visit(_ n: ConditionNode) {
            switch n {
            case .and(let parts), .or(let parts): parts.forEach(visit)
            case .not(let inner): visit(inner)
            case .macro: break
            case .exists(let f, _): check(f)
            case .compare(let f, let op, let operand, _):
                check(f)
                if op == .regex, !out.contains("operator regex") { out.append("operator regex") }
                if case .field(let g) = operand { check(g) }
            }
        }
        func check(_ f: FieldRef) {
            if bind(f) == nil, !out.contains(f.display) { out.append(f.display) }
        }
        visit(node)
        return out
    }

    func bind(_ ref: FieldRef) -> BoundField<Event>? {
        for t in ref.transformers where !ConditionParser.transformerNames.contains(t) { return nil }
        var plain = ref
        plain.transformers = []
        guard let field = table.bind(plain) else { return nil }
        return Transformers.wrap(field, with: ref.transformers)
    }

    func compile(_ node: ConditionNode) throws(CompileIssue) -> Predicate<Event> {
        if case .not = node { return try compileNode(node) }
        let inner = try compileNode(node)
        guard let slot = memo.slot(for: node) else { return inner }
        return { ctx in
            let m = ctx.memo[slot]
            if m != 0 { return m == 2 }
            let r = inner(ctx)
            ctx.memo[slot] = r ? 2 : 1
            return r
        }
    }

    func compileNode(_ node: ConditionNode) throws(CompileIssue) -> Predicate<Event> {
        switch node {
        case .and(let parts):
            let ps = try parts.map { (p) throws(CompileIssue) -> Predicate<Event> in try compile(p) }
            if ps.count == 2 { let a = ps[0], b = ps[1]; return { a($0) && b($0) } }
            return { e in
                ps.withUnsafeBufferPointer { b in
                    for i in 0..<b.count where !b[i](e) { return false }
                    return true
                }
            }
        case .or(let parts):
            let ps = try parts.map { (p) throws(CompileIssue) -> Predicate<Event> in try compile(p) }
            if ps.count == 2 { let a = ps[0], b = ps[1]; return { a($0) || b($0) } }
            return { e in
                ps.withUnsafeBufferPointer { b in
                    for i in 0..<b.count where b[i](e) { return true }
                    return false
                }
            }
        case .not(let inner):
            let p = try compile(inner)
            return { !p($0) }
        case .macro(let name, _):
            throw .wrongType("macro '\(name)' was not expanded")
        case .exists(let ref, _):
            guard let field = bind(ref) else { throw .wrongType("unknown field '\(ref.display)'") }
            let extract = field.extract
            return { ctx in
                if case .missing = extract(ctx.event) { return false }
                return true
            }
        case .compare(let ref, let op, let operand, _):
            guard let field = bind(ref) else { throw .wrongType("unknown field '\(ref.display)'") }
            return try compare(field, op, operand)
        }
    }

    func compare(_ field: BoundField<Event>, _ op: CompareOperator, _ operand: Operand) throws(CompileIssue) -> Predicate<Event> {
        let extract = field.extract
        if case .field(let otherRef) = operand {
            guard let other = bind(otherRef) else { throw .wrongType("unknown field '\(otherRef.display)'") }
            let otherExtract = other.extract
            let numeric = field.type == .number && other.type == .number
            return { ctx in
                guard case .one(let a) = extract(ctx.event), case .one(let b) = otherExtract(ctx.event) else { return false }
                guard let m = try? Matchers.make(op, value: b, numeric: numeric) else { return false }
                return m(a)
            }
        }
        let matcher: @Sendable (String) -> Bool
        switch operand {
        case .field: throw .wrongType("unreachable")
        case .value(let v):
            if op.takesList { throw .wrongType("'\(op.rawValue)' needs a list") }
            if field.type == .number, !Matchers.numericOperators.contains(op) {
                throw .wrongType("operator '\(op.rawValue)' does not apply to numeric field '\(field.name)'")
            }
            matcher = try Matchers.make(op, value: v, numeric: field.type == .number)
        case .list(let items):
            if !op.takesList {
                throw .wrongType("operator '\(op.rawValue)' takes a single value, not a list, for '\(field.name)'")
            }
            matcher = try Matchers.makeSet(op, items: items.map(\.text), numeric: field.type == .number, field: field.name)
        }
        switch op {
        case .in:
            return { ctx in
                switch extract(ctx.event) {
                case .missing: return false
                case .one(let s): return matcher(s)
                case .many(let items): return !items.isEmpty && items.allSatisfy(matcher)
                }
            }
        case .ne:
            return { ctx in
                switch extract(ctx.event) {
                case .missing: return false
                case .one(let s): return matcher(s)
                case .many(let items): return !items.isEmpty && items.allSatisfy(matcher)
                }
            }
        default:
            return { ctx in
                switch extract(ctx.event) {
                case .missing: return false
                case .one(let s): return matcher(s)
                case .many(let items): return items.contains(where: matcher)
                }
            }
        }
    }
}

enum Matchers {
    static let numericOperators: Set<CompareOperator> = [.eq, .ne, .lt, .le, .gt, .ge, .in, .intersects]

    static func number(_ s: String) -> Int64? {
        if let v = Int64(s) { return v }
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return Int64(s.dropFirst(2), radix: 16) }
        if let d = Double(s), d.isFinite, abs(d) < 9.2e18 { return Int64(d) }
        return nil
    }

    static func make(_ op: CompareOperator, value v: String, numeric: Bool) throws(CompileIssue) -> @Sendable (String) -> Bool {
        if numeric {
            guard let n = number(v) else { throw .wrongType("'\(v)' is not a number") }
            switch op {
            case .eq: return { number($0) == n }
            case .ne: return { number($0).map { $0 != n } ?? false }
            case .lt: return { number($0).map { $0 < n } ?? false }
            case .le: return { number($0).map { $0 <= n } ?? false }
            case .gt: return { number($0).map { $0 > n } ?? false }
            case .ge: return { number($0).map { $0 >= n } ?? false }
            default: throw .wrongType("operator '\(op.rawValue)' does not apply to numbers")
            }
        }
        switch op {
        case .eq: return { $0 == v }
        case .ne: return { $0 != v }
        case .lt: return { $0 < v }
        case .le: return { $0 <= v }
        case .gt: return { $0 > v }
        case .ge: return { $0 >= v }
        case .contains: return { contains($0, v) }
        case .icontains:
            let lower = v.lowercased()
            return { contains($0.lowercased(), lower) }
        case .startswith: return { $0.hasPrefix(v) }
        case .endswith: return { $0.hasSuffix(v) }
        case .bcontains, .bstartswith:
            guard let bytes = hexBytes(v) else { throw .wrongType("'\(v)' is not a hex byte string") }
            if op == .bstartswith { return { Array($0.utf8).starts(with: bytes) } }
            return { containsBytes(Array($0.utf8), bytes) }
        case .glob: return { glob(v, $0, caseless: false) }
        case .iglob: return { glob(v, $0, caseless: true) }
        case .regex: throw .wrongType("operator regex is not supported")
        case .in, .intersects, .pmatch: throw .wrongType("'\(op.rawValue)' needs a list")
        }
    }

    static func makeSet(_ op: CompareOperator, items: [String], numeric: Bool, field: String) throws(CompileIssue) -> @Sendable (String) -> Bool {
        if op == .pmatch {
            let prefixes = items
            return { path in
                for p in prefixes {
                    if path == p { return true }
                    if p.hasSuffix("/") ? path.hasPrefix(p) : path.hasPrefix(p + "/") { return true }
                }
                return false
            }
        }
        if numeric {
            var set = Set<Int64>()
            for i in items {
                guard let n = number(i) else { throw .wrongType("'\(i)' is not a number for field '\(field)'") }
                set.insert(n)
            }
            let frozen = set
            return { number($0).map(frozen.contains) ?? false }
        }
        if items.count <= 4 {
            let small = items
            return { small.contains($0) }
        }
        let set = Set(items)
        return { set.contains($0) }
    }

    /// Substring test on UTF-8 bytes (case-sensitive, as Falco's `contains`); avoids Foundation's
    /// locale-aware search, which dominated profiles.
    static func contains(_ hay: String, _ needle: String) -> Bool {
        var h = hay, n = needle
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                if nb.isEmpty { return true }
                if hb.count < nb.count { return false }
                guard let h0 = hb.baseAddress, let n0 = nb.baseAddress else { return false }
                let first = Int32(nb[0])
                var i = 0
                let last = hb.count - nb.count
                while i <= last {
                    guard let hit = memchr(h0 + i, first, last - i + 1) else { return false }
                    let at = h0.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(h0 + at, n0, nb.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = hexDigit(chars[i]), let lo = hexDigit(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func containsBytes(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        if hay.count < needle.count { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }

    /// Shell-style matching as Falco's `glob` does with fnmatch(3) and no flags.
    static func glob(_ pattern: String, _ text: String, caseless: Bool) -> Bool {
        #if canImport(Glibc) || canImport(Darwin)
        let flags: Int32 = caseless ? 1 << 4 : 0  // FNM_CASEFOLD
        return fnmatch(pattern, text, flags) == 0
        #else
        return false
        #endif
    }
}
