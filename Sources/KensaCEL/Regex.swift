// Regular expressions with RE2 syntax and semantics, matched in linear time by a Pike VM
// (a Thompson NFA simulation that keeps thread priority, so results are leftmost-first as in
// RE2 and Go). Foundation's NSRegularExpression backtracks, which allows catastrophic
// patterns; this engine never does. Backreferences and lookaround are rejected, as in RE2.

struct Regex: Sendable {
    enum Inst: Sendable {
        case char(UInt32)
        case charSet([UInt32]) // a case-folded literal
        case any
        case anyNotNL
        case cls(Int, negated: Bool)
        case split(Int, Int) // first has priority
        case jmp(Int)
        case assert(Assertion)
        case match
    }
    enum Assertion: Sendable { case bol, eol, beginText, endText, wordBoundary, notWordBoundary }

    let prog: [Inst]
    let classes: [[ClosedRange<UInt32>]]
    let source: String

    static let maxProgram = 20_000
    static let maxRepeat = 1_000

    static func compile(_ pattern: String) -> Result<Regex, CELError> {
        var p = RegexParser(pattern)
        do {
            let node = try p.parse()
            var c = RegexCompiler()
            try c.emit(node)
            c.prog.append(.match)
            return .success(Regex(prog: c.prog, classes: c.classes, source: pattern))
        } catch {
            return .failure(CELError(.invalidArgument, "invalid regular expression '\(pattern)': \(error.message)"))
        }
    }

    private static func isWord(_ c: UInt32) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    private func holds(_ a: Assertion, _ s: [UInt32], _ i: Int) -> Bool {
        switch a {
        case .beginText: return i == 0
        case .endText: return i == s.count
        case .bol: return i == 0 || s[i - 1] == 0x0A
        case .eol: return i == s.count || s[i] == 0x0A
        case .wordBoundary, .notWordBoundary:
            let before = i > 0 && Self.isWord(s[i - 1])
            let after = i < s.count && Self.isWord(s[i])
            return (before != after) == (a == .wordBoundary)
        }
    }

    private func inClass(_ k: Int, _ c: UInt32) -> Bool {
        let ranges = classes[k]
        var lo = 0, hi = ranges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if c < ranges[mid].lowerBound { hi = mid - 1 } else if c > ranges[mid].upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// Thread list with O(1) membership by generation stamps.
    private struct ThreadList {
        var pcs: [Int] = []
        var starts: [Int] = []
        var mark: [Int]
        var gen = 0
        init(size: Int) { mark = Array(repeating: -1, count: size) }
        mutating func clear() {
            pcs.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            gen += 1
        }
    }

    private func addThread(_ list: inout ThreadList, _ pc0: Int, _ start: Int, _ s: [UInt32], _ pos: Int, _ stack: inout [Int]) {
        stack.removeAll(keepingCapacity: true)
        stack.append(pc0)
        let gen = list.gen
        while let pc = stack.popLast() {
            if list.mark[pc] == gen { continue }
            list.mark[pc] = gen
            switch prog[pc] {
            case .jmp(let t): stack.append(t)
            case .split(let a, let b):
                stack.append(b) // popped after a: a keeps priority
                stack.append(a)
            case .assert(let a):
                if holds(a, s, pos) { stack.append(pc + 1) }
            default:
                list.pcs.append(pc)
                list.starts.append(start)
            }
        }
    }

    /// Leftmost-first match at or after `from`, as (start, end) indexes into `s`.
    func firstMatch(_ s: [UInt32], from: Int) -> (Int, Int)? {
        var clist = ThreadList(size: prog.count)
        var nlist = ThreadList(size: prog.count)
        nlist.gen = 1
        var stack: [Int] = []
        var matched: (Int, Int)?
        var pos = from
        while true {
            if matched == nil {
                addThread(&clist, 0, pos, s, pos, &stack)
            }
            if clist.pcs.isEmpty {
                // No thread alive: stop if a match is known or the text is done, else try
                // a start at the next position.
                if matched != nil || pos >= s.count { break }
                clist.gen = max(clist.gen, nlist.gen) + 1
                clist.clear()
                pos += 1
                continue
            }
            let c: UInt32? = pos < s.count ? s[pos] : nil
            var i = 0
            while i < clist.pcs.count {
                let pc = clist.pcs[i]
                let start = clist.starts[i]
                i += 1
                var ok = false
                switch prog[pc] {
                case .match:
                    matched = (start, pos)
                    i = clist.pcs.count // lower-priority threads are cut
                    continue
                case .char(let ch): ok = c == ch
                case .charSet(let set): if let c { ok = set.contains(c) }
                case .any: ok = c != nil
                case .anyNotNL: ok = c != nil && c != 0x0A
                case .cls(let k, let neg): if let c { ok = inClass(k, c) != neg }
                default: ok = false
                }
                if ok { addThread(&nlist, pc + 1, start, s, pos + 1, &stack) }
            }
            if pos >= s.count { break }
            swap(&clist, &nlist)
            nlist.gen = max(clist.gen, nlist.gen) + 1
            nlist.clear()
            pos += 1
        }
        return matched
    }

    static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    static func string(_ s: [UInt32], _ r: Range<Int>) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: s[r].compactMap(Unicode.Scalar.init))
        return out
    }

    /// Go FindAllString semantics: non-overlapping, empty matches next to a previous match skipped.
    func allMatches(_ s: [UInt32], limit: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var pos = 0
        var prevEnd = -1
        while pos <= s.count && (limit < 0 || out.count < limit) {
            guard let (a, b) = firstMatch(s, from: pos) else { break }
            if a == b && a == prevEnd {
                pos = a + 1
                continue
            }
            out.append(a..<b)
            prevEnd = b
            pos = b > a ? b : b + 1
        }
        return out
    }
}

