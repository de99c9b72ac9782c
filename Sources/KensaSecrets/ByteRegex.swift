import KensaCore

/// A regular expression over bytes, matched in time linear in the input (a Pike VM: every
/// thread advances in lock step, so no input can make it backtrack). Written by hand because
/// Foundation's `NSRegularExpression` and Swift's `Regex` backtrack, work on `String` (so they
/// would need a decoded copy of every window) and are slow on the hot path of a scanner.
///
/// Syntax: the RE2/Go subset that secret rules use (Trivy's custom rules are Go regexps):
/// literals, `.`, `[...]` with ranges, negation, `\d\w\s` and `[:alnum:]`-style classes,
/// `\d \D \w \W \s \S \b \B \A \z`, `^ $` (always at line boundaries: windows are lines),
/// groups `( )`, `(?: )`, `(?P<name> )`, `(?<name> )`, flags `(?i)`, `(?s)`, `(?m)`, `(?i: )`,
/// alternation, `* + ? {n} {n,} {n,m}` and their lazy forms. Unicode classes (`\pL`) and
/// back-references are rejected with a typed error. Matching is on bytes: a non-ASCII
/// literal is its UTF-8 sequence, and `.` or a negated class matches one byte.
struct ByteRegex: Sendable {
    enum Op: UInt8, Sendable { case byte, split, jump, save, assert, match }
    enum Assertion: Int32, Sendable { case lineStart, lineEnd, textStart, textEnd, wordBoundary, notWordBoundary }

    struct Inst: Sendable {
        var op: Op
        var x: Int32
        var y: Int32
    }

    let pattern: String
    let insts: [Inst]
    /// Byte sets, four 64-bit words each, indexed by `Inst.x` of `.byte`.
    let setWords: [UInt64]
    /// Slots 0/1 hold the whole match, 2k/2k+1 group k.
    let slotCount: Int
    let groupNames: [String: Int]
    /// Bytes that can begin a match; nil when anything can (or the empty string matches).
    let firstBytes: ByteSet?

    /// Longest program accepted: bounds memory and per-byte work of custom rules.
    static let maxInstructions = 20_000

    init(_ pattern: String) throws(RegexSyntaxError) {
        var parser = RegexParser(Array(pattern.utf8))
        let tree = try parser.parse()
        var compiler = RegexCompiler()
        compiler.emit(.save(0))
        try compiler.compile(tree)
        compiler.emit(.save(1))
        compiler.emit(.match)
        self.pattern = pattern
        self.insts = compiler.insts
        self.setWords = compiler.sets.flatMap { [$0.w0, $0.w1, $0.w2, $0.w3] }
        self.slotCount = 2 * (parser.groupCount + 1)
        self.groupNames = parser.groupNames
        self.firstBytes = ByteRegex.computeFirstBytes(compiler.insts, compiler.sets)
    }

    func group(named name: String) -> Int? { groupNames[name] }

    private static func computeFirstBytes(_ insts: [Inst], _ sets: [ByteSet]) -> ByteSet? {
        var seen = Array(repeating: false, count: insts.count)
        var stack: [Int32] = [0]
        var result = ByteSet()
        while let pc = stack.popLast() {
            let i = Int(pc)
            if seen[i] { continue }
            seen[i] = true
            let inst = insts[i]
            switch inst.op {
            case .byte: result.formUnion(sets[Int(inst.x)])
            case .split: stack.append(inst.x); stack.append(inst.y)
            case .jump: stack.append(inst.x)
            case .save, .assert: stack.append(pc + 1)
            case .match: return nil
            }
        }
        return result
    }

    // MARK: matching

    /// The leftmost-first match in `buf[lo..<hi]` (positions are indices into `buf`), with all
    /// capture slots (-1 when a group did not take part). Bytes of `buf` outside the window
    /// are context for `^ $ \b` only. `anchored` only tries a match starting at `lo`.
    func firstMatch(in buf: UnsafeBufferPointer<UInt8>, from lo: Int, to hi: Int, anchored: Bool = false) -> [Int]? {
        var m = Matcher(self)
        return m.firstMatch(in: buf, from: lo, to: hi, anchored: anchored)
    }

