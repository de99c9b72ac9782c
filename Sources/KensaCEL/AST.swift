// The parsed expression tree. Macros (has, all, exists, …) are expanded by the parser into
// `.comprehension` / `.select(testOnly:)` nodes, as cel-spec describes.

enum UnaryOp: Sendable { case not, negate }

enum BinaryOp: String, Sendable {
    case add = "_+_", sub = "_-_", mul = "_*_", div = "_/_", mod = "_%_"
    case eq = "_==_", ne = "_!=_", lt = "_<_", le = "_<=_", gt = "_>_", ge = "_>=_"
    case `in` = "@in"
}

enum ComprehensionKind: Sendable {
    case all, exists, existsOne, map, mapFilter, filter
    case optMap, optFlatMap
    case transformList, transformMap // two-variable forms; args are [transform] or [filter, transform]
    case bind
}

struct Comprehension: Sendable {
    var kind: ComprehensionKind
    var range: Expr
    var var1: String
    var var2: String? // two-variable form: (index|key, value)
    var args: [Expr] // predicate / transform (mapFilter: [filter, transform]; bind: [body])
}

struct MapEntry: Sendable {
    var key: Expr
    var value: Expr
    var optional: Bool
}

indirect enum ExprKind: Sendable {
    case literal(CELValue)
    case ident(String) // a leading "." marks a root-qualified name
    case select(Expr, field: String, testOnly: Bool, optional: Bool)
    case index(Expr, Expr, optional: Bool)
    case call(target: Expr?, function: String, args: [Expr])
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case conditional(Expr, Expr, Expr)
    case list([Expr], optional: [Bool])
    case map([MapEntry])
    case message(String, [(String, Expr, Bool)])
    case comprehension(Comprehension)
}

struct Expr: Sendable {
    var id: Int64
    var offset: Int
    var depth: Int
    var kind: ExprKind
}

extension Expr {
    /// The dotted name of an ident/select chain (`a.b.c`), or nil when it is anything else.
    var qualifiedName: String? {
        switch kind {
        case .ident(let n): return n
        case .select(let operand, let field, let testOnly, let optional):
            guard !testOnly, !optional, let base = operand.qualifiedName else { return nil }
            return base + "." + field
        default: return nil
        }
    }
}
