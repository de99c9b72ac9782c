/// A Python package version (PEP 440, as `packaging.version.Version` parses and orders it):
/// `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spelling normalisation PEP 440
/// allows (case, `v` prefix, `-`/`_`/`.` separators, implicit numbers, `alpha`/`c`/`pre`/
/// `preview`/`rev`/`r` aliases, `1.0-1` as a post-release).
public struct PEP440Version: Sendable, CustomStringConvertible {
    public enum PreKind: Int, Sendable, Comparable {
        case a = 0, b = 1, rc = 2
        public static func < (l: PreKind, r: PreKind) -> Bool { l.rawValue < r.rawValue }
        var label: String { ["a", "b", "rc"][rawValue] }
    }
    public enum LocalPart: Sendable, Hashable {
        case number(Numeral)
        case text(String)
    }

    /// The parsed fields, boxed so a version is three references and copies cheaply.
    final class Parts: Sendable {
        let epoch: Numeral
        let release: [Numeral]
        let pre: (kind: PreKind, number: Numeral)?
        let post: Numeral?
        let dev: Numeral?
        let local: [LocalPart]
        let trimmedRelease: ArraySlice<Numeral>
        init(epoch: Numeral, release: [Numeral], pre: (kind: PreKind, number: Numeral)?, post: Numeral?, dev: Numeral?, local: [LocalPart]) {
            self.epoch = epoch; self.release = release; self.pre = pre; self.post = post; self.dev = dev; self.local = local
            var end = release.count
            while end > 0 && release[end - 1].isZero { end -= 1 }
            self.trimmedRelease = release[0..<end]
        }
    }

    let parts: Parts
    public var epoch: Numeral { parts.epoch }
    /// The release numbers as written (trailing zeros are ignored when comparing).
    public var release: [Numeral] { parts.release }
    public var pre: (kind: PreKind, number: Numeral)? { parts.pre }
    public var post: Numeral? { parts.post }
    public var dev: Numeral? { parts.dev }
    public var local: [LocalPart] { parts.local }
    /// Release without trailing zeros: the part that takes part in comparison.
    var trimmedRelease: ArraySlice<Numeral> { parts.trimmedRelease }
    let original: String
    /// packaging's comparison key as bytes whose order is the version order (see `sortKey`),
    /// so a comparison is one memcmp.
    private(set) var key: [UInt8] = []

    public var description: String { original }

    /// The normalised form (`packaging`'s `str(Version(...))`).
    public var normalized: String {
        var s = ""
        if !epoch.isZero { s += "\(epoch)!" }
        s += release.map(\.description).joined(separator: ".")
        if let pre { s += pre.kind.label + pre.number.description }
        if let post { s += ".post\(post)" }
        if let dev { s += ".dev\(dev)" }
        if !local.isEmpty {
            s += "+" + local.map { part -> String in
                switch part { case .number(let n): return n.description; case .text(let t): return t }
            }.joined(separator: ".")
        }
        return s
    }