    /// A reusable matcher: keeps the VM's thread lists between calls (a scan runs the same
    /// rule at many keyword hits, and allocating per run would dominate).
    struct Matcher {
        private let vm: PikeVM

        init(_ regex: ByteRegex) { vm = PikeVM(regex: regex) }

        mutating func firstMatch(in buf: UnsafeBufferPointer<UInt8>, from lo: Int, to hi: Int, anchored: Bool = false) -> [Int]? {
            vm.run(buf, lo, hi, anchored)
        }

        /// Every non-overlapping match in the window, left to right.
        mutating func allMatches(in buf: UnsafeBufferPointer<UInt8>, from lo: Int, to hi: Int, limit: Int = 64) -> [[Int]] {
            var out: [[Int]] = []
            var start = lo
            while start <= hi, out.count < limit, let m = vm.run(buf, start, hi, false) {
                out.append(m)
                start = m[1] > m[0] ? m[1] : m[1] + 1
            }
            return out
        }
    }

    /// Convenience for paths and short strings.
    func matches(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buf in
            firstMatch(in: UnsafeBufferPointer(buf), from: 0, to: buf.count) != nil
        }
    }
}

/// A set of byte values.
struct ByteSet: Sendable, Hashable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    init() {}

    init(_ bytes: some Sequence<UInt8>) {
        for b in bytes { insert(b) }
    }

    init(range: ClosedRange<UInt8>) {
        for b in range { insert(b) }
    }

    static let all: ByteSet = { var s = ByteSet(); s.w0 = ~0; s.w1 = ~0; s.w2 = ~0; s.w3 = ~0; return s }()

    @inline(__always) func contains(_ b: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }

    mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    mutating func formUnion(_ o: ByteSet) { w0 |= o.w0; w1 |= o.w1; w2 |= o.w2; w3 |= o.w3 }
    var inverted: ByteSet { var s = self; s.w0 = ~w0; s.w1 = ~w1; s.w2 = ~w2; s.w3 = ~w3; return s }

    /// Adds the other ASCII case of every letter in the set.
    var caseFolded: ByteSet {
        var s = self
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(b) || contains(b | 0x20) {
            s.insert(b); s.insert(b | 0x20)
        }
        return s
    }

    static let digit = ByteSet(range: UInt8(ascii: "0")...UInt8(ascii: "9"))
    static let word: ByteSet = {
        var s = ByteSet(range: UInt8(ascii: "0")...UInt8(ascii: "9"))
        s.formUnion(ByteSet(range: UInt8(ascii: "A")...UInt8(ascii: "Z")))
        s.formUnion(ByteSet(range: UInt8(ascii: "a")...UInt8(ascii: "z")))
        s.insert(UInt8(ascii: "_"))
        return s
    }()
    static let space = ByteSet([9, 10, 11, 12, 13, 32])
}

/// A pattern the engine cannot compile: the reason and the byte offset.
struct RegexSyntaxError: Error, Sendable, CustomStringConvertible {
    var reason: String
    var offset: Int
    var description: String { "\(reason) at offset \(offset)" }
}

// MARK: - parser

indirect enum RegexNode {
    case empty
    case set(ByteSet)
    case concat([RegexNode])
    case alternate([RegexNode])
    case repeating(RegexNode, min: Int, max: Int?, greedy: Bool)
    case group(RegexNode, index: Int?)
    case assertion(ByteRegex.Assertion)
}

struct RegexParser {
    private let p: [UInt8]
    private var i = 0
    private var caseInsensitive = false
    private var dotAll = false
    private var depth = 0
    private(set) var groupCount = 0
    private(set) var groupNames: [String: Int] = [:]

    static let maxRepeat = 1000
    static let maxDepth = 200

    init(_ pattern: [UInt8]) { p = pattern }

