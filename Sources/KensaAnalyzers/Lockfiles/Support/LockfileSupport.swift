import Foundation
import KensaCore

/// Limits and small helpers shared by the lock-file analyzers.
enum Lockfile {
    /// The largest lock file read. Real ones stay far below (a 3,000-package
    /// package-lock.json is about 4 MB); beyond this a file is refused, so memory stays bounded.
    static let maxBytes = 64 << 20
    /// Nesting deeper than this is refused before any recursive parser sees the text. Lock
    /// files nest less than ten levels; Foundation's and Yams' parsers recurse per level.
    static let maxDepth = 128
    /// Values a lock file may hold: JSON/YAML/TOML elements (estimated from separators and
    /// lines) and the lines with content of line-based formats. The size limit alone would
    /// let 64 MB of `[],[],…` or `a:` lines become tens of millions of objects (gigabytes);
    /// the largest real lock files hold well under a million.
    static let maxElements = 2_000_000

    static func tooMany(_ input: AnalyzerInput, _ what: String, limit: Int) -> KensaError {
        KensaError(.limitExceeded, input: input.path, reason: "more than \(limit) \(what)")
    }

    /// The last path component.
    static func basename(_ path: String) -> Substring {
        guard let slash = path.lastIndex(of: "/") else { return Substring(path) }
        return path[path.index(after: slash)...]
    }

    /// Directories where package managers keep what they installed or downloaded. A lock
    /// file there belongs to one installed package (its own development lock) or to a
    /// download cache, not to the project: Go's module cache alone holds a go.mod per
    /// module, Cargo's registry a Cargo.lock per crate.
    private static let installedTrees: Set<Substring> = [
        "node_modules", "bower_components", "vendor", "site-packages", "dist-packages", ".cargo", ".build", ".yarn",
    ]

    /// True when a lock file at `path` lies inside an installed-package tree or cache.
    static func insideInstalledTree(_ path: String) -> Bool {
        let directories = path.split(separator: "/").dropLast()
        if directories.contains(where: { installedTrees.contains($0) }) { return true }
        // GOPATH's module cache: …/pkg/mod/…
        return zip(directories, directories.dropFirst()).contains { $0 == "pkg" && $1 == "mod" }
    }

    /// The common `wants`: an exact file name, a sane size, not inside installed packages.
    static func wants(_ path: String, size: Int64, names: Set<String>) -> Bool {
        size <= Int64(maxBytes) && names.contains(String(basename(path))) && !insideInstalledTree(path)
    }

    /// The text's lines, split lazily on the newline byte rather than on grapheme clusters
    /// (linear and cheap even for a 10 MB line, no array of millions of lines); a trailing
    /// `\r` is kept for the caller to drop.
    static func lines(_ text: String) -> LineSequence { LineSequence(text: text) }

    /// Occurrences of one byte, found with memchr (fast even in debug builds); counting
    /// stops past `limit`.
    static func count(_ byte: UInt8, in data: Data, limit: Int = maxElements) -> Int {
        data.withUnsafeBytes { buffer in
            guard var cursor = buffer.baseAddress else { return 0 }
            let end = cursor + buffer.count
            var found = 0
            while found <= limit, cursor < end, let hit = memchr(cursor, Int32(byte), end - cursor) {
                found += 1
                cursor = UnsafeRawPointer(hit) + 1
            }
            return found
        }
    }

    /// Line-based formats: refuse more lines than `maxElements` before parsing any.
    static func checkLineCount(_ input: AnalyzerInput) throws {
        if count(UInt8(ascii: "\n"), in: input.content) >= maxElements {
            throw tooMany(input, "lines", limit: maxElements)
        }
    }

    static func checkSize(_ input: AnalyzerInput) throws {
        if input.content.count > maxBytes {
            throw KensaError(.limitExceeded, input: input.path,
                             reason: "lock file is \(input.content.count) bytes, more than the \(maxBytes)-byte limit")
        }
    }

    static func malformed(_ input: AnalyzerInput, _ reason: String) -> KensaError {
        KensaError(.malformed, input: input.path, reason: reason)
    }

