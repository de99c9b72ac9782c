// Public surface: an environment compiles expression text into a program; a program is
// evaluated many times against activations. Programs are immutable and thread-safe.

/// Limits that bound one program (compile time) and one evaluation (run time).
public struct CELLimits: Sendable, Equatable {
    /// Longest accepted expression text, in UTF-8 bytes.
    public var maxExpressionLength: Int = 100_000
    /// Deepest accepted nesting of the expression tree.
    public var maxNestingDepth: Int = 128
    /// Cost units one evaluation may spend: a comprehension iteration costs one plus the
    /// operators, calls and selections of its body; calls and operators cost one plus a share
    /// of the size of the strings, bytes and lists they handle. The default is Kubernetes'
    /// per-expression limit (PerCallLimit, 1,000,000).
    public var costBudget: UInt64 = 1_000_000
    /// Largest string (bytes), byte string or list an evaluation may build.
    public var maxValueSize: Int = 10_000_000
    /// Largest input an activation may hold, counted by `CELActivation.validate`: list and
    /// map elements plus string and bytes lengths, over all variables.
    public var maxInputSize: Int = 50_000_000
    /// Deepest nesting of lists and maps in an input.
    public var maxInputDepth: Int = 256
    public init() {}
    public init(maxExpressionLength: Int = 100_000, maxNestingDepth: Int = 128, costBudget: UInt64 = 1_000_000,
                maxValueSize: Int = 10_000_000, maxInputSize: Int = 50_000_000, maxInputDepth: Int = 256) {
        self.maxExpressionLength = maxExpressionLength
        self.maxNestingDepth = maxNestingDepth
        self.costBudget = costBudget
        self.maxValueSize = maxValueSize
        self.maxInputSize = maxInputSize
        self.maxInputDepth = maxInputDepth
    }
}

/// Variables for one evaluation.
public struct CELActivation: Sendable {
    public var variables: [String: CELValue]
    /// Names whose value is not known (partial evaluation): references yield `.unknown`.
    public var unknownNames: Set<String>
    public init(_ variables: [String: CELValue] = [:], unknownNames: Set<String> = []) {
        self.variables = variables
        self.unknownNames = unknownNames
    }
}

extension CELActivation {
    /// Checks the variables against `limits.maxInputSize` and `maxInputDepth`. Call it once for
    /// untrusted input (a manifest, an audit event) before evaluating programs over it;
    /// `evaluate` itself does not walk the input, to stay fast.
    public func validate(_ limits: CELLimits) throws(CELProgramError) {
        for name in variables.keys.sorted() {
            guard let root = variables[name] else { continue }
            var size = 0
            var stack: [(CELValue, Int)] = [(root, 0)]
            while let (v, depth) = stack.popLast() {
                if depth > limits.maxInputDepth { throw .inputTooLarge(name: name, limit: limits.maxInputDepth) }
                switch v {
                case .string(let s): size += s.utf8.count
                case .bytes(let b): size += b.count
                case .list(let l):
                    size += l.count
                    for e in l { stack.append((e, depth + 1)) }
                case .map(let m):
                    size += m.count
                    for i in 0..<m.count { stack.append((m.keys[i], depth + 1)); stack.append((m.values[i], depth + 1)) }
                case .optional(let o): if let o { stack.append((o, depth + 1)) }
                default: size += 1
                }
                if size > limits.maxInputSize { throw .inputTooLarge(name: name, limit: limits.maxInputSize) }
            }
        }
    }
}

/// Declarations and options used to compile programs.
public struct CELEnvironment: Sendable {
    /// Namespace used to resolve unqualified names (`a.b` makes `x` try `a.b.x`, `a.x`, `x`).
    public var container: String
    /// Declared variable names. When set, a reference to anything else (that is not a type
    /// name) is a compile error: this is the "checked" mode.
    public var declaredVariables: Set<String>?
    /// Static types of declared variables for the checker; undeclared types are `dyn`.
    public var variableTypes: [String: CELStaticType]
    public var limits: CELLimits
    /// Extra functions (by name) beside the standard library and extensions.
    public var functions: [String: CELFunction]