struct RegexError: Error { let message: String }

indirect enum RNode {
    case empty
    case literal(UInt32, fold: Bool)
    case any(dotNL: Bool)
    case cls([ClosedRange<UInt32>], negated: Bool)
    case concat([RNode])
    case alt([RNode])
    case rep(RNode, min: Int, max: Int, greedy: Bool) // max -1 = unbounded
    case assert(Regex.Assertion)
}

struct RegexParser {
    let s: [UInt32]
    var i = 0
    var fold = false, multiline = false, dotNL = false, ungreedy = false
    var depth = 0

    init(_ pattern: String) { s = pattern.unicodeScalars.map(\.value) }

    mutating func parse() throws(RegexError) -> RNode {
        let n = try alternation()
        if i < s.count { throw RegexError(message: "unexpected ')'") }
        return n
    }

    private func peek(_ k: Int = 0) -> UInt32? { i + k < s.count ? s[i + k] : nil }

    private mutating func alternation() throws(RegexError) -> RNode {
        depth += 1
        defer { depth -= 1 }
        if depth > 200 { throw RegexError(message: "expression nests too deeply") }
        var alts = [try concatenation()]
        while peek() == 0x7C { i += 1; alts.append(try concatenation()) }
        return alts.count == 1 ? alts[0] : .alt(alts)
    }