    private func error(_ reason: String) -> RegexSyntaxError { RegexSyntaxError(reason: reason, offset: i) }
    private var atEnd: Bool { i >= p.count }
    private func peek(_ k: Int = 0) -> UInt8? { i + k < p.count ? p[i + k] : nil }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try parseAlternation()
        if !atEnd { throw error("unmatched ')'") }
        return node
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        if depth > RegexParser.maxDepth { throw error("nesting too deep") }
        var branches = [try parseConcat()]
        while peek() == UInt8(ascii: "|") {
            i += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func parseConcat() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
            var atom = try parseAtom()
            while let q = peek() {
                var lo = 0, hi: Int? = nil
                if q == UInt8(ascii: "*") { i += 1 }
                else if q == UInt8(ascii: "+") { lo = 1; i += 1 }
                else if q == UInt8(ascii: "?") { hi = 1; i += 1 }
                else if q == UInt8(ascii: "{"), let (a, b, len) = parseBraces() {
                    lo = a; hi = b; i += len
                } else { break }
                if case .empty = atom { continue }
                if case .assertion = atom { throw error("repetition of an assertion") }
                var greedy = true
                if peek() == UInt8(ascii: "?") { greedy = false; i += 1 }
                atom = .repeating(atom, min: lo, max: hi, greedy: greedy)
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .concat(items)
    }

    /// `{n}`, `{n,}`, `{n,m}` at `i`; nil when the brace is a literal (Go's rule).
    private func parseBraces() -> (Int, Int?, Int)? {
        var k = i + 1
        func number() -> Int? {
            var v = 0, n = 0
            while k < p.count, p[k] >= 48, p[k] <= 57, n < 5 { v = v * 10 + Int(p[k] - 48); k += 1; n += 1 }
            return n == 0 ? nil : v
        }
        guard let lo = number() else { return nil }
        var hi: Int? = lo
        if k < p.count, p[k] == UInt8(ascii: ",") {
            k += 1
            hi = number()
        }
        guard k < p.count, p[k] == UInt8(ascii: "}") else { return nil }
        if lo > RegexParser.maxRepeat || (hi ?? 0) > RegexParser.maxRepeat { return nil }
        if let h = hi, h < lo { return nil }
        return (lo, hi, k + 1 - i)
    }

    private func literal(_ b: UInt8) -> RegexNode {
        var s = ByteSet([b])
        if caseInsensitive { s = s.caseFolded }
        return .set(s)
    }

    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode {
        guard let c = peek() else { throw error("unexpected end") }
        switch c {
        case UInt8(ascii: "("):
            return try parseGroup()
        case UInt8(ascii: "["):
            i += 1
            return .set(try parseClass())
        case UInt8(ascii: "."):
            i += 1
            return .set(dotAll ? .all : ByteSet([10]).inverted)
        case UInt8(ascii: "^"):
            i += 1
            return .assertion(.lineStart)
        case UInt8(ascii: "$"):
            i += 1
            return .assertion(.lineEnd)
        case UInt8(ascii: "\\"):
            i += 1
            return try parseEscape(inClass: false)
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw error("missing argument to repetition operator")
        default:
            i += 1
            return literal(c)
        }
    }

    private mutating func parseGroup() throws(RegexSyntaxError) -> RegexNode {
        i += 1  // (
        var index: Int? = nil
        let savedCI = caseInsensitive, savedDot = dotAll
        if peek() == UInt8(ascii: "?") {
            i += 1
            if peek() == UInt8(ascii: "P") || (peek() == UInt8(ascii: "<") && peek(1) != UInt8(ascii: "=") && peek(1) != UInt8(ascii: "!")) {
                if peek() == UInt8(ascii: "P") { i += 1 }
                guard peek() == UInt8(ascii: "<") else { throw error("bad named group") }
                i += 1
                let start = i
                while let c = peek(), c != UInt8(ascii: ">") {
                    guard ByteSet.word.contains(c) else { throw error("bad group name") }
                    i += 1
                }
                guard peek() == UInt8(ascii: ">"), i > start else { throw error("bad named group") }
                let name = String(decoding: p[start..<i], as: UTF8.self)
                i += 1
                groupCount += 1
                index = groupCount
                if groupNames[name] != nil { throw error("duplicate group name \(name)") }
                groupNames[name] = groupCount
            } else {
                // flags: (?i) (?s) (?m) (?-i) (?i:...)
                var on = true
                var scoped = false
                while let c = peek() {
                    i += 1
                    switch c {
                    case UInt8(ascii: "i"): caseInsensitive = on
                    case UInt8(ascii: "s"): dotAll = on
                    case UInt8(ascii: "m"): break  // ^ and $ always work per line here
                    case UInt8(ascii: "-"): on = false
                    case UInt8(ascii: ":"): scoped = true
                    case UInt8(ascii: ")"):
                        // flags apply to the rest of the enclosing group
                        return .empty
                    default:
                        throw error("unsupported group flag or syntax")
                    }
                    if scoped { break }
                }
                if !scoped { throw error("missing ')'") }
            }
        } else {
            groupCount += 1
            index = groupCount
        }
        let body = try parseAlternation()
        guard peek() == UInt8(ascii: ")") else { throw error("missing ')'") }
        i += 1
        caseInsensitive = savedCI
        dotAll = savedDot
        return .group(body, index: index)
    }

    private mutating func parseEscape(inClass: Bool) throws(RegexSyntaxError) -> RegexNode {
        guard let c = peek() else { throw error("trailing backslash") }
        i += 1
        switch c {
        case UInt8(ascii: "d"): return .set(.digit)
        case UInt8(ascii: "D"): return .set(ByteSet.digit.inverted)
        case UInt8(ascii: "w"): return .set(.word)
        case UInt8(ascii: "W"): return .set(ByteSet.word.inverted)
        case UInt8(ascii: "s"): return .set(.space)
        case UInt8(ascii: "S"): return .set(ByteSet.space.inverted)
        case UInt8(ascii: "n"): return .set(ByteSet([10]))
        case UInt8(ascii: "r"): return .set(ByteSet([13]))
        case UInt8(ascii: "t"): return .set(ByteSet([9]))
        case UInt8(ascii: "f"): return .set(ByteSet([12]))
        case UInt8(ascii: "v"): return .set(ByteSet([11]))
        case UInt8(ascii: "b") where !inClass: return .assertion(.wordBoundary)
        case UInt8(ascii: "B") where !inClass: return .assertion(.notWordBoundary)
        case UInt8(ascii: "A") where !inClass: return .assertion(.textStart)
        case UInt8(ascii: "z") where !inClass: return .assertion(.textEnd)
        case UInt8(ascii: "x"):
            var hex: [UInt8] = []
            if peek() == UInt8(ascii: "{") {
                i += 1
                while let h = peek(), h != UInt8(ascii: "}") { hex.append(h); i += 1 }
                i += 1
            } else {
                for _ in 0..<2 { if let h = peek() { hex.append(h); i += 1 } }
            }
            guard let v = UInt32(String(decoding: hex, as: UTF8.self), radix: 16), v < 256 else {
                throw error("unsupported \\x escape (only bytes)")
            }
            return literal(UInt8(v))
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            throw error("unicode classes are not supported")
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw error("back-references are not supported")
        default:
            if ByteSet.word.contains(c) { throw error("unknown escape \\\(Character(Unicode.Scalar(c)))") }
            return literal(c)
        }
    }

    private mutating func parseClass() throws(RegexSyntaxError) -> ByteSet {
        var set = ByteSet()
        var negate = false
        if peek() == UInt8(ascii: "^") { negate = true; i += 1 }
        var first = true
        while true {
            guard let c = peek() else { throw error("missing ']'") }
            if c == UInt8(ascii: "]") && !first { i += 1; break }
            first = false
            if c == UInt8(ascii: "["), peek(1) == UInt8(ascii: ":") {
                let start = i + 2
                var k = start
                while k + 1 < p.count, !(p[k] == UInt8(ascii: ":") && p[k + 1] == UInt8(ascii: "]")) { k += 1 }
                guard k + 1 < p.count else { throw error("bad POSIX class") }
                let name = String(decoding: p[start..<k], as: UTF8.self)
                guard let s = RegexParser.posix(name) else { throw error("unknown POSIX class \(name)") }
                set.formUnion(s)
                i = k + 2
                continue
            }
            var lo: UInt8
            if c == UInt8(ascii: "\\") {
                i += 1
                let node = try parseEscape(inClass: true)
                guard case .set(let s) = node else { throw error("bad escape in class") }
                if let b = s.singleByte {
                    lo = b
                } else {
                    set.formUnion(s)
                    continue
                }
            } else {
                lo = c
                i += 1
            }
            if peek() == UInt8(ascii: "-"), let n = peek(1), n != UInt8(ascii: "]") {
                i += 1
                var hi: UInt8
                if n == UInt8(ascii: "\\") {
                    i += 1
                    let node = try parseEscape(inClass: true)
                    guard case .set(let s) = node, let b = s.singleByte else { throw error("bad range end") }
                    hi = b
                } else {
                    hi = n
                    i += 1
                }
                guard hi >= lo else { throw error("bad character range") }
                set.formUnion(ByteSet(range: lo...hi))
            } else {
                set.insert(lo)
            }
        }
        if caseInsensitive { set = set.caseFolded }
        return negate ? set.inverted : set
    }

    static func posix(_ name: String) -> ByteSet? {
        func r(_ a: Character, _ b: Character) -> ByteSet { ByteSet(range: a.asciiValue!...b.asciiValue!) }
        switch name {
        case "alnum": var s = r("0", "9"); s.formUnion(r("A", "Z")); s.formUnion(r("a", "z")); return s
        case "alpha": var s = r("A", "Z"); s.formUnion(r("a", "z")); return s
        case "digit": return r("0", "9")
        case "xdigit": var s = r("0", "9"); s.formUnion(r("A", "F")); s.formUnion(r("a", "f")); return s
        case "upper": return r("A", "Z")
        case "lower": return r("a", "z")
        case "space": return .space
        case "word": return .word
        case "punct":
            return ByteSet((33...126).filter { !ByteSet.word.contains($0) || $0 == UInt8(ascii: "_") })
        default: return nil
        }
    }
}

extension ByteSet {
    /// The byte when the set holds exactly one (or one letter in both cases, when folding).
    var singleByte: UInt8? {
        var found: UInt8? = nil
        for b in 0...255 where contains(UInt8(b)) {
            if found != nil { return nil }
            found = UInt8(b)
        }
        return found
    }
}

// MARK: - compiler

struct RegexCompiler {
    var insts: [ByteRegex.Inst] = []
    var sets: [ByteSet] = []
    private var setIndex: [ByteSet: Int32] = [:]

