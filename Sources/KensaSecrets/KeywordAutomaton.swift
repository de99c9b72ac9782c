/// A case-insensitive Aho–Corasick automaton over bytes: one table lookup per input byte
/// finds every occurrence of every rule keyword, so the regexes run only where a keyword is.
/// The table is a full DFA over byte classes (the distinct letters, digits and symbols of the
/// keywords; every other byte is class 0), which keeps it small enough for the L1/L2 cache.
struct KeywordAutomaton: Sendable {
    /// Lower-cased keywords, in the order given.
    let keywords: [[UInt8]]
    /// Byte → class.
    private let classOf: [UInt8]
    private let classCount: Int
    /// `next[state * classCount + class]`.
    private let next: [Int32]
    /// Keyword indices that end in each state (own plus those of its suffix states).
    private let outputStart: [Int32]
    private let outputs: [Int32]

    init(keywords raw: [String]) {
        let words = raw.map { Array($0.utf8).map(KeywordAutomaton.lower) }
        keywords = words
        var classes = [UInt8](repeating: 0, count: 256)
        var count = 1
        for w in words {
            for b in w where classes[Int(b)] == 0 {
                classes[Int(b)] = UInt8(truncatingIfNeeded: count)
                if b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") { classes[Int(b - 32)] = UInt8(truncatingIfNeeded: count) }
                count += 1
                if count >= 255 { break }
            }
        }
        classOf = classes
        classCount = count

        // trie
        var goto: [[Int32]] = [Array(repeating: -1, count: count)]
        var own: [[Int32]] = [[]]
        for (k, w) in words.enumerated() where !w.isEmpty {
            var s = 0
            for b in w {
                let c = Int(classes[Int(b)])
                if goto[s][c] < 0 {
                    goto[s][c] = Int32(goto.count)
                    goto.append(Array(repeating: -1, count: count))
                    own.append([])
                }
                s = Int(goto[s][c])
            }
            own[s].append(Int32(k))
        }
        // breadth-first: failure links, completed transitions, merged outputs
        let n = goto.count
        var fail = [Int32](repeating: 0, count: n)
        var table = [Int32](repeating: 0, count: n * count)
        var out = own
        var queue: [Int] = []
        for c in 0..<count {
            let t = goto[0][c]
            if t >= 0 { table[c] = t; fail[Int(t)] = 0; queue.append(Int(t)) } else { table[c] = 0 }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]; head += 1
            out[s] += out[Int(fail[s])].filter { !out[s].contains($0) }
            for c in 0..<count {
                let t = goto[s][c]
                let viaFail = table[Int(fail[s]) * count + c]
                if t >= 0 {
                    fail[Int(t)] = viaFail
                    table[s * count + c] = t
                    queue.append(Int(t))
                } else {
                    table[s * count + c] = viaFail
                }
            }
        }
        next = table
        var starts: [Int32] = [0]
        var flat: [Int32] = []
        for s in 0..<n {
            flat += out[s]
            starts.append(Int32(flat.count))
        }
        outputStart = starts
        outputs = flat
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }

    /// Runs over `bytes` from `state`, calling `hit(keywordIndex, startOffset)` for every
    /// occurrence (start offsets may be negative when a keyword began in earlier bytes);
    /// returns the state to continue with on the next chunk.
    @inline(__always)
    func run(_ bytes: UnsafeBufferPointer<UInt8>, state: Int32, hit: (Int, Int) -> Void) -> Int32 {
        var s = Int(state)
        let cc = classCount
        classOf.withUnsafeBufferPointer { cls in
            next.withUnsafeBufferPointer { tbl in
                outputStart.withUnsafeBufferPointer { os in
                    var i = 0
                    let n = bytes.count
                    while i < n {
                        s = Int(tbl[s &* cc &+ Int(cls[Int(bytes[i])])])
                        let a = Int(os[s]), b = Int(os[s &+ 1])
                        if a != b {
                            for k in a..<b {
                                let kw = Int(outputs[k])
                                hit(kw, i + 1 - keywords[kw].count)
                            }
                        }
                        i &+= 1
                    }
                }
            }
        }
        return Int32(s)
    }
}