    private mutating func concatenation() throws(RegexError) -> RNode {
        var items: [RNode] = []
        let saved = (fold, multiline, dotNL, ungreedy)
        defer { (fold, multiline, dotNL, ungreedy) = saved }
        while let c = peek(), c != 0x7C, c != 0x29 {
            guard let atom = try atom() else { continue }
            items.append(try repetition(atom))
        }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func number() -> Int? {
        var v = 0, any = false
        while let c = peek(), c >= 0x30 && c <= 0x39 {
            v = min(v * 10 + Int(c - 0x30), 100_000)
            any = true
            i += 1
        }
        return any ? v : nil
    }

    private mutating func repetition(_ atom0: RNode) throws(RegexError) -> RNode {
        var atom = atom0
        var repeated = false
        while let c = peek() {
            var mn = 0, mx = -1
            let save = i
            switch c {
            case 0x2A: i += 1
            case 0x2B: i += 1; mn = 1
            case 0x3F: i += 1; mx = 1
            case 0x7B:
                i += 1
                guard let a = number() else { i = save; return atom }
                mn = a; mx = a
                if peek() == 0x2C {
                    i += 1
                    mx = number() ?? -1
                }
                guard peek() == 0x7D else { i = save; return atom }
                i += 1
                if mn > Regex.maxRepeat || mx > Regex.maxRepeat || (mx >= 0 && mx < mn) {
                    throw RegexError(message: "invalid repeat count")
                }
            default: return atom
            }
            if repeated { throw RegexError(message: "invalid nested repetition operator") }
            repeated = true
            var greedy = true
            if peek() == 0x3F { i += 1; greedy = false }
            if ungreedy { greedy.toggle() }
            if case .assert = atom, mn == 0 { atom = .empty; continue }
            atom = .rep(atom, min: mn, max: mx, greedy: greedy)
        }
        return atom
    }

    private mutating func flags() throws(RegexError) -> Bool { // returns true if followed by ':' (group)
        var neg = false
        while let c = peek() {
            i += 1
            switch c {
            case 0x69: fold = !neg
            case 0x6D: multiline = !neg
            case 0x73: dotNL = !neg
            case 0x55: ungreedy = !neg
            case 0x2D: if neg { throw RegexError(message: "invalid flags") }; neg = true
            case 0x3A: return true
            case 0x29: return false
            default: throw RegexError(message: "invalid or unsupported Perl syntax")
            }
        }
        throw RegexError(message: "missing closing )")
    }

    private mutating func atom() throws(RegexError) -> RNode? {
        guard let c = peek() else { return .empty }
        i += 1
        switch c {
        case 0x28: // (
            if peek() == 0x3F { // (?
                i += 1
                if peek() == 0x50 || peek() == 0x3C { // (?P<name> or (?<name>
                    if peek() == 0x50 { i += 1 }
                    guard peek() == 0x3C else { throw RegexError(message: "invalid named capture") }
                    while let d = peek(), d != 0x3E { i += 1 }
                    guard peek() == 0x3E else { throw RegexError(message: "invalid named capture") }
                    i += 1
                } else {
                    let saved = (fold, multiline, dotNL, ungreedy)
                    if try flags() {
                        let inner = try alternation()
                        (fold, multiline, dotNL, ungreedy) = saved
                        guard peek() == 0x29 else { throw RegexError(message: "missing closing )") }
                        i += 1
                        return inner
                    }
                    return nil // flags apply to the rest of the current group
                }
            }
            let saved = (fold, multiline, dotNL, ungreedy)
            let inner = try alternation()
            (fold, multiline, dotNL, ungreedy) = saved
            guard peek() == 0x29 else { throw RegexError(message: "missing closing )") }
            i += 1
            return inner
        case 0x2E: return .any(dotNL: dotNL)
        case 0x5E: return .assert(multiline ? .bol : .beginText)
        case 0x24: return .assert(multiline ? .eol : .endText)
        case 0x5B: return try charClass()
        case 0x5C: return try escape(inClass: false).node(fold)
        case 0x2A, 0x2B, 0x3F: throw RegexError(message: "missing argument to repetition operator")
        default: return .literal(c, fold: fold)
        }
    }

    enum Escaped {
        case char(UInt32)
        case ranges([ClosedRange<UInt32>], negated: Bool)
        case assertion(Regex.Assertion)
        case quoted([UInt32])
        func node(_ fold: Bool) -> RNode {
            switch self {
            case .char(let c): return .literal(c, fold: fold)
            case .ranges(let r, let n): return .cls(fold ? RegexParser.folded(r) : r, negated: n)
            case .assertion(let a): return .assert(a)
            case .quoted(let cs): return .concat(cs.map { .literal($0, fold: fold) })
            }
        }
    }

    static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]