    enum Simple { case save(Int32), match }

    mutating func emit(_ s: Simple) {
        switch s {
        case .save(let n): insts.append(.init(op: .save, x: n, y: 0))
        case .match: insts.append(.init(op: .match, x: 0, y: 0))
        }
    }

    private mutating func check() throws(RegexSyntaxError) {
        if insts.count > ByteRegex.maxInstructions {
            throw RegexSyntaxError(reason: "pattern too large (more than \(ByteRegex.maxInstructions) instructions)", offset: 0)
        }
    }

    private var pc: Int32 { Int32(insts.count) }

    mutating func compile(_ node: RegexNode) throws(RegexSyntaxError) {
        try check()
        switch node {
        case .empty:
            break
        case .set(let s):
            let idx: Int32
            if let k = setIndex[s] { idx = k } else {
                idx = Int32(sets.count)
                sets.append(s)
                setIndex[s] = idx
            }
            insts.append(.init(op: .byte, x: idx, y: 0))
        case .concat(let items):
            for item in items { try compile(item) }
        case .alternate(let branches):
            var jumps: [Int] = []
            for (k, branch) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = insts.count
                    insts.append(.init(op: .split, x: pc + 1, y: 0))
                    try compile(branch)
                    jumps.append(insts.count)
                    insts.append(.init(op: .jump, x: 0, y: 0))
                    insts[split].y = pc
                } else {
                    try compile(branch)
                }
            }
            for j in jumps { insts[j].x = pc }
        case .group(let body, let index):
            if let index { insts.append(.init(op: .save, x: Int32(2 * index), y: 0)) }
            try compile(body)
            if let index { insts.append(.init(op: .save, x: Int32(2 * index + 1), y: 0)) }
        case .assertion(let a):
            insts.append(.init(op: .assert, x: a.rawValue, y: 0))
        case .repeating(let body, let min, let max, let greedy):
            for _ in 0..<min { try compile(body) }
            if let max {
                // (body(body(body)?)?)?: each optional copy jumps to the end when skipped
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(insts.count)
                    insts.append(.init(op: .split, x: 0, y: 0))
                    try compile(body)
                }
                for s in splits {
                    if greedy { insts[s].x = Int32(s + 1); insts[s].y = pc } else { insts[s].x = pc; insts[s].y = Int32(s + 1) }
                }
            } else {
                let loop = insts.count
                insts.append(.init(op: .split, x: 0, y: 0))
                try compile(body)
                insts.append(.init(op: .jump, x: Int32(loop), y: 0))
                if greedy { insts[loop].x = Int32(loop + 1); insts[loop].y = pc } else { insts[loop].x = pc; insts[loop].y = Int32(loop + 1) }
            }
        }
    }
}

