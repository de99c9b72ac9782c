/// A Maven artifact version, parsed and ordered as Maven 3.8's `ComparableVersion`: items split
/// on `.` and `-` and at digit/letter boundaries, `-` (and a letter→digit switch) opening a
/// nested list; trailing "null" items (0, "", `ga`/`final`/`release`) dropped; qualifiers
/// ordered `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp`,
/// unknown qualifiers after those, by text; `a1`/`b1`/`m1` read as alpha/beta/milestone.
/// Every string is a version (as in Maven); only the length is bounded.
public struct MavenVersion: Sendable, CustomStringConvertible {
    indirect enum Item: Sendable, Hashable {
        /// Integers keep Maven's three widths (int, long, BigInteger by digit count), because
        /// Maven orders a wider integer item above a narrower one whatever their values.
        case int(UInt64)
        case long(UInt64)
        case big(String)
        case string(String)
        case list([Item])
    }

    let items: [Item]
    public let description: String

    static let maxIntLength = 9
    static let maxLongLength = 18

    public init(_ string: String) throws(VersionError) {
        if string.utf8.count > maximumVersionLength {
            throw VersionError(scheme: .maven, input: string, reason: "longer than \(maximumVersionLength) bytes")
        }
        guard let items = MavenVersion.parse(string) else {
            throw VersionError(scheme: .maven, input: string,
                               reason: "nested more than \(MavenVersion.maxNesting) levels deep")
        }
        self.description = string
        self.items = items
    }

    /// Each `-` (and each letter/digit switch) opens a nested list. Maven has no limit; this
    /// bound keeps comparison recursion shallow on hostile input. Real versions nest < 10 deep.
    static let maxNesting = 200

