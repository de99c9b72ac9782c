// `.kensaignore`: one ignore file for every scanner (DESIGN.md, "Suppression"). A YAML list of
// entries that suppress findings by ID, optionally only under some paths or for some packages,
// optionally until a date, always with a reason:
//
//   - id: CVE-2023-32681            # a vulnerability (also matches a finding that lists it as alias)
//     purls: [pkg:pypi/requests]    # version-less: any version of the package
//     reason: proxy credentials are never set in this service
//   - id: KNS-PSS-003               # a check
//     paths: ["k8s/legacy/*", "charts/"]
//     expires: 2027-01-31
//     reason: legacy agent needs privileged mode until the rewrite ships
//   - id: github-pat                # a secret rule
//     paths: [docs/examples/*]
//     reason: revoked example token
//
// An expired entry stops suppressing and the scan says so in a warning. Unknown keys are an
// error: a misspelt `path:` would otherwise widen an entry to every path.

import Foundation
import Yams

public struct IgnoreFile: Sendable {
    public struct Entry: Sendable, Hashable {
        /// Vulnerability ID (or one of its aliases), check ID or secret rule ID.
        public var id: String
        /// Globs (fnmatch) or directory prefixes (ending in `/`) over the finding's path.
        public var paths: [String]
        /// Vulnerabilities only: the package; a purl without version (or qualifiers) matches more.
        public var purls: [PURL]
        /// `YYYY-MM-DD`; the entry suppresses through that day (UTC).
        public var expires: String?
        public var reason: String

        public init(id: String, paths: [String] = [], purls: [PURL] = [], expires: String? = nil, reason: String) {
            self.id = id
            self.paths = paths
            self.purls = purls
            self.expires = expires
            self.reason = reason
        }
    }

    public var path: String
    public var entries: [Entry]

    /// Ignore files are written by people; anything larger is a mistake or an attack.
    public static let maxBytes = 4 << 20
    static let maxNodes = 200_000
    static let maxDepth = 16