    public init(_ string: String) throws(VersionError) {
        try checkLength(string, .pep440)
        var p = Parser(Array(string.lowercased().utf8))
        func fail(_ reason: String) -> VersionError { VersionError(scheme: .pep440, input: string, reason: reason) }
        p.skipSpaces()
        if p.peek == 0x76 { p.pos += 1 }  // "v"
        guard let first = p.number() else { throw fail("expected a release number at byte \(p.pos)") }
        var epoch = Numeral(0)
        var release: [Numeral] = [first]
        if p.peek == 0x21 {  // "!"
            p.pos += 1
            epoch = first
            guard let r = p.number() else { throw fail("expected a release number after the epoch") }
            release = [r]
        }
        while p.peek == 0x2E, let d = p.byte(at: p.pos + 1), isDigit(d) {
            p.pos += 1
            guard let n = p.number() else { break }
            release.append(n)
        }
        // Pre-release: [-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? N?
        var pre: (PreKind, Numeral)?
        do {
            let save = p.pos
            p.optionalSeparator()
            let labels: [(String, PreKind)] = [("alpha", .a), ("a", .a), ("beta", .b), ("b", .b),
                                               ("preview", .rc), ("pre", .rc), ("c", .rc), ("rc", .rc)]
            if let (kind, _) = p.label(labels) {
                pre = (kind, p.implicitNumber())
            } else {
                p.pos = save
            }
        }
        // Post-release: -N | [-_.]? (post|rev|r) [-_.]? N?
        var post: Numeral?
        do {
            let save = p.pos
            if p.peek == 0x2D, let d = p.byte(at: p.pos + 1), isDigit(d) {
                p.pos += 1
                post = p.number()
            } else {
                p.optionalSeparator()
                if p.label([("post", 0), ("rev", 0), ("r", 0)]) != nil {
                    post = p.implicitNumber()
                } else {
                    p.pos = save
                }
            }
        }
        var dev: Numeral?
        do {
            let save = p.pos
            p.optionalSeparator()
            if p.label([("dev", 0)]) != nil {
                dev = p.implicitNumber()
            } else {
                p.pos = save
            }
        }
        var local: [LocalPart] = []
        if p.peek == 0x2B {  // "+"
            p.pos += 1
            while true {
                let start = p.pos
                while let c = p.peek, isAlnum(c) { p.pos += 1 }
                if start == p.pos { throw fail("empty local version segment") }
                let seg = p.bytes[start..<p.pos]
                if seg.allSatisfy(isDigit) {
                    local.append(.number(Numeral(digits: String(decoding: seg, as: UTF8.self))))
                } else {
                    local.append(.text(String(decoding: seg, as: UTF8.self)))
                }
                if let c = p.peek, c == 0x2D || c == 0x5F || c == 0x2E { p.pos += 1 } else { break }
            }
        }
        p.skipSpaces()
        if p.pos != p.bytes.count { throw fail("unexpected text at byte \(p.pos)") }

        self.parts = Parts(epoch: epoch, release: release, pre: pre.map { (kind: $0.0, number: $0.1) }, post: post, dev: dev, local: local)
        self.original = string
        self.key = sortKey()
    }