    static func parse(_ version: String) -> [Item]? {
        let chars = Array(version.lowercased().unicodeScalars)
        // Lists are built on a stack; a child list is attached to its parent when the parent
        // is finished (normalisation runs innermost first, as Maven's does).
        var stack: [[Item]] = [[]]
        var isDigitRun = false
        var start = 0
        func text(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(chars[a..<b])) }
        var tooDeep = false
        func push() {
            if stack.count > maxNesting { tooDeep = true }
            stack.append([])
        }
        for i in 0..<chars.count {
            let c = chars[i]
            if c == "." {
                stack[stack.count - 1].append(i == start ? .int(0) : parseItem(isDigitRun, text(start, i)))
                start = i + 1
            } else if c == "-" {
                stack[stack.count - 1].append(i == start ? .int(0) : parseItem(isDigitRun, text(start, i)))
                start = i + 1
                push()
            } else if c.properties.numericType == .decimal {
                if !isDigitRun && i > start {
                    // ".X1" is read as "-X1" for any qualifier X (Maven 3.8).
                    if !stack[stack.count - 1].isEmpty { push() }
                    stack[stack.count - 1].append(.string(qualifier(text(start, i), followedByDigit: true)))
                    start = i
                    push()
                }
                isDigitRun = true
            } else {
                if isDigitRun && i > start {
                    stack[stack.count - 1].append(parseItem(true, text(start, i)))
                    start = i
                    push()
                }
                isDigitRun = false
            }
        }
        if chars.count > start {
            if !isDigitRun && !stack[stack.count - 1].isEmpty { push() }
            stack[stack.count - 1].append(parseItem(isDigitRun, text(start, chars.count)))
        }
        if tooDeep { return nil }
        // Close lists innermost first: normalise, then attach to the parent.
        while stack.count > 1 {
            let child = normalize(stack.removeLast())
            stack[stack.count - 1].append(.list(child))
        }
        return normalize(stack[0])
    }

    static func normalize(_ list: [Item]) -> [Item] {
        var l = list
        var i = l.count - 1
        while i >= 0 {
            if isNull(l[i]) {
                l.remove(at: i)
            } else if case .list = l[i] {
                // keep looking past non-null lists
            } else {
                break
            }
            i -= 1
        }
        return l
    }

    static func isNull(_ item: Item) -> Bool {
        switch item {
        case .int(let v), .long(let v): return v == 0
        case .big(let d): return d.isEmpty
        case .string(let s): return s.isEmpty
        case .list(let l): return l.isEmpty
        }
    }

    static func parseItem(_ isDigit: Bool, _ buf: String) -> Item {
        guard isDigit else { return .string(qualifier(buf, followedByDigit: false)) }
        // Java's Character.isDigit accepts any decimal digit; use their values.
        let digits = String(buf.unicodeScalars.map { s -> Character in
            Character(String(s.properties.numericValue.map { Int($0) } ?? 0))
        })
        var stripped = Substring(digits).drop { $0 == "0" }
        if stripped.isEmpty { stripped = Substring(digits) }   // Maven keeps all-zero text as is
        let length = stripped.count
        if length <= maxIntLength { return .int(UInt64(stripped) ?? 0) }
        if length <= maxLongLength { return .long(UInt64(stripped) ?? 0) }
        let value = stripped.drop { $0 == "0" }
        return .big(String(value))
    }

    static func qualifier(_ value: String, followedByDigit: Bool) -> String {
        var v = value
        if followedByDigit && v.unicodeScalars.count == 1 {
            switch v {
            case "a": v = "alpha"
            case "b": v = "beta"
            case "m": v = "milestone"
            default: break
            }
        }
        switch v {
        case "ga", "final", "release": return ""
        case "cr": return "rc"
        default: return v
        }
    }

    static let qualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]

    /// Maven's `comparableQualifier`: the index for known qualifiers, "7-<text>" otherwise,
    /// then compared as strings.
    static func comparable(_ q: String) -> String {
        if let i = qualifiers.firstIndex(of: q) { return String(i) }
        return "\(qualifiers.count)-\(q)"
    }

    static func compareJava(_ a: String, _ b: String) -> Int { compareUTF16(a, b) }

    static let releaseIndex = comparable("")

    /// `item.compareTo(other)`, where nil is Maven's `null` (a missing item).
    static func compare(_ a: Item?, _ b: Item?) -> Int {
        guard let a else {
            guard let b else { return 0 }
            return -compare(b, nil)
        }
        switch a {
        case .int(let x):
            guard let b else { return x == 0 ? 0 : 1 }
            switch b {
            case .int(let y): return x == y ? 0 : (x < y ? -1 : 1)
            case .long, .big: return -1
            case .string, .list: return 1
            }
        case .long(let x):
            guard let b else { return x == 0 ? 0 : 1 }
            switch b {
            case .int: return 1
            case .long(let y): return x == y ? 0 : (x < y ? -1 : 1)
            case .big: return -1
            case .string, .list: return 1
            }
        case .big(let x):
            guard let b else { return x.isEmpty ? 0 : 1 }
            switch b {
            case .int, .long: return 1
            case .big(let y):
                if x.utf8.count != y.utf8.count { return x.utf8.count < y.utf8.count ? -1 : 1 }
                return compareASCII(x, y)
            case .string, .list: return 1
            }
        case .string(let s):
            guard let b else { return sign(compareJava(comparable(s), releaseIndex)) }
            switch b {
            case .int, .long, .big: return -1
            case .string(let t): return sign(compareJava(comparable(s), comparable(t)))
            case .list: return -1
            }
        case .list(let l):
            guard let b else {
                for item in l {
                    let r = compare(item, nil)
                    if r != 0 { return r }
                }
                return 0
            }
            switch b {
            case .int, .long, .big: return -1
            case .string: return 1
            case .list(let r): return compareLists(l, r)
            }
        }
    }

    static func compareLists(_ l: [Item], _ r: [Item]) -> Int {
        var k = 0
        while k < l.count || k < r.count {
            let x = k < l.count ? l[k] : nil
            let y = k < r.count ? r[k] : nil
            let c: Int
            if let x { c = compare(x, y) } else if let y { c = -compare(y, nil) } else { c = 0 }
            if c != 0 { return c }
            k += 1
        }
        return 0
    }

    public static func compare(_ a: MavenVersion, _ b: MavenVersion) -> Int {
        compareLists(a.items, b.items)
    }
}

extension MavenVersion: Comparable, Hashable {
    public static func < (a: MavenVersion, b: MavenVersion) -> Bool { compare(a, b) < 0 }
    public static func == (a: MavenVersion, b: MavenVersion) -> Bool { compare(a, b) == 0 }
    /// Equal versions have equal normalised item trees except for trailing nulls inside
    /// compared lists, so hash only the first top-level item that is not a list.
    public func hash(into hasher: inout Hasher) {
        if let first = items.first, case .list = first { hasher.combine(0) } else { hasher.combine(items.first) }
    }
}

extension MavenVersion {
    /// Maven's canonical form (`ComparableVersion.getCanonical`): items joined by `.`, a nested
    /// list by `-`. For display; like Maven's, it does not always parse back to an equal version.
    public var canonical: String { MavenVersion.render(items) }

    static func render(_ list: [Item]) -> String {
        var s = ""
        for item in list {
            if !s.isEmpty {
                if case .list = item { s += "-" } else { s += "." }
            }
            switch item {
            case .int(let v), .long(let v): s += String(v)
            case .big(let d): s += d.isEmpty ? "0" : d
            case .string(let q): s += q
            case .list(let l): s += render(l)
            }
        }
        return s
    }
}