    private mutating func hex(_ n: Int) throws(RegexError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<n {
            guard let c = peek() else { throw RegexError(message: "invalid escape sequence") }
            let d: UInt32
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x61 + 10
            case 0x41...0x46: d = c - 0x41 + 10
            default: throw RegexError(message: "invalid escape sequence")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func escape(inClass: Bool) throws(RegexError) -> Escaped {
        guard let c = peek() else { throw RegexError(message: "trailing backslash at end of expression") }
        i += 1
        switch c {
        case 0x64: return .ranges(Self.digit, negated: false)
        case 0x44: return .ranges(Self.digit, negated: true)
        case 0x73: return .ranges(Self.space, negated: false)
        case 0x53: return .ranges(Self.space, negated: true)
        case 0x77: return .ranges(Self.word, negated: false)
        case 0x57: return .ranges(Self.word, negated: true)
        case 0x62 where !inClass: return .assertion(.wordBoundary)
        case 0x42 where !inClass: return .assertion(.notWordBoundary)
        case 0x41 where !inClass: return .assertion(.beginText)
        case 0x7A where !inClass: return .assertion(.endText)
        case 0x6E: return .char(0x0A)
        case 0x74: return .char(0x09)
        case 0x72: return .char(0x0D)
        case 0x66: return .char(0x0C)
        case 0x76: return .char(0x0B)
        case 0x61: return .char(0x07)
        case 0x30...0x37:
            // RE2 allows octal only as \0, \0n, \0nn; \1-\9 would be backreferences.
            guard c == 0x30 else { throw RegexError(message: "invalid escape sequence (backreferences are not supported)") }
            var v: UInt32 = 0
            var k = 0
            while k < 2, let d = peek(), d >= 0x30 && d <= 0x37 { v = v * 8 + d - 0x30; i += 1; k += 1 }
            return .char(v)
        case 0x78: // \x
            if peek() == 0x7B {
                i += 1
                var v: UInt32 = 0
                var n = 0
                while let d = peek(), d != 0x7D {
                    v = v * 16 + (try hex(1))
                    n += 1
                    _ = d
                    if n > 8 || v > 0x10FFFF { throw RegexError(message: "invalid escape sequence") }
                }
                guard peek() == 0x7D, n > 0 else { throw RegexError(message: "invalid escape sequence") }
                i += 1
                return .char(v)
            }
            return .char(try hex(2))
        case 0x70, 0x50: // \p \P
            let negated = c == 0x50
            var name = ""
            if peek() == 0x7B {
                i += 1
                while let d = peek(), d != 0x7D { name.unicodeScalars.append(Unicode.Scalar(d) ?? "?"); i += 1 }
                guard peek() == 0x7D else { throw RegexError(message: "invalid character class range") }
                i += 1
            } else if let d = peek() {
                name.unicodeScalars.append(Unicode.Scalar(d) ?? "?")
                i += 1
            }
            var neg = negated
            if name.hasPrefix("^") { neg.toggle(); name.removeFirst() }
            guard let r = UnicodeClasses.ranges(name) else { throw RegexError(message: "invalid character class range: \\p{\(name)}") }
            return .ranges(r, negated: neg)
        case 0x51 where !inClass: // \Q...\E
            var lit: [UInt32] = []
            while let d = peek() {
                if d == 0x5C && peek(1) == 0x45 { i += 2; return .quoted(lit) }
                lit.append(d)
                i += 1
            }
            return .quoted(lit)
        default:
            // Escaped punctuation stands for itself; escaped letters/digits are errors in RE2.
            if (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E) {
                return .char(c)
            }
            throw RegexError(message: "invalid escape sequence")
        }
    }

    static let posix: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A], "alpha": [0x41...0x5A, 0x61...0x7A],
        "ascii": [0x00...0x7F], "blank": [0x09...0x09, 0x20...0x20], "cntrl": [0x00...0x1F, 0x7F...0x7F],
        "digit": [0x30...0x39], "graph": [0x21...0x7E], "lower": [0x61...0x7A], "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A], "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A], "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
    ]

    static func normalize(_ r: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = r.sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<UInt32>] = []
        for x in sorted {
            if let last = out.last, x.lowerBound <= last.upperBound &+ 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, x.upperBound)
            } else {
                out.append(x)
            }
        }
        return out
    }

    static func negate(_ r: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for x in normalize(r) {
            if x.lowerBound > next { out.append(next...(x.lowerBound - 1)) }
            next = x.upperBound + 1
        }
        if next <= 0x10FFFF { out.append(next...0x10FFFF) }
        return out
    }

    /// Adds the other-case forms of ASCII letters and of small ranges.
    static func folded(_ r: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var extra: [ClosedRange<UInt32>] = []
        for x in r {
            let lo = max(x.lowerBound, 0x41), hi = min(x.upperBound, 0x5A)
            if lo <= hi { extra.append((lo + 32)...(hi + 32)) }
            let lo2 = max(x.lowerBound, 0x61), hi2 = min(x.upperBound, 0x7A)
            if lo2 <= hi2 { extra.append((lo2 - 32)...(hi2 - 32)) }
            if x.upperBound > 0x7F && x.upperBound - x.lowerBound < 512 {
                for v in max(x.lowerBound, 0x80)...x.upperBound {
                    for o in caseVariants(v) where o != v { extra.append(o...o) }
                }
            }
        }
        return normalize(r + extra)
    }

    static func caseVariants(_ v: UInt32) -> [UInt32] {
        guard let sc = Unicode.Scalar(v) else { return [v] }
        var out: [UInt32] = [v]
        for t in [sc.properties.lowercaseMapping, sc.properties.uppercaseMapping] {
            let u = Array(t.unicodeScalars)
            if u.count == 1, !out.contains(u[0].value) { out.append(u[0].value) }
        }
        return out
    }

    private mutating func charClass() throws(RegexError) -> RNode {
        var negated = false
        if peek() == 0x5E { negated = true; i += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while let c = peek(), c != 0x5D || first {
            first = false
            if c == 0x5B && peek(1) == 0x3A { // [:name:]
                var j = i + 2
                var name = ""
                var neg = false
                if j < s.count && s[j] == 0x5E { neg = true; j += 1 }
                while j < s.count && s[j] != 0x3A { name.unicodeScalars.append(Unicode.Scalar(s[j]) ?? "?"); j += 1 }
                if j + 1 < s.count && s[j + 1] == 0x5D, let r = Self.posix[name] {
                    ranges += neg ? Self.negate(r) : r
                    i = j + 2
                    continue
                }
                throw RegexError(message: "invalid character class range")
            }
            var lo: UInt32
            i += 1
            if c == 0x5C {
                switch try escape(inClass: true) {
                case .char(let v): lo = v
                case .ranges(let r, let n): ranges += n ? Self.negate(r) : r; continue
                default: throw RegexError(message: "invalid escape in class")
                }
            } else {
                lo = c
            }
            if peek() == 0x2D, let n = peek(1), n != 0x5D {
                i += 1
                var hi: UInt32
                let hc = s[i]
                i += 1
                if hc == 0x5C {
                    guard case .char(let v) = try escape(inClass: true) else { throw RegexError(message: "invalid character class range") }
                    hi = v
                } else {
                    hi = hc
                }
                if hi < lo { throw RegexError(message: "invalid character class range") }
                ranges.append(lo...hi)
            } else {
                ranges.append(lo...lo)
            }
        }
        guard peek() == 0x5D else { throw RegexError(message: "missing closing ]") }
        i += 1
        var r = Self.normalize(ranges)
        if fold { r = Self.folded(r) }
        return .cls(r, negated: negated)
    }
}

