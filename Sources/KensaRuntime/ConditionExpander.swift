// Expands macros (parsed once each) and lists inside a rule's condition, detecting unknown
// names and cycles, and adds the rule's exceptions as `and not (...)`.

struct ConditionExpander {
    let defs: RuleDefinitions
    private(set) var parsedMacros: [String: ConditionNode] = [:]
    static let maxDepth = 64

    init(defs: RuleDefinitions) { self.defs = defs }

    /// Where an error in a rule's condition is reported.
    struct Context {
        var file: String
        var line: Int
        var item: String
    }

    mutating func macroAST(_ name: String, usedBy ctx: Context) throws(RuntimeError) -> ConditionNode {
        if let cached = parsedMacros[name] { return cached }
        guard let def = defs.macros[name] else {
            throw RuntimeError(.unknownMacro, input: "\(ctx.file):\(ctx.line)", item: ctx.item, reason: "unknown macro '\(name)'")
        }
        do {
            let node = try ConditionParser.parse(def.condition)
            parsedMacros[name] = node
            return node
        } catch {
            throw RuntimeError(.condition, input: "\(def.file):\(def.line)", item: "macro '\(name)' (used by \(ctx.item))",
                               reason: "\(error.reason) (at character \(error.offset + 1) of the condition)")
        }
    }

    mutating func expand(_ node: ConditionNode, ctx: Context, stack: [String] = []) throws(RuntimeError) -> ConditionNode {
        switch node {
        case .and(let parts):
            var out: [ConditionNode] = []
            for p in parts { out.append(try expand(p, ctx: ctx, stack: stack)) }
            return .and(out)
        case .or(let parts):
            var out: [ConditionNode] = []
            for p in parts { out.append(try expand(p, ctx: ctx, stack: stack)) }
            return .or(out)
        case .not(let inner):
            return .not(try expand(inner, ctx: ctx, stack: stack))
        case .macro(let name, _):
            if stack.contains(name) {
                throw RuntimeError(.cyclicMacro, input: "\(ctx.file):\(ctx.line)", item: ctx.item,
                                   reason: "macros refer to each other in a cycle: \((stack + [name]).joined(separator: " -> "))")
            }
            if stack.count >= Self.maxDepth {
                throw RuntimeError(.cyclicMacro, input: "\(ctx.file):\(ctx.line)", item: ctx.item, reason: "macros nested deeper than \(Self.maxDepth)")
            }
            let ast = try macroAST(name, usedBy: ctx)
            return try expand(ast, ctx: ctx, stack: stack + [name])
        case .exists:
            return node
        case .compare(let f, let op, let operand, let offset):
            guard case .list(let items) = operand else { return node }
            var out: [ListItem] = []
            for item in items { try expandItem(item, into: &out, ctx: ctx, seen: []) }
            return .compare(f, op, .list(out), offset: offset)
        }
    }

    func expandItem(_ item: ListItem, into out: inout [ListItem], ctx: Context, seen: [String]) throws(RuntimeError) {
        guard !item.quoted, let list = defs.lists[item.text] else {
            out.append(ListItem(text: item.text, quoted: true))
            return
        }
        if seen.contains(item.text) || seen.count >= Self.maxDepth {
            throw RuntimeError(.cyclicMacro, input: "\(list.file):\(list.line)", item: "list '\(item.text)' (used by \(ctx.item))",
                               reason: "lists refer to each other in a cycle: \((seen + [item.text]).joined(separator: " -> "))")
        }
        for raw in list.items {
            try expandItem(ConditionParser.listItem(fromYAML: raw), into: &out, ctx: ctx, seen: seen + [item.text])
        }
    }

    /// `fields`/`comps`/`values` of each exception as a condition to negate; nil if there are no values.
    func exceptionsCondition(_ rule: RuleDef) throws(RuntimeError) -> ConditionNode? {
        var alternatives: [ConditionNode] = []
        let at = "\(rule.file):\(rule.line)"
        for e in rule.exceptions {
            var refs: [FieldRef] = []
            for f in e.fields {
                do {
                    refs.append(try ConditionParser.parseField(f))
                } catch {
                    throw RuntimeError(.condition, input: at, item: "rule '\(rule.name)'", reason: "exception '\(e.name)': bad field '\(f)': \(error.reason)")
                }
            }
            var ops: [CompareOperator] = []
            for c in e.comps {
                guard let op = CompareOperator(rawValue: c == "==" ? "=" : c) else {
                    throw RuntimeError(.wrongType, input: at, item: "rule '\(rule.name)'", reason: "exception '\(e.name)': unknown comparison '\(c)'")
                }
                ops.append(op)
            }
            guard !e.values.isEmpty else { continue }
            guard !refs.isEmpty else {
                throw RuntimeError(.ruleFile, input: at, item: "rule '\(rule.name)'", reason: "exception '\(e.name)' has values but no fields")
            }
            if e.singleField {
                let op = ops.first ?? .in
                var items: [String] = []
                for row in e.values {
                    for v in row {
                        switch v {
                        case .scalar(let s): items.append(s)
                        case .list(let l): items += l
                        }
                    }
                }
                if op.takesList {
                    alternatives.append(.compare(refs[0], op, .list(items.map(ConditionParser.listItem(fromYAML:))), offset: 0))
                } else {
                    for s in items { alternatives.append(.compare(refs[0], op, .value(s), offset: 0)) }
                }
                continue
            }
            for row in e.values {
                guard row.count == refs.count, ops.count == refs.count else {
                    throw RuntimeError(.wrongType, input: at, item: "rule '\(rule.name)'",
                                       reason: "exception '\(e.name)': a value has \(row.count) entries for \(refs.count) fields and \(ops.count) comps")
                }
                var terms: [ConditionNode] = []
                for (i, v) in row.enumerated() {
                    let op = ops[i]
                    switch v {
                    case .scalar(let s):
                        if op.takesList {
                            terms.append(.compare(refs[i], op, .list([ConditionParser.listItem(fromYAML: s)]), offset: 0))
                        } else {
                            terms.append(.compare(refs[i], op, .value(s), offset: 0))
                        }
                    case .list(let l):
                        guard op.takesList else {
                            throw RuntimeError(.wrongType, input: at, item: "rule '\(rule.name)'",
                                               reason: "exception '\(e.name)': a list value needs 'in', 'intersects' or 'pmatch', not '\(op.rawValue)'")
                        }
                        terms.append(.compare(refs[i], op, .list(l.map(ConditionParser.listItem(fromYAML:))), offset: 0))
                    }
                }
                alternatives.append(terms.count == 1 ? terms[0] : .and(terms))
            }
        }
        if alternatives.isEmpty { return nil }
        return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
    }
}

extension ConditionParser {
    static func parseField(_ text: String) throws(Failure) -> FieldRef {
        var parser = ConditionParser(bytes: Array(text.utf8))
        let ref = try parser.fieldRef(depth: 0)
        parser.skipSpace()
        if !parser.atEnd { throw parser.fail("unexpected text after the field name") }
        return ref
    }
}
