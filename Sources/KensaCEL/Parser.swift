// Recursive-descent parser for the CEL grammar (cel-spec langdef "Syntax"), with macro
// expansion. Nesting is bounded: every recursive descent and every tree node counts against
// `maxDepth`, so hostile input ends with `CELProgramError.nestingTooDeep`, not a stack overflow.

struct Parser {
    private var tokens: [(Token, Int)]
    private var p = 0
    private var nextID: Int64 = 1
    private var recursion = 0
    private let maxDepth: Int
    private let lexer: Lexer

    static let reserved: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while", "in",
    ]

    static func parse(_ text: String, maxDepth: Int) throws(CELProgramError) -> Expr {
        var lexer = Lexer(text)
        let tokens: [(Token, Int)]
        do { tokens = try lexer.tokenize() } catch { throw .syntax(error) }
        var parser = Parser(tokens: tokens, maxDepth: maxDepth, lexer: lexer)
        let e = try parser.expr()
        guard case .eof = parser.tok else { throw parser.syntax("unexpected token '\(parser.tokText)'") }
        return e
    }

    private init(tokens: [(Token, Int)], maxDepth: Int, lexer: Lexer) {
        self.tokens = tokens
        self.maxDepth = maxDepth
        self.lexer = lexer
    }

    private var tok: Token { tokens[p].0 }
    private var offset: Int { tokens[p].1 }
    private var tokText: String {
        switch tok {
        case .ident(let s): return s
        case .quotedIdent(let s): return "`\(s)`"
        case .punct(let pu): return pu.rawValue
        case .eof: return "<EOF>"
        case .int(let v): return String(v)
        case .uint(let v): return "\(v)u"
        case .double(let d): return String(d)
        case .string: return "string literal"
        case .bytes: return "bytes literal"
        }
    }

    private func syntax(_ m: String, at: Int? = nil) -> CELProgramError {
        .syntax(lexer.error(m, at: at ?? offset))
    }

    private func isPunct(_ pu: Punct) -> Bool {
        if case .punct(let q) = tok, q == pu { return true }
        return false
    }

    private mutating func accept(_ pu: Punct) -> Bool {
        if isPunct(pu) { p += 1; return true }
        return false
    }

    private mutating func expect(_ pu: Punct) throws(CELProgramError) {
        guard accept(pu) else { throw syntax("expected '\(pu.rawValue)' but found '\(tokText)'") }
    }

    private mutating func make(_ kind: ExprKind, at off: Int, children: [Expr]) throws(CELProgramError) -> Expr {
        var d = 0
        for c in children where c.depth > d { d = c.depth }
        if d + 1 > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
        let id = nextID
        nextID += 1
        return Expr(id: id, offset: off, depth: d + 1, kind: kind)
    }

    // Expr = ConditionalOr ["?" ConditionalOr ":" Expr]
    private mutating func expr() throws(CELProgramError) -> Expr {
        recursion += 1
        defer { recursion -= 1 }
        if recursion > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
        let off = offset
        let c = try orExpr()
        if accept(.question) {
            let t = try orExpr()
            try expect(.colon)
            let f = try expr()
            return try make(.conditional(c, t, f), at: off, children: [c, t, f])
        }
        return c
    }

    /// Chains of `||` and `&&` are built as balanced trees (like cel-go), so a long chain
    /// does not make a deep tree; the operators are commutative in CEL.
    private mutating func balanced(_ items: [Expr], isAnd: Bool) throws(CELProgramError) -> Expr {
        if items.count == 1 { return items[0] }
        let mid = items.count / 2
        let l = try balanced(Array(items[..<mid]), isAnd: isAnd)
        let r = try balanced(Array(items[mid...]), isAnd: isAnd)
        return try make(isAnd ? .and(l, r) : .or(l, r), at: l.offset, children: [l, r])
    }

    private mutating func orExpr() throws(CELProgramError) -> Expr {
        var items = [try andExpr()]
        while accept(.or) { items.append(try andExpr()) }
        return try balanced(items, isAnd: false)
    }

    private mutating func andExpr() throws(CELProgramError) -> Expr {
        var items = [try relation()]
        while accept(.and) { items.append(try relation()) }
        return try balanced(items, isAnd: true)
    }

    private mutating func relation() throws(CELProgramError) -> Expr {
        var l = try addition()
        while true {
            let op: BinaryOp
            switch tok {
            case .punct(.eq): op = .eq
            case .punct(.ne): op = .ne
            case .punct(.lt): op = .lt
            case .punct(.le): op = .le
            case .punct(.gt): op = .gt
            case .punct(.ge): op = .ge
            case .ident("in"): op = .in
            default: return l
            }
            p += 1
            let r = try addition()
            l = try make(.binary(op, l, r), at: l.offset, children: [l, r])
        }
    }

    private mutating func addition() throws(CELProgramError) -> Expr {
        var l = try multiplication()
        while true {
            let op: BinaryOp
            if isPunct(.plus) { op = .add } else if isPunct(.minus) { op = .sub } else { return l }
            p += 1
            let r = try multiplication()
            l = try make(.binary(op, l, r), at: l.offset, children: [l, r])
        }
    }

    private mutating func multiplication() throws(CELProgramError) -> Expr {
        var l = try unary()
        while true {
            let op: BinaryOp
            if isPunct(.star) { op = .mul } else if isPunct(.slash) { op = .div } else if isPunct(.percent) { op = .mod } else { return l }
            p += 1
            let r = try unary()
            l = try make(.binary(op, l, r), at: l.offset, children: [l, r])
        }
    }

    private mutating func unary() throws(CELProgramError) -> Expr {
        if isPunct(.bang) || isPunct(.minus) {
            recursion += 1
            defer { recursion -= 1 }
            if recursion > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
            return try unaryOperator()
        }
        return try member(try primary())
    }

    private mutating func unaryOperator() throws(CELProgramError) -> Expr {
        let off = offset
        if accept(.bang) {
            let e = try unary()
            return try make(.unary(.not, e), at: off, children: [e])
        }
        if accept(.minus) {
            // A minus directly before a number literal is part of the literal, so that
            // -9223372036854775808 is representable.
            switch tok {
            case .int(let mag):
                p += 1
                let v: Int64
                if mag == UInt64(Int64.max) + 1 { v = Int64.min } else if mag <= UInt64(Int64.max) { v = -Int64(mag) } else {
                    throw syntax("integer literal out of range", at: off)
                }
                return try member(try make(.literal(.int(v)), at: off, children: []))
            case .double(let d):
                p += 1
                return try member(try make(.literal(.double(-d)), at: off, children: []))
            default:
                let e = try unary()
                return try make(.unary(.negate, e), at: off, children: [e])
            }
        }
        return try member(try primary())
    }

    private mutating func selectorName() throws(CELProgramError) -> (String, quoted: Bool) {
        switch tok {
        case .ident(let s): p += 1; return (s, false)
        case .quotedIdent(let s): p += 1; return (s, true)
        default: throw syntax("expected a field name but found '\(tokText)'")
        }
    }

    private mutating func member(_ start: Expr) throws(CELProgramError) -> Expr {
        var e = start
        while true {
            let off = offset
            if accept(.dot) {
                let optional = accept(.question)
                let (name, quoted) = try selectorName()
                if !optional && !quoted && isPunct(.lparen) {
                    p += 1
                    let args = try exprList(close: .rparen)
                    e = try receiverCall(e, name, args, at: off)
                } else {
                    e = try make(.select(e, field: name, testOnly: false, optional: optional), at: off, children: [e])
                }
            } else if accept(.lbracket) {
                let optional = accept(.question)
                let i = try expr()
                try expect(.rbracket)
                e = try make(.index(e, i, optional: optional), at: off, children: [e, i])
            } else if isPunct(.lbrace), let name = e.qualifiedName {
                p += 1
                e = try messageLiteral(name, at: off)
            } else {
                return e
            }
        }
    }

    private mutating func exprList(close: Punct) throws(CELProgramError) -> [Expr] {
        var out: [Expr] = []
        if accept(close) { return out }
        while true {
            out.append(try expr())
            if accept(close) { return out }
            try expect(.comma)
        }
    }

    private mutating func primary() throws(CELProgramError) -> Expr {
        let off = offset
        switch tok {
        case .int(let mag):
            p += 1
            guard mag <= UInt64(Int64.max) else { throw syntax("integer literal out of range", at: off) }
            return try make(.literal(.int(Int64(mag))), at: off, children: [])
        case .uint(let v): p += 1; return try make(.literal(.uint(v)), at: off, children: [])
        case .double(let d): p += 1; return try make(.literal(.double(d)), at: off, children: [])
        case .string(let s): p += 1; return try make(.literal(.string(s)), at: off, children: [])
        case .bytes(let b): p += 1; return try make(.literal(.bytes(b)), at: off, children: [])
        case .ident(let name):
            p += 1
            switch name {
            case "true": return try make(.literal(.bool(true)), at: off, children: [])
            case "false": return try make(.literal(.bool(false)), at: off, children: [])
            case "null": return try make(.literal(.null), at: off, children: [])
            default: break
            }
            if Self.reserved.contains(name) { throw syntax("reserved identifier '\(name)'", at: off) }
            if accept(.lparen) {
                let args = try exprList(close: .rparen)
                return try globalCall(name, args, at: off)
            }
            return try make(.ident(name), at: off, children: [])
        case .punct(.dot):
            p += 1
            guard case .ident(let name) = tok, !Self.reserved.contains(name) else { throw syntax("expected an identifier after '.'") }
            p += 1
            if accept(.lparen) {
                let args = try exprList(close: .rparen)
                return try globalCall("." + name, args, at: off)
            }
            return try make(.ident("." + name), at: off, children: [])
        case .punct(.lparen):
            p += 1
            let e = try expr()
            try expect(.rparen)
            return e
        case .punct(.lbracket):
            p += 1
            recursion += 1
            defer { recursion -= 1 }
            if recursion > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
            var elems: [Expr] = []
            var opts: [Bool] = []
            while !isPunct(.rbracket) {
                opts.append(accept(.question))
                elems.append(try expr())
                if !accept(.comma) { break }
            }
            try expect(.rbracket)
            return try make(.list(elems, optional: opts), at: off, children: elems)
        case .punct(.lbrace):
            p += 1
            recursion += 1
            defer { recursion -= 1 }
            if recursion > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
            var entries: [MapEntry] = []
            var children: [Expr] = []
            while !isPunct(.rbrace) {
                let opt = accept(.question)
                let k = try expr()
                try expect(.colon)
                let v = try expr()
                entries.append(MapEntry(key: k, value: v, optional: opt))
                children.append(k)
                children.append(v)
                if !accept(.comma) { break }
            }
            try expect(.rbrace)
            return try make(.map(entries), at: off, children: children)
        default:
            throw syntax("unexpected token '\(tokText)'")
        }
    }

    private mutating func messageLiteral(_ name: String, at off: Int) throws(CELProgramError) -> Expr {
        var fields: [(String, Expr, Bool)] = []
        var children: [Expr] = []
        while !isPunct(.rbrace) {
            let opt = accept(.question)
            let (f, _) = try selectorName()
            try expect(.colon)
            let v = try expr()
            fields.append((f, v, opt))
            children.append(v)
            if !accept(.comma) { break }
        }
        try expect(.rbrace)
        return try make(.message(name, fields), at: off, children: children)
    }

    // MARK: macros

    private func simpleName(_ e: Expr, _ macro: String) throws(CELProgramError) -> String {
        guard case .ident(let n) = e.kind, !n.hasPrefix(".") || n.hasPrefix("@") else {
            throw syntax("\(macro)() variable name must be a simple identifier", at: e.offset)
        }
        return n
    }

    private mutating func globalCall(_ name: String, _ args: [Expr], at off: Int) throws(CELProgramError) -> Expr {
        if name == "has" && args.count == 1 {
            guard case .select(let operand, let field, _, let optional) = args[0].kind else {
                throw syntax("invalid argument to has() macro", at: off)
            }
            return try make(.select(operand, field: field, testOnly: true, optional: optional), at: off, children: [operand])
        }
        return try make(.call(target: nil, function: name, args: args), at: off, children: args)
    }

    private mutating func receiverCall(_ target: Expr, _ name: String, _ args: [Expr], at off: Int) throws(CELProgramError) -> Expr {
        switch (name, args.count) {
        case ("all", 2), ("exists", 2), ("exists_one", 2), ("existsOne", 2), ("filter", 2), ("map", 2), ("optMap", 2), ("optFlatMap", 2):
            let v = try simpleName(args[0], name)
            let kind: ComprehensionKind
            switch name {
            case "all": kind = .all
            case "exists": kind = .exists
            case "filter": kind = .filter
            case "map": kind = .map
            case "optMap": kind = .optMap
            case "optFlatMap": kind = .optFlatMap
            default: kind = .existsOne
            }
            let c = Comprehension(kind: kind, range: target, var1: v, var2: nil, args: [args[1]])
            return try make(.comprehension(c), at: off, children: [target, args[1]])
        case ("map", 3):
            let v = try simpleName(args[0], name)
            let c = Comprehension(kind: .mapFilter, range: target, var1: v, var2: nil, args: [args[1], args[2]])
            return try make(.comprehension(c), at: off, children: [target, args[1], args[2]])
        case ("all", 3), ("exists", 3), ("exists_one", 3), ("existsOne", 3):
            let v1 = try simpleName(args[0], name)
            let v2 = try simpleName(args[1], name)
            if v1 == v2 { throw syntax("\(name)() variable names must differ", at: off) }
            let kind: ComprehensionKind = name == "all" ? .all : name == "exists" ? .exists : .existsOne
            let c = Comprehension(kind: kind, range: target, var1: v1, var2: v2, args: [args[2]])
            return try make(.comprehension(c), at: off, children: [target, args[2]])
        case ("transformList", 3), ("transformList", 4), ("transformMap", 3), ("transformMap", 4):
            let v1 = try simpleName(args[0], name)
            let v2 = try simpleName(args[1], name)
            if v1 == v2 { throw syntax("\(name)() variable names must differ", at: off) }
            let rest = Array(args[2...])
            let c = Comprehension(kind: name == "transformList" ? .transformList : .transformMap, range: target, var1: v1, var2: v2, args: rest)
            return try make(.comprehension(c), at: off, children: [target] + rest)
        case ("index", 1), ("iterVar", 2), ("accuVar", 2):
            // cel.block's references (the block extension): cel.index(N) names binding N,
            // cel.iterVar(i, j) / cel.accuVar(i, j) name comprehension variables.
            if case .ident("cel") = target.kind {
                var nums: [Int64] = []
                for a in args { if case .literal(.int(let v)) = a.kind, v >= 0 { nums.append(v) } }
                if nums.count == args.count {
                    let name = name == "index" ? "@index\(nums[0])" : (name == "iterVar" ? "@it:" : "@ac:") + nums.map(String.init).joined(separator: ":")
                    return try make(.ident(name), at: off, children: [])
                }
                throw syntax("cel.\(name)() takes non-negative int literals", at: off)
            }
        case ("block", 2):
            if case .ident("cel") = target.kind {
                guard case .list(let bindings, _) = args[0].kind else { throw syntax("cel.block() needs a list literal of bindings", at: off) }
                var body = args[1]
                for (i, b) in bindings.enumerated().reversed() {
                    let c = Comprehension(kind: .bind, range: b, var1: "@index\(i)", var2: nil, args: [body])
                    body = try make(.comprehension(c), at: off, children: [b, body])
                }
                return body
            }
        case ("bind", 3):
            if case .ident("cel") = target.kind {
                let v = try simpleName(args[0], name)
                let c = Comprehension(kind: .bind, range: args[1], var1: v, var2: nil, args: [args[2]])
                return try make(.comprehension(c), at: off, children: [args[1], args[2]])
            }
        default: break
        }
        return try make(.call(target: target, function: name, args: args), at: off, children: [target] + args)
    }
}
