import Foundation
import KensaCore

/// Finds secrets in text files. Stateless and `Sendable`: one value serves every thread.
///
/// How: one pass of a keyword automaton over the bytes; each keyword hit runs only the rules
/// that own that keyword, on a bounded window around the hit (anchored at the keyword for
/// vendor tokens, the surrounding line for the others, up to 32 KiB ahead for PEM blocks).
/// Files are judged binary from their first 8 KiB (a NUL byte, or many control bytes) and
/// skipped. Large files are streamed (`stream(path:)`, `scanFile(atPath:reportAs:)`) with
/// memory bounded by the chunk plus the window sizes, whatever the line length.
public struct SecretScanner: Sendable {
    public let maxFileSize: Int64
    let rules: [SecretRule]
    let automaton: KeywordAutomaton
    let keywordRules: [[Int32]]
    /// Bytes a keyword's rules may need past the hit.
    let keywordLookahead: [Int]
    /// Rules without keywords: run on every line.
    let unkeyed: [Int32]
    let allowRules: [SecretAllowRule]
    let placeholdersAllowed: Bool

    static let lookBehind = 1024
    static let rescanStride = 512
    static let rescanOverlap = 256
    static let binaryProbe = 8192
    /// Read size of `scanFile`.
    public static let chunkSize = 1 << 20

    public init(config: SecretConfig? = nil, maxFileSize: Int64 = 10 << 20) {
        let config = config ?? SecretConfig()
        self.maxFileSize = maxFileSize
        let rules = config.effectiveRules.filter { $0.compiled != nil }
        self.rules = rules
        self.allowRules = config.allowRules
        self.placeholdersAllowed = !config.disableAllowRules.contains(SecretConfig.placeholderAllowRuleID)
        var words: [String] = []
        var index: [String: Int] = [:]
        var byKeyword: [[Int32]] = []
        var unkeyed: [Int32] = []
        for (r, rule) in rules.enumerated() {
            let keys = Set(rule.keywords.map { $0.lowercased() }.filter { !$0.isEmpty })
            if keys.isEmpty { unkeyed.append(Int32(r)) }
            for key in keys.sorted() {
                if let i = index[key] { byKeyword[i].append(Int32(r)) } else {
                    index[key] = words.count
                    words.append(key)
                    byKeyword.append([Int32(r)])
                }
            }
        }
        automaton = KeywordAutomaton(keywords: words)
        keywordRules = byKeyword
        keywordLookahead = byKeyword.map { rs in
            rs.map { rules[Int($0)].maxLength }.max() ?? 0
        }
        self.unkeyed = unkeyed
    }

    /// The rules in force (built-ins after the config's filters, then custom rules).
    public var ruleIDs: [String] { rules.map(\.id) }

