// Explains a false result: the path of the field under `root` (usually `object`) that the
// failing part of the expression names, with the index of the first list element that
// failed an all() — "spec.template.spec.containers[1].securityContext.runAsNonRoot".
// It re-evaluates sub-expressions, so it is meant for the failure path, not the hot loop.

extension CELProgram {
    /// The field path the expression's failing part refers to, relative to `root`.
    public func fieldPath(_ activation: CELActivation, root: String = "object") -> String? {
        var explainer = FieldPathExplainer(env: CELEnvironment(container: env.container, limits: limits), activation: activation)
        guard let parts = explainer.locate(ast, roots: [root: []]) else { return nil }
        return FieldPathExplainer.render(parts)
    }
}

struct FieldPathExplainer {
    let env: CELEnvironment
    var activation: CELActivation
    var steps = 0

    /// A path rooted at one of `roots` (a variable bound to a known path), else nil.
    static func path(_ e: Expr, _ roots: [String: [String]]) -> [String]? {
        switch e.kind {
        case .ident(let n): return roots[n]
        case .select(let x, let field, _, _):
            return path(x, roots).map { $0 + [field] }
        case .index(let x, let i, _):
            guard let base = path(x, roots) else { return nil }
            switch i.kind {
            case .literal(.int(let n)): return base + ["[\(n)]"]
            case .literal(.string(let s)): return base + [s]
            default: return base
            }
        default: return nil
        }
    }

    static func render(_ parts: [String]) -> String {
        var out = ""
        for p in parts {
            if p.hasPrefix("[") { out += p } else { out += out.isEmpty ? p : "." + p }
        }
        return out
    }

    mutating func value(_ e: Expr) -> CELValue? {
        steps += 1
        if steps > 1000 { return nil }
        var c = Compiler(env: env)
        guard let node = try? c.compile(e) else { return nil }
        let program = CELProgram(root: node, slots: c.slotCount, limits: env.limits, ast: e, env: env)
        return try? program.evaluate(activation)
    }

    mutating func locate(_ e: Expr, roots: [String: [String]]) -> [String]? {
        if let p = Self.path(e, roots) { return p }
        switch e.kind {
        case .and(let l, let r):
            if case .bool(true)? = value(l) { return locate(r, roots: roots) ?? locate(l, roots: roots) }
            return locate(l, roots: roots) ?? locate(r, roots: roots)
        case .or(let l, let r):
            return locate(l, roots: roots) ?? locate(r, roots: roots)
        case .comprehension(let c) where c.kind == .all && c.var2 == nil:
            guard let base = Self.path(c.range, roots) ?? locate(c.range, roots: roots) else { return nil }
            guard case .list(let items)? = value(c.range) else { return base }
            let saved = activation
            defer { activation = saved }
            for (i, item) in items.enumerated() {
                activation.variables[c.var1] = item
                if case .bool(true)? = value(c.args[0]) { continue }
                var inner = roots
                inner[c.var1] = base + ["[\(i)]"]
                return locate(c.args[0], roots: inner) ?? base + ["[\(i)]"]
            }
            return base
        case .comprehension(let c):
            return Self.path(c.range, roots) ?? locate(c.range, roots: roots)
        case .select(let x, _, _, _): return locate(x, roots: roots)
        case .index(let x, let i, _): return locate(x, roots: roots) ?? locate(i, roots: roots)
        case .unary(_, let x): return locate(x, roots: roots)
        case .binary(_, let l, let r): return locate(l, roots: roots) ?? locate(r, roots: roots)
        case .conditional(let c, let t, let f):
            if case .bool(let b)? = value(c) { return locate(b ? t : f, roots: roots) ?? locate(c, roots: roots) }
            return locate(c, roots: roots)
        case .call(let t, _, let args):
            if let t, let p = locate(t, roots: roots) { return p }
            for a in args { if let p = locate(a, roots: roots) { return p } }
            return nil
        default: return nil
        }
    }
}