// MARK: - Pike VM

/// The VM's working memory lives in raw buffers allocated once per matcher: the inner loop
/// then runs without reference counting or bounds checks (indices are program counters and
/// slot numbers the compiler produced, and positions the caller bounded).
private final class PikeVM {
    private let n: Int
    private let slots: Int
    private let insts: UnsafeMutablePointer<ByteRegex.Inst>
    private let words: UnsafeMutablePointer<UInt64>
    private let first: ByteSet?
    /// Threads that consume a byte (or match), in priority order; `stamp[pc] == gen` marks
    /// instructions already visited while building the list of generation `gen`.
    private var cDense, nDense: UnsafeMutablePointer<Int32>
    private let stamp: UnsafeMutablePointer<UInt32>
    private var generation: UInt32 = 0
    private var cCaps, nCaps: UnsafeMutablePointer<Int>
    private let current: UnsafeMutablePointer<Int>
    /// Explicit stack for the epsilon closure: (pc, slot or -1, old value). Each instruction
    /// is visited once per closure and pushes at most one entry, so 2n+2 entries suffice.
    private let stackPC: UnsafeMutablePointer<Int32>
    private let stackSlot: UnsafeMutablePointer<Int32>
    private let stackValue: UnsafeMutablePointer<Int>

    init(regex: ByteRegex) {
        n = regex.insts.count
        slots = regex.slotCount
        insts = .allocate(capacity: n)
        insts.initialize(from: regex.insts, count: n)
        words = .allocate(capacity: max(1, regex.setWords.count))
        words.initialize(from: regex.setWords, count: regex.setWords.count)
        first = regex.firstBytes
        cDense = .allocate(capacity: n); nDense = .allocate(capacity: n)
        cDense.initialize(repeating: 0, count: n); nDense.initialize(repeating: 0, count: n)
        stamp = .allocate(capacity: n)
        stamp.initialize(repeating: 0, count: n)
        cCaps = .allocate(capacity: n * slots); nCaps = .allocate(capacity: n * slots)
        cCaps.initialize(repeating: -1, count: n * slots); nCaps.initialize(repeating: -1, count: n * slots)
        current = .allocate(capacity: slots)
        current.initialize(repeating: -1, count: slots)
        stackPC = .allocate(capacity: 2 * n + 2)
        stackSlot = .allocate(capacity: 2 * n + 2)
        stackValue = .allocate(capacity: 2 * n + 2)
    }