    /// Each field is self-delimiting, so byte order is field order: numbers as a two-byte
    /// digit count (leading zeros dropped) and the digits; the trimmed release as 0x01+number
    /// per element and 0x00 at the end (a shorter release sorts first); the pre-release rank
    /// (dev-only < a < b < rc < none) and number; post and dev as presence bytes (no post
    /// first; a dev release first) and numbers; then no local version (0x00) or 0x01 and its
    /// segments, text as 0x01+bytes+0x00 before numbers as 0x02+number, ended by 0x00.
    func sortKey() -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(32)
        func num(_ n: Numeral) {
            let digits = n.isZero ? "" : n.description
            let c = digits.utf8.count
            k.append(UInt8(truncatingIfNeeded: c >> 8)); k.append(UInt8(truncatingIfNeeded: c))
            k.append(contentsOf: digits.utf8)
        }
        num(epoch)
        for r in trimmedRelease { k.append(0x01); num(r) }
        k.append(0x00)
        k.append(UInt8(preKey + 2)); num(pre?.number ?? Numeral(0))
        k.append(post == nil ? 0 : 1); num(post ?? Numeral(0))
        k.append(dev == nil ? 1 : 0); num(dev ?? Numeral(0))
        if local.isEmpty {
            k.append(0x00)
        } else {
            k.append(0x01)
            for part in local {
                switch part {
                case .text(let t): k.append(0x01); k.append(contentsOf: t.utf8); k.append(0x00)
                case .number(let n): k.append(0x02); num(n)
                }
            }
            k.append(0x00)
        }
        return k
    }

    struct Parser {
        let bytes: [UInt8]
        var pos = 0
        init(_ b: [UInt8]) { bytes = b }
        var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }
        func byte(at i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        mutating func skipSpaces() {
            while let c = peek, c == 0x20 || (c >= 0x09 && c <= 0x0D) { pos += 1 }
        }
        mutating func number() -> Numeral? {
            let start = pos
            while let c = peek, isDigit(c) { pos += 1 }
            if start == pos { return nil }
            return Numeral(digits: String(decoding: bytes[start..<pos], as: UTF8.self))
        }
        mutating func optionalSeparator() {
            if let c = peek, c == 0x2D || c == 0x5F || c == 0x2E { pos += 1 }
        }
        /// The first label (in the grammar's order) that matches here.
        mutating func label<T>(_ labels: [(String, T)]) -> (T, String)? {
            for (l, v) in labels {
                let u = Array(l.utf8)
                if pos + u.count <= bytes.count && Array(bytes[pos..<pos + u.count]) == u {
                    pos += u.count
                    return (v, l)
                }
            }
            return nil
        }
        /// `[-_.]? N?`, where a missing number means 0. The separator is taken even when no
        /// number follows: every later part has its own optional separator, so taking it never
        /// loses a match the reference grammar would find (and `1.0a.` is valid there too).
        mutating func implicitNumber() -> Numeral {
            optionalSeparator()
            return number() ?? Numeral(0)
        }
    }

    static func compareOptional(_ a: Numeral?, _ b: Numeral?, missingIsGreatest: Bool) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _?): return missingIsGreatest ? 1 : -1
        case (_?, nil): return missingIsGreatest ? -1 : 1
        case let (x?, y?): return Numeral.compare(x, y)
        }
    }

    public static func compare(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        compareKeys(a.key, b.key)
    }

    /// packaging's `_cmpkey` order computed field by field; the reference for the sort key.
    static func compareByFields(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        var c = Numeral.compare(a.epoch, b.epoch)
        if c != 0 { return c }
        let n = max(a.trimmedRelease.count, b.trimmedRelease.count)
        for k in 0..<n {
            let x = k < a.trimmedRelease.count ? a.trimmedRelease[a.trimmedRelease.startIndex + k] : Numeral(0)
            let y = k < b.trimmedRelease.count ? b.trimmedRelease[b.trimmedRelease.startIndex + k] : Numeral(0)
            c = Numeral.compare(x, y)
            if c != 0 { return c }
        }
        c = compareInt(a.preKey, b.preKey)
        if c != 0 { return c }
        if let x = a.pre, let y = b.pre {
            c = Numeral.compare(x.number, y.number)
            if c != 0 { return c }
        }
        c = compareOptional(a.post, b.post, missingIsGreatest: false)
        if c != 0 { return c }
        c = compareOptional(a.dev, b.dev, missingIsGreatest: true)
        if c != 0 { return c }
        return compareLocal(a.local, b.local)
    }

    /// packaging's pre key: a dev-only release sorts before any pre-release, no pre-release
    /// after all of them.
    var preKey: Int {
        if let pre { return pre.kind.rawValue }
        if post == nil && dev != nil { return -1 }
        return 3
    }

    static func compareInt(_ a: Int, _ b: Int) -> Int { a == b ? 0 : (a < b ? -1 : 1) }

    /// Local segments: numbers sort above strings, numbers by value, strings by characters; a
    /// missing local version sorts lowest.
    static func compareLocal(_ a: [LocalPart], _ b: [LocalPart]) -> Int {
        for k in 0..<min(a.count, b.count) {
            switch (a[k], b[k]) {
            case let (.number(x), .number(y)):
                let c = Numeral.compare(x, y)
                if c != 0 { return c }
            case (.number, .text): return 1
            case (.text, .number): return -1
            case let (.text(x), .text(y)):
                if x != y { return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : 1 }
            }
        }
        return compareInt(a.count, b.count)
    }
}

extension PEP440Version: Comparable, Hashable {
    public static func < (a: PEP440Version, b: PEP440Version) -> Bool { compare(a, b) < 0 }
    public static func == (a: PEP440Version, b: PEP440Version) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}