    /// Splits `a/b/c` into namespace `a/b` and name `c` (npm scopes, Go modules, Composer
    /// vendors, Swift hosts).
    static func splitLast(_ full: String) -> (namespace: String?, name: String) {
        guard let slash = full.lastIndex(of: "/") else { return (nil, full) }
        let namespace = String(full[..<slash])
        return (namespace.isEmpty ? nil : namespace, String(full[full.index(after: slash)...]))
    }

    /// PEP 503 normalisation, for matching Python dependency names to locked packages.
    static func pep503(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(character)
                lastWasSeparator = false
            }
        }
        return out
    }
}

/// Gathers the packages of one lock file: the same package listed twice (several version
/// ranges, several target frameworks, nested copies) is reported once, as production code
/// when any occurrence is, with the union of its dependencies.
struct PackageCollector {
    let path: String
    let foundBy: String
    private var byPURL: [String: Package] = [:]

    init(path: String, foundBy: String) {
        self.path = path
        self.foundBy = foundBy
    }

    mutating func add(name: String, version: String, ecosystem: Ecosystem, purl: PURL,
                      isDev: Bool = false, dependsOn: [String] = [], licenses: [String] = []) {
        let key = purl.description
        if var existing = byPURL[key] {
            existing.isDev = existing.isDev && isDev
            existing.dependsOn = Array(Set(existing.dependsOn).union(dependsOn)).sorted()
            byPURL[key] = existing
        } else {
            byPURL[key] = Package(name: name, version: version, ecosystem: ecosystem, purl: purl,
                                  foundBy: foundBy, licenses: licenses, location: .init(path: path),
                                  dependsOn: Array(Set(dependsOn)).sorted().filter { $0 != key },
                                  isDev: isDev)
        }
    }

    /// Report order (`Package`'s `<`), then purl. Indices are sorted rather than the large
    /// Package values, whose copies dominated the run time on big lock files.
    var packages: [Package] {
        var packages: [Package] = []
        var keys: [String] = []
        packages.reserveCapacity(byPURL.count)
        keys.reserveCapacity(byPURL.count)
        for (key, package) in byPURL {
            var package = package
            package.dependsOn.removeAll { $0 == key }
            packages.append(package)
            keys.append(key)
        }
        let order = packages.withUnsafeBufferPointer { all in
            all.indices.sorted { lhs, rhs in
                if all[lhs].ecosystem != all[rhs].ecosystem { return all[lhs].ecosystem < all[rhs].ecosystem }
                if all[lhs].name != all[rhs].name { return all[lhs].name < all[rhs].name }
                if all[lhs].version != all[rhs].version { return all[lhs].version < all[rhs].version }
                if all[lhs].location.path != all[rhs].location.path { return all[lhs].location.path < all[rhs].location.path }
                if all[lhs].architecture != all[rhs].architecture {
                    return (all[lhs].architecture ?? "") < (all[rhs].architecture ?? "")
                }
                return keys[lhs] < keys[rhs]
            }
        }
        return order.map { packages[$0] }
    }
}

/// Marks what is reachable from some roots through a dependency map; used where a lock file
/// says which packages the project (not a package) needs in development only.
enum Reachability {
    static func closure<Key: Hashable>(from roots: [Key], edges: [Key: [Key]]) -> Set<Key> {
        var seen = Set<Key>()
        var stack = roots
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack.append(contentsOf: edges[next] ?? [])
        }
        return seen
    }
}

/// Lines of a text as substrings, produced one at a time.
struct LineSequence: Sequence, IteratorProtocol {
    let text: String
    private var position: String.UTF8View.Index
    private var finished = false

    init(text: String) {
        self.text = text
        self.position = text.utf8.startIndex
    }

    mutating func next() -> Substring? {
        guard !finished else { return nil }
        let utf8 = text.utf8
        if let newline = utf8[position...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = text[position..<newline]
            position = utf8.index(after: newline)
            return line
        }
        finished = true
        return text[position...]
    }
}