enum UnicodeClasses {
    // Each table is built once per process (static lets are lazy and thread-safe), so a pattern
    // full of \p{L} costs no more than one.
    static let letter = build([.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter])
    static let upper = build([.uppercaseLetter])
    static let lower = build([.lowercaseLetter])
    static let title = build([.titlecaseLetter])
    static let modifier = build([.modifierLetter])
    static let otherLetter = build([.otherLetter])
    static let number = build([.decimalNumber, .letterNumber, .otherNumber])
    static let decimal = build([.decimalNumber])
    static let punctuation = build([.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation])
    static let symbol = build([.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol])
    static let separator = build([.spaceSeparator, .lineSeparator, .paragraphSeparator])
    static let space = build([.spaceSeparator])
    static let mark = build([.nonspacingMark, .spacingMark, .enclosingMark])

    static func ranges(_ name: String) -> [ClosedRange<UInt32>]? {
        switch name {
        case "L": return letter
        case "Lu": return upper
        case "Ll": return lower
        case "Lt": return title
        case "Lm": return modifier
        case "Lo": return otherLetter
        case "N": return number
        case "Nd": return decimal
        case "P": return punctuation
        case "S": return symbol
        case "Z": return separator
        case "Zs": return space
        case "M": return mark
        case "Greek": return [0x0370...0x0373, 0x0375...0x0377, 0x037A...0x037D, 0x037F...0x037F, 0x0384...0x0384, 0x0386...0x0386, 0x0388...0x038A, 0x038C...0x038C, 0x038E...0x03A1, 0x03A3...0x03E1, 0x03F0...0x03FF, 0x1D26...0x1D2A, 0x1F00...0x1FFE, 0x2126...0x2126]
        case "Latin": return [0x41...0x5A, 0x61...0x7A, 0xAA...0xAA, 0xBA...0xBA, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2B8, 0x1E00...0x1EFF]
        case "Han": return [0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3038...0x303B, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F]
        case "Cyrillic": return [0x0400...0x052F, 0x1C80...0x1C88, 0x2DE0...0x2DFF, 0xA640...0xA69F]
        default: return nil
        }
    }