    private static let binaryExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "psd", "heic",
        "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "tar", "jar", "war", "ear", "apk", "whl", "deb", "rpm",
        "so", "dll", "dylib", "exe", "o", "a", "lib", "class", "pyc", "pyo", "wasm", "bin", "dat",
        "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "ogg", "wav", "flac", "avi", "mov", "mkv", "webm",
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "sqlite", "db", "iso", "img", "qcow2",
    ]

    /// Cheap gate before reading a file: size within the limit and not a known binary type.
    public func wants(path: String, size: Int64) -> Bool {
        if size > maxFileSize || size < 0 { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return true }
        let ext = name[name.index(after: dot)...].lowercased()
        return !SecretScanner.binaryExtensions.contains(ext)
    }

    /// Scans a file held in memory. Binary content gives no findings.
    public func scan(path: String, content: Data) -> [Finding] {
        content.withUnsafeBytes { raw in scan(path: path, bytes: raw) }
    }

    public func scan(path: String, bytes raw: UnsafeRawBufferPointer) -> [Finding] {
        var file = FileScan(scanner: self, path: path)
        let buf = raw.bindMemory(to: UInt8.self)
        _ = file.process(buf, base: 0, eof: true)
        return file.findings()
    }

    /// A push-style scan for content that arrives in pieces (a tar entry, a huge file).
    public func stream(path: String) -> SecretStream { SecretStream(file: FileScan(scanner: self, path: path)) }

    /// Scans content given as a sequence of chunks, holding only a bounded window.
    public func scan(path: String, chunks: some Sequence<Data>) -> [Finding] {
        var s = stream(path: path)
        for chunk in chunks { s.feed(chunk) }
        return s.finish()
    }

    /// Reads a file in `chunkSize` pieces and scans it; `reportAs` is the path in findings.
    public func scanFile(atPath fsPath: String, reportAs: String) throws -> [Finding] {
        guard let handle = FileHandle(forReadingAtPath: fsPath) else {
            throw KensaError(.unreadable, input: fsPath, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        var s = stream(path: reportAs)
        while true {
            let data: Data?
            do { data = try handle.read(upToCount: SecretScanner.chunkSize) } catch {
                throw KensaError(.unreadable, input: fsPath, reason: "read failed: \(error)")
            }
            guard let data, !data.isEmpty else { break }
            s.feed(data)
        }
        return s.finish()
    }
}

/// A scan in progress over content fed in pieces. Holds at most the unscanned tail plus the
/// windows pending keyword hits need (`peakBufferedBytes` reports the most it held).
public struct SecretStream {
    var file: FileScan
    var buffer: [UInt8] = []
    var base = 0
    public private(set) var peakBufferedBytes = 0

    init(file: FileScan) { self.file = file }

    public mutating func feed(_ data: Data) {
        data.withUnsafeBytes { feed(bytes: $0) }
    }

    public mutating func feed(bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        buffer.append(contentsOf: bytes)
        peakBufferedBytes = max(peakBufferedBytes, buffer.count)
        step(eof: false)
    }

    public mutating func finish() -> [Finding] {
        step(eof: true)
        buffer = []
        return file.findings()
    }

    private mutating func step(eof: Bool) {
        let base = self.base
        let retain = buffer.withUnsafeBufferPointer { file.process($0, base: base, eof: eof) }
        let drop = min(retain - base, buffer.count)
        if drop > 0 {
            buffer.removeFirst(drop)
            self.base += drop
        }
    }
}

/// The state of one file's scan: automaton state, pending hits, line cursor, matches.
struct FileScan {
    struct Hit { var pos: Int; var keyword: Int32 }
    struct Match { var rule: Int; var start: Int; var end: Int; var startLine: Int; var endLine: Int; var redacted: String }
    struct Key: Hashable { var rule: Int; var start: Int }

    let scanner: SecretScanner
    let path: String
    private var active: [Bool]
    private var skipFile = false
    private var secretAllows: [SecretAllowRule]
    private var state: Int32 = 0
    private var scanned = 0
    private var pending: [Hit] = []
    private var cursorPos = 0
    private var cursorLine = 1
    private var lastAnchored: [Int]
    /// End of the last unanchored window per rule.
    private var lastWindowEnd: [Int]
    private var matchers: [ByteRegex.Matcher?]
    private var matches: [Match] = []
    private var seen: Set<Key> = []
    private var decided = false
    private(set) var binary = false
    private var lastByte: UInt8 = 10

    init(scanner: SecretScanner, path: String) {
        self.scanner = scanner
        self.path = path
        let n = scanner.rules.count
        lastAnchored = Array(repeating: -1, count: n)
        lastWindowEnd = Array(repeating: -1, count: n)
        matchers = Array(repeating: nil, count: n)
        skipFile = scanner.allowRules.contains { $0.regex == nil && $0.allowsPath(path) }
        secretAllows = scanner.allowRules.filter { $0.regex != nil && ($0.path == nil || $0.allowsPath(path)) }
        active = scanner.rules.map { rule in
            if let p = rule.compiledPath, !p.matches(path) { return false }
            return !rule.allowRules.contains { $0.regex == nil && $0.allowsPath(path) }
        }
    }

    static func looksBinary(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var control = 0
        for x in b {
            if x == 0 { return true }
            if (x < 0x20 && x != 9 && x != 10 && x != 11 && x != 12 && x != 13 && x != 27) || x == 0x7f { control += 1 }
        }
        return control * 10 > b.count
    }

    /// Consumes `buf` (absolute offsets `base..<base+count`, everything not yet seen is new)
    /// and returns the first absolute offset still needed.
    mutating func process(_ buf: UnsafeBufferPointer<UInt8>, base: Int, eof: Bool) -> Int {
        let end = base + buf.count
        if !decided {
            if buf.count < SecretScanner.binaryProbe && !eof { return base }
            decided = true
            binary = FileScan.looksBinary(UnsafeBufferPointer(rebasing: buf.prefix(SecretScanner.binaryProbe)))
        }
        if binary || skipFile || scanner.rules.isEmpty { return end }

        if scanned < end {
            let fresh = UnsafeBufferPointer(rebasing: buf[(scanned - base)...])
            let origin = scanned
            var found: [Hit] = []
            state = scanner.automaton.run(fresh, state: state) { kw, off in
                found.append(Hit(pos: origin + off, keyword: Int32(kw)))
            }
            pending += found
            if !scanner.unkeyed.isEmpty {
                for (i, b) in fresh.enumerated() where b == 10 { pending.append(Hit(pos: origin + i, keyword: -1)) }
            }
            if let last = fresh.last { lastByte = last }
            scanned = end
        }
        if eof && !scanner.unkeyed.isEmpty && lastByte != 10 { pending.append(Hit(pos: end, keyword: -1)) }

        var waiting: [Hit] = []
        for hit in pending {
            let ahead = hit.keyword >= 0 ? scanner.keywordLookahead[Int(hit.keyword)] : 0
            if eof || hit.pos + ahead <= end {
                handle(hit, buf, base, end)
            } else {
                waiting.append(hit)
            }
        }
        pending = waiting
        if eof { return end }
        var retain = end - SecretScanner.lookBehind
        for hit in pending { retain = min(retain, hit.pos - SecretScanner.lookBehind) }
        retain = max(retain, base)
        if cursorPos < retain { _ = line(at: retain, buf, base) }
        return retain
    }

    private mutating func handle(_ hit: Hit, _ buf: UnsafeBufferPointer<UInt8>, _ base: Int, _ end: Int) {
        let ruleList = hit.keyword >= 0 ? scanner.keywordRules[Int(hit.keyword)] : scanner.unkeyed
        for r32 in ruleList {
            let r = Int(r32)
            guard active[r] else { continue }
            // fields are read in place: copying a whole rule per hit costs more than the match
            if matchers[r] == nil {
                guard let regex = scanner.rules[r].compiled else { continue }
                matchers[r] = ByteRegex.Matcher(regex)
            }
            let maxLength = scanner.rules[r].maxLength
            if scanner.rules[r].startsAtKeyword && hit.keyword >= 0 {
                if lastAnchored[r] == hit.pos { continue }
                lastAnchored[r] = hit.pos
                let lo = hit.pos
                guard lo >= base, lo < end, scanner.rules[r].precheck.passes(buf, at: lo - base, end: end - base) else { continue }
                let limit = min(end, lo + maxLength)
                let hi = scanner.rules[r].multiline ? limit : lineEnd(from: lo, limit: limit, buf, base)
                if let m = matchers[r]!.firstMatch(in: buf, from: lo - base, to: hi - base, anchored: true) {
                    record(r, m, buf, base)
                }
            } else {
                let p = min(hit.pos, end)
                let floor = max(base, p - SecretScanner.lookBehind)
                var lo = lineStart(before: p, floor: floor, buf, base)
                let hi = lineEnd(from: p, limit: min(end, p + maxLength), buf, base)
                let previous = lastWindowEnd[r]
                if lo < previous {
                    // Same line as the last window. On a short line it was all scanned; on a
                    // long line, rescan only once the window has moved on (with an overlap for
                    // matches crossing the old edge), so hits every few bytes stay linear.
                    if hi <= previous || p + SecretScanner.rescanStride <= previous { continue }
                    lo = max(lo, previous - SecretScanner.rescanOverlap)
                }
                lastWindowEnd[r] = hi
                for m in matchers[r]!.allMatches(in: buf, from: lo - base, to: hi - base) {
                    record(r, m, buf, base)
                }
            }
        }
    }

    private func lineEnd(from pos: Int, limit: Int, _ buf: UnsafeBufferPointer<UInt8>, _ base: Int) -> Int {
        guard pos < limit, let start = buf.baseAddress else { return limit }
        if let p = memchr(start + (pos - base), 10, limit - pos) {
            return base + (UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - start)
        }
        return limit
    }

    private func lineStart(before pos: Int, floor: Int, _ buf: UnsafeBufferPointer<UInt8>, _ base: Int) -> Int {
        var i = pos
        while i > floor, buf[i - 1 - base] != 10 { i -= 1 }
        return i
    }

    private static func countNewlines(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        guard from < to, let start = buf.baseAddress else { return 0 }
        var n = 0
        var p = start + from
        let stop = start + to
        while p < stop, let q = memchr(p, 10, stop - p) {
            n += 1
            p = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }

    /// 1-based line of absolute offset `x` (which must lie in the buffer).
    private mutating func line(at x: Int, _ buf: UnsafeBufferPointer<UInt8>, _ base: Int) -> Int {
        if x >= cursorPos {
            cursorLine += FileScan.countNewlines(buf, cursorPos - base, x - base)
        } else {
            cursorLine -= FileScan.countNewlines(buf, x - base, cursorPos - base)
        }
        cursorPos = x
        return cursorLine
    }

    private mutating func record(_ r: Int, _ m: [Int], _ buf: UnsafeBufferPointer<UInt8>, _ base: Int) {
        let rule = scanner.rules[r]
        var s = m[2 * rule.secretGroupIndex], e = m[2 * rule.secretGroupIndex + 1]
        if s < 0 || e < 0 { s = m[0]; e = m[1] }
        guard e > s else { return }
        let secret = UnsafeBufferPointer(rebasing: buf[s..<e])
        // cheapest rejections first: most candidates of generic rules are code, not values
        switch rule.verifier {
        case .none: break
        case .base64UserPassword:
            if !SecretValueChecks.isBase64UserPassword(secret) { return }
        case .assignmentValue:
            var key: UnsafeBufferPointer<UInt8>? = nil
            if let k = rule.keyGroupIndex, m[2 * k] >= 0, m[2 * k + 1] > m[2 * k] {
                key = UnsafeBufferPointer(rebasing: buf[m[2 * k]..<m[2 * k + 1]])
            }
            if !SecretValueChecks.isCredentialLikeAssignment(key: key, value: secret) { return }
        }
        if let floor = rule.entropy, SecretValueChecks.entropy(secret) < floor { return }
        if rule.skipPlaceholders && scanner.placeholdersAllowed && SecretValueChecks.isPlaceholder(secret) { return }
        if rule.skipDocumentation && scanner.placeholdersAllowed
            && (SecretValueChecks.isCredentialWord(secret) || FileScan.isDoctestLine(buf, at: m[0], bufferStartsLine: base == 0)) { return }
        for allow in rule.allowRules where allow.regex != nil && (allow.path == nil || allow.allowsPath(path)) {
            if allow.compiledRegex?.firstMatch(in: secret, from: 0, to: secret.count) != nil { return }
        }
        for allow in secretAllows where allow.compiledRegex?.firstMatch(in: secret, from: 0, to: secret.count) != nil {
            return
        }
        let key = Key(rule: r, start: base + s)
        guard !seen.contains(key) else { return }
        seen.insert(key)
        var last = m[1] - 1
        while last > m[0], buf[last] == 10 || buf[last] == 13 { last -= 1 }
        let startLine = line(at: base + m[0], buf, base)
        let endLine = line(at: base + max(last, m[0]), buf, base)
        matches.append(Match(rule: r, start: base + s, end: base + e, startLine: startLine, endLine: endLine,
                             redacted: SecretValueChecks.redact(secret)))
    }

    /// The line holding `pos` starts (after blanks) with a Python doctest prompt `>>>`: an
    /// interactive example in documentation. Looks back at most 1 KiB, within the buffer
    /// (whose first byte starts a line only at the start of the file).
    static func isDoctestLine(_ buf: UnsafeBufferPointer<UInt8>, at pos: Int, bufferStartsLine: Bool) -> Bool {
        var i = min(pos, buf.count)
        let floor = max(0, pos - 1024)
        while i > floor, buf[i - 1] != 10 { i -= 1 }
        guard i == 0 ? bufferStartsLine : buf[i - 1] == 10 else { return false }
        while i < pos, buf[i] == 32 || buf[i] == 9 { i += 1 }
        return i + 3 <= pos && buf[i] == 62 && buf[i + 1] == 62 && buf[i + 2] == 62
    }

    /// The findings, sorted; a generic rule's match yields to any other match on the same bytes.
    func findings() -> [Finding] {
        var kept: [Match] = []
        let specific = matches.filter { !scanner.rules[$0.rule].generic }
        var generic = matches.filter { scanner.rules[$0.rule].generic }
        generic.sort { ($0.start, $0.rule) < ($1.start, $1.rule) }
        kept += specific
        for g in generic {
            let overlaps = kept.contains { $0.start < g.end && g.start < $0.end }
            if !overlaps { kept.append(g) }
        }
        return kept.map { m in
            let rule = scanner.rules[m.rule]
            return Finding(kind: .secret, id: rule.id, title: rule.title, severity: rule.severity,
                           location: .init(path: path, startLine: m.startLine, endLine: m.endLine),
                           message: "\(rule.title) (\(m.redacted)); revoke it and remove it from the file and its history",
                           category: rule.category, match: m.redacted)
        }.sorted()
    }
}