    public init(container: String = "", declaredVariables: Set<String>? = nil, variableTypes: [String: CELStaticType] = [:],
                limits: CELLimits = CELLimits(), functions: [String: CELFunction] = [:]) {
        self.container = container
        self.declaredVariables = declaredVariables
        self.variableTypes = variableTypes
        self.limits = limits
        self.functions = functions
    }

    /// Parses and compiles `text`.
    public func compile(_ text: String) throws(CELProgramError) -> CELProgram {
        let n = text.utf8.count
        if n > limits.maxExpressionLength { throw .expressionTooLong(length: n, limit: limits.maxExpressionLength) }
        let ast = try Parser.parse(text, maxDepth: limits.maxNestingDepth)
        var c = Compiler(env: self)
        let root = try c.compile(ast)
        var type = CELStaticType.dyn
        if declaredVariables != nil {
            var checker = Checker(env: self)
            type = try checker.check(ast)
        }
        return CELProgram(root: root, slots: c.slotCount, limits: limits, ast: ast, env: self, checkedType: type)
    }
}

/// A compiled expression.
public final class CELProgram: Sendable {
    let root: Node
    let slots: Int
    public let limits: CELLimits
    /// The parsed tree, kept to explain results (`fieldPath`).
    let ast: Expr
    let env: CELEnvironment
    let checkedType: CELStaticType

    init(root: Node, slots: Int, limits: CELLimits, ast: Expr, env: CELEnvironment, checkedType: CELStaticType = .dyn) {
        self.root = root
        self.slots = slots
        self.limits = limits
        self.ast = ast
        self.env = env
        self.checkedType = checkedType
    }

    /// Evaluates the program. The result may be an error value (`.error`) or `.unknown`;
    /// exceeding a limit throws instead, so that no operator can absorb it.
    public func evaluate(_ activation: CELActivation) throws(CELProgramError) -> CELValue {
        let f = Frame(slots: slots, activation: activation, limits: limits)
        let v = root.eval(f)
        if let a = f.aborted { throw a }
        return v
    }

    /// Evaluates and also returns the cost spent.
    public func evaluateWithCost(_ activation: CELActivation) throws(CELProgramError) -> (CELValue, UInt64) {
        let f = Frame(slots: slots, activation: activation, limits: limits)
        let v = root.eval(f)
        if let a = f.aborted { throw a }
        return (v, f.cost)
    }
}

/// A function the interpreter can call: it receives evaluated arguments (receiver first).
public struct CELFunction: Sendable {
    public let name: String
    let impl: @Sendable ([CELValue], Frame) -> CELValue
    init(_ name: String, _ impl: @escaping @Sendable ([CELValue], Frame) -> CELValue) {
        self.name = name
        self.impl = impl
    }
    /// A custom function over evaluated arguments.
    public init(name: String, _ body: @escaping @Sendable ([CELValue]) -> CELValue) {
        self.name = name
        self.impl = { args, _ in body(args) }
    }
}

let typeNames: [String: CELType] = [
    "int": .int, "uint": .uint, "double": .double, "bool": .bool, "string": .string, "bytes": .bytes,
    "list": .list, "map": .map, "null_type": .null, "type": .type,
    "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration, "optional_type": .optional,
    "net.IP": CELType(name: "net.IP"), "net.CIDR": CELType(name: "net.CIDR"), "kubernetes.URL": CELType(name: "kubernetes.URL"),
    "kubernetes.Quantity": CELType(name: "kubernetes.Quantity"), "kubernetes.Semver": CELType(name: "kubernetes.Semver"),
]

struct Compiler {
    let env: CELEnvironment
    var slotCount = 0
    var scopes: [(String, Int)] = []

    init(env: CELEnvironment) { self.env = env }

    func local(_ name: String) -> Int? {
        for (n, s) in scopes.reversed() where n == name { return s }
        return nil
    }

    mutating func newSlot(_ name: String) -> Int {
        let s = slotCount
        slotCount += 1
        scopes.append((name, s))
        return s
    }