    /// Scans the planes in use (0x0–0x3FFFF) for the categories.
    private static func build(_ cats: [Unicode.GeneralCategory]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        var start: UInt32?
        var v: UInt32 = 0
        while v <= 0x3FFFF {
            let inCat = Unicode.Scalar(v).map { cats.contains($0.properties.generalCategory) } ?? false
            if inCat { if start == nil { start = v } } else if let s = start { out.append(s...(v - 1)); start = nil }
            v += 1
        }
        if let s = start { out.append(s...0x3FFFF) }
        return out
    }
}

struct RegexCompiler {
    var prog: [Regex.Inst] = []
    var classes: [[ClosedRange<UInt32>]] = []

    mutating func push(_ i: Regex.Inst) throws(RegexError) {
        if prog.count >= Regex.maxProgram { throw RegexError(message: "expression too large") }
        prog.append(i)
    }

    mutating func emit(_ n: RNode) throws(RegexError) {
        switch n {
        case .empty: break
        case .literal(let c, let fold):
            if fold {
                let v = RegexParser.caseVariants(c)
                var all = v
                if c >= 0x41 && c <= 0x5A { all.append(c + 32) }
                if c >= 0x61 && c <= 0x7A { all.append(c - 32) }
                let set = Array(Set(all)).sorted()
                try push(set.count == 1 ? .char(c) : .charSet(set))
            } else {
                try push(.char(c))
            }
        case .any(let nl): try push(nl ? .any : .anyNotNL)
        case .cls(let r, let neg):
            classes.append(r)
            try push(.cls(classes.count - 1, negated: neg))
        case .assert(let a): try push(.assert(a))
        case .concat(let items): for x in items { try emit(x) }
        case .alt(let alts):
            var jumps: [Int] = []
            for (k, a) in alts.enumerated() {
                if k < alts.count - 1 {
                    let split = prog.count
                    try push(.split(split + 1, -1))
                    try emit(a)
                    jumps.append(prog.count)
                    try push(.jmp(-1))
                    prog[split] = .split(split + 1, prog.count)
                } else {
                    try emit(a)
                }
            }
            for j in jumps { prog[j] = .jmp(prog.count) }
        case .rep(let x, let mn, let mx, let greedy):
            for _ in 0..<mn { try emit(x) }
            if mx == -1 {
                let split = prog.count
                try push(.split(-1, -1))
                try emit(x)
                try push(.jmp(split))
                prog[split] = greedy ? .split(split + 1, prog.count) : .split(prog.count, split + 1)
            } else if mx > mn {
                var splits: [Int] = []
                for _ in mn..<mx {
                    splits.append(prog.count)
                    try push(.split(-1, -1))
                    try emit(x)
                }
                let end = prog.count
                for s in splits { prog[s] = greedy ? .split(s + 1, end) : .split(end, s + 1) }
            }
        }
    }
}
