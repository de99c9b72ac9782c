// Parser for Falco's condition language. Hand-written: the grammar is context-sensitive (a
// bare word after an operator is a value, not a field), which no package on this machine
// handles. Precedence, lowest first: or, and, not. Recursion is bounded.

public struct ConditionParser {
    public struct Failure: Error, Equatable, Sendable {
        public var offset: Int
        public var reason: String
    }

    static let maxDepth = 200
    static let transformerNames: Set<String> = ["tolower", "toupper", "b64", "basename", "len", "val", "trim"]
    static let wordOperators: [String: CompareOperator] = [
        "contains": .contains, "icontains": .icontains, "bcontains": .bcontains,
        "startswith": .startswith, "bstartswith": .bstartswith, "endswith": .endswith,
        "glob": .glob, "iglob": .iglob, "pmatch": .pmatch, "in": .in,
        "intersects": .intersects, "regex": .regex,
    ]

    let bytes: [UInt8]
    var pos = 0

    public static func parse(_ text: String) throws(Failure) -> ConditionNode {
        var parser = ConditionParser(bytes: Array(text.utf8))
        parser.skipSpace()
        if parser.atEnd { throw Failure(offset: 0, reason: "empty condition") }
        let node = try parser.orExpr(depth: 0)
        parser.skipSpace()
        if !parser.atEnd { throw parser.fail("unexpected '\(parser.snippet())'") }
        return node
    }

    var atEnd: Bool { pos >= bytes.count }

    func fail(_ reason: String) -> Failure { Failure(offset: pos, reason: reason) }

    func snippet() -> String {
        let end = min(bytes.count, pos + 20)
        return String(decoding: bytes[pos..<end], as: UTF8.self)
    }