    /// Candidate fully-qualified names for `name` in the container, most specific first.
    func containerCandidates(_ name: String) -> [String] {
        if name.hasPrefix(".") { return [String(name.dropFirst())] }
        var out: [String] = []
        var parts = env.container.isEmpty ? [] : env.container.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            out.append(parts.joined(separator: ".") + "." + name)
            parts.removeLast()
        }
        out.append(name)
        return out
    }

    func function(_ name: String) -> CELFunction? {
        if let f = env.functions[name] { return f }
        return StandardLibrary.functions[name]
    }

    mutating func compile(_ e: Expr) throws(CELProgramError) -> Node {
        switch e.kind {
        case .literal(let v): return ConstNode(id: e.id, v)
        case .ident, .select:
            if let n = try qualified(e) { return n }
            guard case .select(let operand, let field, let testOnly, let optional) = e.kind else {
                return ErrorNode(id: e.id, CELError(.invalidArgument, "internal: bad identifier"))
            }
            return SelectNode(id: e.id, try compile(operand), field, testOnly: testOnly, optional: optional)
        case .index(let c, let i, let optional):
            return IndexNode(id: e.id, try compile(c), try compile(i), optional: optional)
        case .unary(let op, let x):
            let n = try compile(x)
            if op == .not { return NotNode(id: e.id, n) }
            return NegateNode(id: e.id, n)
        case .binary(let op, let l, let r):
            return BinaryNode(id: e.id, op, try compile(l), try compile(r))
        case .and(let l, let r): return AndNode(id: e.id, try compile(l), try compile(r))
        case .or(let l, let r): return OrNode(id: e.id, try compile(l), try compile(r))
        case .conditional(let c, let t, let f):
            return CondNode(id: e.id, try compile(c), try compile(t), try compile(f))
        case .list(let elems, let opts):
            var nodes: [Node] = []
            for x in elems { nodes.append(try compile(x)) }
            if !opts.contains(true), nodes.allSatisfy({ $0 is ConstNode }) {
                // Constant lists are built once, not per evaluation.
                return ConstNode(id: e.id, .list(nodes.compactMap { ($0 as? ConstNode)?.value }))
            }
            return ListNode(id: e.id, nodes, opts)
        case .map(let entries):
            var ks: [Node] = [], vs: [Node] = [], os: [Bool] = []
            for en in entries {
                ks.append(try compile(en.key))
                vs.append(try compile(en.value))
                os.append(en.optional)
            }
            return MapNode(id: e.id, ks, vs, os)
        case .message(let name, _):
            return ErrorNode(id: e.id, CELError(.undeclaredReference, "unknown type '\(name)': message types are not supported"))
        case .comprehension(let c):
            let range = try compile(c.range)
            let saved = scopes
            defer { scopes = saved }
            let s1 = newSlot(c.var1)
            let s2 = c.var2.map { newSlot($0) }
            var args: [Node] = []
            for a in c.args { args.append(try compile(a)) }
            let iterationCost = 1 + c.args.reduce(0) { $0 + Self.staticCost($1) }
            return ComprehensionNode(id: e.id, kind: c.kind, range: range, slot1: s1, slot2: s2, args: args, iterationCost: UInt64(iterationCost))
        case .call(let target, let name, let args):
            return try call(e, target, name, args)
        }
    }

    /// Operators, calls, selections and constructions in `e`, not counting literals and
    /// variables; a nested comprehension counts once (its iterations charge themselves).
    static func staticCost(_ e: Expr) -> Int {
        switch e.kind {
        case .literal, .ident: return 0
        case .select(let x, _, _, _): return 1 + staticCost(x)
        case .index(let a, let b, _): return 1 + staticCost(a) + staticCost(b)
        case .call(let t, _, let args): return 1 + (t.map(staticCost) ?? 0) + args.reduce(0) { $0 + staticCost($1) }
        case .unary(_, let x): return 1 + staticCost(x)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b): return 1 + staticCost(a) + staticCost(b)
        case .conditional(let a, let b, let c): return staticCost(a) + max(staticCost(b), staticCost(c))
        case .list(let xs, _): return 1 + xs.reduce(0) { $0 + staticCost($1) }
        case .map(let es): return 1 + es.reduce(0) { $0 + staticCost($1.key) + staticCost($1.value) }
        case .message: return 1
        case .comprehension(let c): return 1 + staticCost(c.range)
        }
    }

    /// Resolves an ident/select chain whose root is not a comprehension variable.
    mutating func qualified(_ e: Expr) throws(CELProgramError) -> Node? {
        guard let q = e.qualifiedName else { return nil }
        var parts = q.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        let rooted = q.hasPrefix(".")
        guard !parts.isEmpty else { return nil }
        if !rooted, let slot = local(parts[0]) {
            var n: Node = LocalNode(id: e.id, slot: slot)
            for fld in parts.dropFirst() { n = SelectNode(id: e.id, n, fld, testOnly: false, optional: false) }
            return n
        }
        var candidates: [(String, [String])] = []
        var rest: [String] = []
        while !parts.isEmpty {
            let name = (rooted ? "." : "") + parts.joined(separator: ".")
            for c in containerCandidates(name) { candidates.append((c, rest)) }
            rest.insert(parts.removeLast(), at: 0)
        }
        var fallback: CELValue?
        for (c, r) in candidates where r.isEmpty {
            if let t = typeNames[c] { fallback = .type(t); break }
        }
        if let declared = env.declaredVariables {
            // Checked mode: resolve now, fail on names nobody declared.
            if let hit = candidates.first(where: { declared.contains($0.0) }) {
                var n: Node = VarNode(id: e.id, name: hit.0, fallbackType: nil)
                for fld in hit.1 { n = SelectNode(id: e.id, n, fld, testOnly: false, optional: false) }
                return n
            }
            if let fallback { return ConstNode(id: e.id, fallback) }
            throw .undeclaredReference(q)
        }
        if candidates.count == 1 {
            return VarNode(id: e.id, name: candidates[0].0, fallbackType: fallback)
        }
        return NameNode(id: e.id, candidates: candidates, fallbackType: fallback, display: q)
    }

    mutating func call(_ e: Expr, _ target: Expr?, _ name: String, _ args: [Expr]) throws(CELProgramError) -> Node {
        // Namespaced global functions written as receiver calls: math.greatest(…), strings.quote(…)
        if let target, let ns = target.qualifiedName, !ns.hasPrefix("."), local(String(ns.split(separator: ".")[0])) == nil,
           env.declaredVariables?.contains(ns) != true,
           let fn = function(ns + "." + name) {
            return try makeCall(e, fn, args)
        }
        var all: [Expr] = []
        if let target { all.append(target) }
        all.append(contentsOf: args)
        let fname = name.hasPrefix(".") ? String(name.dropFirst()) : name
        if target != nil && (fname == "or" || fname == "orValue") && args.count == 1 {
            return OptionalOrNode(id: e.id, try compile(all[0]), try compile(all[1]), orValue: fname == "orValue")
        }
        if fname == "matches" || fname == "find" || fname == "findAll", all.count >= 2,
           case .literal(.string(let pattern)) = all[1].kind {
            // Compile a constant pattern once, at program compile time.
            var nodes: [Node] = []
            for a in all { nodes.append(try compile(a)) }
            switch Regex.compile(pattern) {
            case .success(let re):
                return CallNode(id: e.id, RegexFunctions.prepared(fname, re), nodes)
            case .failure(let err):
                return ErrorNode(id: e.id, err)
            }
        }
        guard let fn = function(fname) else {
            // Checked mode rejects unknown functions up front (a typo in a policy is a compile
            // error); dynamic mode reports them when reached, as cel-spec's plumbing tests expect.
            if env.declaredVariables != nil { throw .unknownFunction(fname) }
            return ErrorNode(id: e.id, CELError(.unboundFunction, "unbound function: \(fname)"))
        }
        return try makeCall(e, fn, all)
    }

    mutating func makeCall(_ e: Expr, _ fn: CELFunction, _ args: [Expr]) throws(CELProgramError) -> Node {
        var nodes: [Node] = []
        for a in args { nodes.append(try compile(a)) }
        if nodes.count == 1 { return Call1Node(id: e.id, fn, nodes[0]) }
        return CallNode(id: e.id, fn, nodes)
    }
}