    public init(path: String, entries: [Entry]) {
        self.path = path
        self.entries = entries
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(KensaError) -> IgnoreFile {
        let data = try SuppressionInput.read(path, limit: maxBytes, what: "ignore file")
        guard let text = String(data: data, encoding: .utf8) else {
            throw KensaError(.malformed, input: path, reason: "ignore file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(KensaError) -> IgnoreFile {
        if text.utf8.count > maxBytes {
            throw KensaError(.limitExceeded, input: path, reason: "ignore file is larger than \(maxBytes) bytes")
        }
        var entries: [Entry] = []
        for document in try documents(text, path: path) {
            guard case .list(let items) = document else {
                if case .null = document { continue }
                throw KensaError(.malformed, input: path, reason: "expected a YAML list of entries {id, paths, purls, expires, reason}")
            }
            for item in items {
                entries.append(try entry(item, number: entries.count + 1, path: path))
            }
        }
        return IgnoreFile(path: path, entries: entries)
    }

    private static let keys: Set<String> = ["id", "paths", "purls", "expires", "reason"]

    private static func entry(_ item: Tree, number: Int, path: String) throws(KensaError) -> Entry {
        guard case .map(let fields) = item else {
            throw KensaError(.malformed, input: path, reason: "entry \(number) is not a mapping {id, reason, ...}")
        }
        var values: [String: Tree] = [:]
        for (key, value) in fields {
            guard keys.contains(key) else {
                throw KensaError(.malformed, input: path, reason: "entry \(number): unknown key '\(key)' (known: \(keys.sorted().joined(separator: ", ")))")
            }
            values[key] = value
        }
        guard case .scalar(let id)? = values["id"], !id.isEmpty else {
            throw KensaError(.malformed, input: path, reason: "entry \(number) has no id")
        }
        guard case .scalar(let reason)? = values["reason"], !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw KensaError(.malformed, input: path, reason: "entry \(number) (\(id)) has no reason")
        }
        var expires: String?
        if let value = values["expires"], value != .null {
            guard case .scalar(let text) = value, text.count >= 10, day(String(text.prefix(10))) != nil else {
                throw KensaError(.malformed, input: path, reason: "entry \(number) (\(id)): expires must be a date YYYY-MM-DD")
            }
            expires = String(text.prefix(10))
        }
        let paths = try strings(values["paths"], "paths", number, id, path)
        var purls: [PURL] = []
        for text in try strings(values["purls"], "purls", number, id, path) {
            guard let purl = PURL(parsing: text) else {
                throw KensaError(.malformed, input: path, reason: "entry \(number) (\(id)): '\(text)' is not a package URL (pkg:type/name)")
            }
            purls.append(purl)
        }
        return Entry(id: id, paths: paths, purls: purls, expires: expires, reason: reason)
    }

    /// A string or a list of non-empty strings.
    private static func strings(_ value: Tree?, _ key: String, _ number: Int, _ id: String, _ path: String) throws(KensaError) -> [String] {
        switch value {
        case nil, .null?: return []
        case .scalar(let s)? where !s.isEmpty: return [s]
        case .list(let items)?:
            var out: [String] = []
            for item in items {
                guard case .scalar(let s) = item, !s.isEmpty else {
                    throw KensaError(.malformed, input: path, reason: "entry \(number) (\(id)): \(key) must be a list of strings")
                }
                out.append(s)
            }
            return out
        default:
            throw KensaError(.malformed, input: path, reason: "entry \(number) (\(id)): \(key) must be a string or a list of strings")
        }
    }

    /// Midnight UTC of `YYYY-MM-DD`, nil when that is not a real date.
    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        let components = DateComponents(year: year, month: month, day: dayOfMonth)
        // Calendar rolls 2025-02-30 over to March; a date that does not come back unchanged is not one.
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    /// Marks matching findings as suppressed; returns warnings for expired entries that would
    /// have matched.
    public func apply(to findings: inout [Finding], now: Date) -> [ScanWarning] {
        var warnings: Set<ScanWarning> = []
        // Entries by ID, so a long file over many findings stays linear; file order decides ties.
        var byID: [String: [Int]] = [:]
        for (index, e) in entries.enumerated() { byID[e.id.uppercased(), default: []].append(index) }
        for i in findings.indices where findings[i].suppression == nil {
            let candidates = findings[i].names.flatMap { byID[$0] ?? [] }.sorted()
            for e in candidates.map({ entries[$0] }) where matches(e, findings[i]) {
                if let exp = e.expires, let day = Self.day(exp), now >= day.addingTimeInterval(86_400) {
                    warnings.insert(ScanWarning(path: path, reason: "ignore entry \(e.id) expired on \(exp) and no longer suppresses"))
                    continue
                }
                findings[i].suppression = Finding.Suppression(source: "ignorefile", reason: e.reason)
                break
            }
        }
        return warnings.sorted()
    }

    func matches(_ entry: Entry, _ finding: Finding) -> Bool {
        if !entry.purls.isEmpty {
            guard let purl = finding.vulnerability?.purl, entry.purls.contains(where: { $0.covers(purl) }) else { return false }
        }
        return matches(entry.paths, finding.location.path)
    }

    func matches(_ patterns: [String], _ path: String) -> Bool {
        if patterns.isEmpty { return true }
        return patterns.contains { p in
            var p = p
            while p.hasPrefix("./") { p.removeFirst(2) }
            while p.hasPrefix("/") { p.removeFirst() }
            if p.isEmpty { return true }
            if p.hasSuffix("/") { return path.hasPrefix(p) }
            return fnmatch(p, path, 0) == 0 || path.hasPrefix(p + "/")
        }
    }

    // MARK: YAML, bounded

    /// The little of YAML an ignore file uses. Scalars stay text: `expires: 2027-01-31` and
    /// `id: 1234` are read as written.
    enum Tree: Equatable {
        case null
        case scalar(String)
        case list([Tree])
        case map([(String, Tree)])

        static func == (lhs: Tree, rhs: Tree) -> Bool {
            switch (lhs, rhs) {
            case (.null, .null): return true
            case (.scalar(let a), .scalar(let b)): return a == b
            case (.list(let a), .list(let b)): return a == b
            case (.map(let a), .map(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
            default: return false
            }
        }
    }

    static func documents(_ text: String, path: String) throws(KensaError) -> [Tree] {
        var out: [Tree] = []
        var budget = maxNodes
        do {
            var documents = try Yams.compose_all(yaml: text)
            while let node = documents.next() {
                out.append(try tree(node, depth: 0, budget: &budget, path: path))
            }
            if let error = documents.error { throw KensaError(.malformed, input: path, reason: "invalid YAML: \(error)") }
        } catch let e as KensaError {
            throw e
        } catch {
            throw KensaError(.malformed, input: path, reason: "invalid YAML: \(error)")
        }
        return out
    }

    /// Aliases share nodes, so a small file can describe an enormous tree: count every node
    /// visited and stop at the budget.
    private static func tree(_ node: Node, depth: Int, budget: inout Int, path: String) throws(KensaError) -> Tree {
        budget -= 1
        if budget < 0 { throw KensaError(.limitExceeded, input: path, reason: "more than \(maxNodes) YAML nodes (alias expansion?)") }
        if depth > maxDepth { throw KensaError(.limitExceeded, input: path, reason: "YAML nests deeper than \(maxDepth) levels") }
        switch node {
        case .scalar(let s):
            return node.tag.rawValue == Tag.Name.null.rawValue ? .null : .scalar(s.string)
        case .sequence(let seq):
            var items: [Tree] = []
            for n in seq { items.append(try tree(n, depth: depth + 1, budget: &budget, path: path)) }
            return .list(items)
        case .mapping(let map):
            var pairs: [(String, Tree)] = []
            for (k, v) in map {
                guard let key = k.string else {
                    throw KensaError(.malformed, input: path, reason: "mapping keys must be strings")
                }
                pairs.append((key, try tree(v, depth: depth + 1, budget: &budget, path: path)))
            }
            return .map(pairs)
        case .alias:
            throw KensaError(.unsupported, input: path, reason: "unresolved YAML alias")
        }
    }
}

extension Finding {
    /// Every name the finding goes by, upper-cased: its ID and, for a vulnerability, its aliases
    /// and the advisories merged into it (a CVE entry suppresses the GHSA-keyed finding).
    var names: Set<String> {
        var out: Set<String> = [id.uppercased()]
        if let v = vulnerability {
            for name in v.aliases + v.advisoryIDs { out.insert(name.uppercased()) }
        }
        return out
    }
}

extension PURL {
    /// Whether this purl, used as a pattern, names `purl`: same type, namespace and name; a
    /// version, qualifiers or subpath given here must be there too (so `pkg:pypi/requests`
    /// covers every version and `pkg:deb/debian/openssl@3.0.11-1` every architecture).
    func covers(_ purl: PURL) -> Bool {
        guard type == purl.type, namespace == purl.namespace, name == purl.name else { return false }
        if let version, version != purl.version { return false }
        if let subpath, subpath != purl.subpath { return false }
        return qualifiers.allSatisfy { purl.qualifiers[$0.key] == $0.value }
    }
}

/// Reading the small files that suppress findings: bounded, with errors naming the file.
enum SuppressionInput {
    static func read(_ path: String, limit: Int, what: String) throws(KensaError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KensaError(.unreadable, input: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw KensaError(.unreadable, input: path, reason: "is a directory, expected a \(what)") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw KensaError(.unreadable, input: path, reason: "cannot open")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw KensaError(.unreadable, input: path, reason: "cannot read: \(error.localizedDescription)")
        }
        if data.count > limit { throw KensaError(.limitExceeded, input: path, reason: "\(what) is larger than \(limit) bytes") }
        return data
    }
}