    mutating func skipSpace() {
        while pos < bytes.count, isSpace(bytes[pos]) { pos += 1 }
    }

    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x0B }

    func isIdentStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_")
    }

    func isIdentChar(_ b: UInt8) -> Bool {
        isIdentStart(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }

    /// True if the keyword `word` starts at `pos` and ends at a word boundary.
    func peekKeyword(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count else { return false }
        for i in 0..<w.count where bytes[pos + i] != w[i] { return false }
        let end = pos + w.count
        return end == bytes.count || !isIdentChar(bytes[end])
    }

    mutating func orExpr(depth: Int) throws(Failure) -> ConditionNode {
        var terms = [try andExpr(depth: depth)]
        while true {
            skipSpace()
            guard peekKeyword("or") else { break }
            pos += 2
            terms.append(try andExpr(depth: depth))
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func andExpr(depth: Int) throws(Failure) -> ConditionNode {
        var terms = [try notExpr(depth: depth)]
        while true {
            skipSpace()
            guard peekKeyword("and") else { break }
            pos += 3
            terms.append(try notExpr(depth: depth))
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    mutating func notExpr(depth: Int) throws(Failure) -> ConditionNode {
        if depth > Self.maxDepth { throw fail("condition nested deeper than \(Self.maxDepth)") }
        skipSpace()
        if peekKeyword("not") {
            pos += 3
            return .not(try notExpr(depth: depth + 1))
        }
        return try primary(depth: depth + 1)
    }

    mutating func primary(depth: Int) throws(Failure) -> ConditionNode {
        skipSpace()
        guard !atEnd else { throw fail("unexpected end of condition") }
        if bytes[pos] == UInt8(ascii: "(") {
            pos += 1
            let inner = try orExpr(depth: depth)
            skipSpace()
            guard !atEnd, bytes[pos] == UInt8(ascii: ")") else { throw fail("missing ')'") }
            pos += 1
            return inner
        }
        let start = pos
        guard isIdentStart(bytes[pos]) else { throw fail("expected a field, macro or '(' at '\(snippet())'") }
        let name = identifier()
        // A transformer call: tolower(field) ...
        if !atEnd, bytes[pos] == UInt8(ascii: "("), Self.transformerNames.contains(name) {
            pos = start
            let field = try fieldRef(depth: 0)
            return try check(field, start: start)
        }
        var field = FieldRef(name: name, arg: nil, transformers: [])
        if !atEnd, bytes[pos] == UInt8(ascii: "[") {
            field.arg = try bracketArg()
        }
        skipSpace()
        if atEnd || bytes[pos] == UInt8(ascii: ")") || peekKeyword("and") || peekKeyword("or") {
            // A bare identifier is a macro reference.
            guard field.arg == nil, !name.contains(".") else {
                throw Failure(offset: start, reason: "field '\(field.display)' needs an operator")
            }
            return .macro(name, offset: start)
        }
        return try check(field, start: start)
    }

    mutating func identifier() -> String {
        let start = pos
        while pos < bytes.count, isIdentChar(bytes[pos]) { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    mutating func bracketArg() throws(Failure) -> String {
        pos += 1
        let start = pos
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "]") { pos += 1 }
        guard pos < bytes.count else { throw fail("missing ']' in field argument") }
        let arg = String(decoding: bytes[start..<pos], as: UTF8.self)
        pos += 1
        return arg
    }

    mutating func fieldRef(depth: Int) throws(Failure) -> FieldRef {
        if depth > 8 { throw fail("transformers nested too deeply") }
        skipSpace()
        guard !atEnd, isIdentStart(bytes[pos]) else { throw fail("expected a field name") }
        let name = identifier()
        if !atEnd, bytes[pos] == UInt8(ascii: "("), Self.transformerNames.contains(name) {
            pos += 1
            var inner = try fieldRef(depth: depth + 1)
            skipSpace()
            guard !atEnd, bytes[pos] == UInt8(ascii: ")") else { throw fail("missing ')' after transformer argument") }
            pos += 1
            if name != "val" { inner.transformers.append(name) }
            return inner
        }
        var field = FieldRef(name: name, arg: nil, transformers: [])
        if !atEnd, bytes[pos] == UInt8(ascii: "[") { field.arg = try bracketArg() }
        return field
    }

    mutating func check(_ field: FieldRef, start: Int) throws(Failure) -> ConditionNode {
        skipSpace()
        guard !atEnd else { throw fail("field '\(field.display)' needs an operator") }
        if peekKeyword("exists") {
            pos += 6
            return .exists(field, offset: start)
        }
        let op = try compareOperator(field)
        skipSpace()
        let operand = try operand(for: op)
        return .compare(field, op, operand, offset: start)
    }

    mutating func compareOperator(_ field: FieldRef) throws(Failure) -> CompareOperator {
        let b = bytes[pos]
        func next() -> UInt8? { pos + 1 < bytes.count ? bytes[pos + 1] : nil }
        switch b {
        case UInt8(ascii: "="):
            pos += next() == UInt8(ascii: "=") ? 2 : 1
            return .eq
        case UInt8(ascii: "!"):
            guard next() == UInt8(ascii: "=") else { throw fail("expected '!='") }
            pos += 2
            return .ne
        case UInt8(ascii: "<"):
            if next() == UInt8(ascii: "=") { pos += 2; return .le }
            pos += 1
            return .lt
        case UInt8(ascii: ">"):
            if next() == UInt8(ascii: "=") { pos += 2; return .ge }
            pos += 1
            return .gt
        default:
            let save = pos
            let word = identifier()
            if let op = Self.wordOperators[word] { return op }
            pos = save
            throw fail("expected an operator after '\(field.display)' at '\(snippet())'")
        }
    }

    mutating func operand(for op: CompareOperator) throws(Failure) -> Operand {
        guard !atEnd else { throw fail("missing value after '\(op.rawValue)'") }
        if bytes[pos] == UInt8(ascii: "(") {
            pos += 1
            var items: [ListItem] = []
            skipSpace()
            if !atEnd, bytes[pos] == UInt8(ascii: ")") { pos += 1; return .list(items) }
            while true {
                skipSpace()
                guard !atEnd else { throw fail("missing ')' in list") }
                items.append(try listItem())
                skipSpace()
                guard !atEnd else { throw fail("missing ')' in list") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: ")") { pos += 1; break }
                throw fail("expected ',' or ')' in list")
            }
            return .list(items)
        }
        if op.takesList { throw fail("'\(op.rawValue)' needs a parenthesised list") }
        // A field on the right side, as Falco allows with val(...) or a transformer.
        if isIdentStart(bytes[pos]) {
            let save = pos
            let name = identifier()
            if !atEnd, bytes[pos] == UInt8(ascii: "("), Self.transformerNames.contains(name) {
                pos = save
                return .field(try fieldRef(depth: 0))
            }
            pos = save
        }
        let item = try listItem()
        return .value(item.text)
    }

    mutating func listItem() throws(Failure) -> ListItem {
        let b = bytes[pos]
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            return ListItem(text: try quoted(b), quoted: true)
        }
        let start = pos
        while pos < bytes.count {
            let c = bytes[pos]
            if isSpace(c) || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") || c == UInt8(ascii: ",") { break }
            pos += 1
        }
        guard pos > start else { throw fail("expected a value at '\(snippet())'") }
        return ListItem(text: String(decoding: bytes[start..<pos], as: UTF8.self), quoted: false)
    }

    mutating func quoted(_ quote: UInt8) throws(Failure) -> String {
        pos += 1
        var out: [UInt8] = []
        while pos < bytes.count {
            let c = bytes[pos]
            if c == quote { pos += 1; return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\"), pos + 1 < bytes.count {
                let e = bytes[pos + 1]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                default: out.append(e)
                }
                pos += 2
                continue
            }
            out.append(c)
            pos += 1
        }
        throw fail("unterminated string")
    }

    /// Unquotes a list item from YAML the way Falco does when it pastes items into a condition.
    static func listItem(fromYAML text: String) -> ListItem {
        let trimmed = text
        if let first = trimmed.utf8.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            var parser = ConditionParser(bytes: Array(trimmed.utf8))
            if let s = try? parser.quoted(first), parser.atEnd { return ListItem(text: s, quoted: true) }
        }
        return ListItem(text: trimmed, quoted: false)
    }
}