    deinit {
        insts.deallocate(); words.deallocate()
        cDense.deallocate(); nDense.deallocate(); stamp.deallocate()
        cCaps.deallocate(); nCaps.deallocate(); current.deallocate()
        stackPC.deallocate(); stackSlot.deallocate(); stackValue.deallocate()
    }

    @inline(__always) private static func isWord(_ b: UInt8) -> Bool { ByteSet.word.contains(b) }

    private func holds(_ a: Int32, _ buf: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Bool {
        let before: UInt8? = pos > 0 ? buf[pos - 1] : nil
        let after: UInt8? = pos < buf.count ? buf[pos] : nil
        switch ByteRegex.Assertion(rawValue: a) ?? .textEnd {
        case .lineStart: return before == nil || before == 10
        case .lineEnd: return after == nil || after == 10 || (after == 13 && (pos + 1 >= buf.count || buf[pos + 1] == 10))
        case .textStart: return before == nil
        case .textEnd: return after == nil
        case .wordBoundary, .notWordBoundary:
            let w1 = before.map(PikeVM.isWord) ?? false
            let w2 = after.map(PikeVM.isWord) ?? false
            return (w1 != w2) == (a == ByteRegex.Assertion.wordBoundary.rawValue)
        }
    }

    /// Follows empty transitions from `pc0` at `pos` into the list (dense, sparse, caps, count),
    /// in priority order; `current` holds the captures of the thread that leads here.
    private func nextGeneration() -> UInt32 {
        if generation == UInt32.max {
            stamp.update(repeating: 0, count: n)
            generation = 0
        }
        generation += 1
        return generation
    }

    @inline(__always)
    private func add(_ dense: UnsafeMutablePointer<Int32>, _ gen: UInt32,
                     _ caps: UnsafeMutablePointer<Int>, _ count: inout Int,
                     _ pc0: Int32, _ pos: Int, _ buf: UnsafeBufferPointer<UInt8>) {
        var top = 0
        stackPC[0] = pc0; stackSlot[0] = -1
        top = 1
        while top > 0 {
            top -= 1
            let slot = Int(stackSlot[top])
            if slot >= 0 { current[slot] = stackValue[top]; continue }
            var pc = Int(stackPC[top])
            while true {
                if stamp[pc] == gen { break }
                stamp[pc] = gen
                let inst = insts[pc]
                switch inst.op {
                case .jump:
                    pc = Int(inst.x)
                    continue
                case .split:
                    stackPC[top] = inst.y; stackSlot[top] = -1; top += 1
                    pc = Int(inst.x)
                    continue
                case .save:
                    let s = Int(inst.x)
                    if s < slots {
                        stackSlot[top] = Int32(s); stackValue[top] = current[s]; top += 1
                        current[s] = pos
                    }
                    pc += 1
                    continue
                case .assert:
                    if holds(inst.x, buf, pos) { pc += 1; continue }
                case .byte, .match:
                    dense[count] = Int32(pc)
                    (caps + count * slots).update(from: current, count: slots)
                    count += 1
                }
                break
            }
        }
    }

    func run(_ buf: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ anchored: Bool) -> [Int]? {
        var cCount = 0, nCount = 0
        var cGen = nextGeneration()
        var matched: [Int]? = nil
        var pos = lo
        while true {
            if matched == nil && (!anchored || pos == lo) {
                if cCount == 0, !anchored, let first {
                    while pos < hi, !first.contains(buf[pos]) { pos += 1 }
                    if pos >= hi { return nil }
                }
                // an empty list may carry stamps from a start tried at an earlier position
                if cCount == 0 { cGen = nextGeneration() }
                current.update(repeating: -1, count: slots)
                add(cDense, cGen, cCaps, &cCount, 0, pos, buf)
            }
            if cCount == 0 {
                // no thread consumes a byte here: try the next start, if any is left
                if matched != nil || anchored || pos >= hi { break }
                pos += 1
                continue
            }
            nCount = 0
            let nGen = nextGeneration()
            let byte: Int = pos < hi ? Int(buf[pos]) : -1
            var i = 0
            while i < cCount {
                let pc = Int(cDense[i])
                let inst = insts[pc]
                if inst.op == .match {
                    matched = Array(UnsafeBufferPointer(start: cCaps + i * slots, count: slots))
                    break
                }
                if inst.op == .byte, byte >= 0,
                   words[Int(inst.x) &* 4 &+ (byte >> 6)] & (UInt64(1) << UInt64(byte & 63)) != 0 {
                    current.update(from: cCaps + i * slots, count: slots)
                    add(nDense, nGen, nCaps, &nCount, Int32(pc + 1), pos + 1, buf)
                }
                i += 1
            }
            swap(&cDense, &nDense); swap(&cCaps, &nCaps)
            cCount = nCount
            cGen = nGen
            if pos >= hi { break }
            pos += 1
            if anchored && matched == nil && cCount == 0 { break }
        }
        return matched
    }
}
