/// Lexical normalisation of archive member names and link targets. Archives are never
/// extracted, so lexical resolution is the whole truth: a name that climbs above the root is
/// hostile and is skipped, an absolute name is taken relative to the root.
enum MemberPath {
    enum Normalised: Equatable {
        case path(String)
        case root
        case escapes
    }

    static func normalise(_ raw: String) -> Normalised {
        if isClean(raw) { return .path(raw) }
        var parts: [Substring] = []
        for segment in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if parts.isEmpty { return .escapes }
                parts.removeLast()
                continue
            }
            parts.append(segment)
        }
        return parts.isEmpty ? .root : .path(parts.joined(separator: "/"))
    }

    /// Most names need no work; checking bytes avoids allocating for them.
    private static func isClean(_ s: String) -> Bool {
        if s.utf8.isEmpty { return false }
        return s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var segmentStart = 0
            let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
            for i in 0...bytes.count {
                if i == bytes.count || bytes[i] == slash {
                    let len = i - segmentStart
                    if len == 0 { return false }
                    if len == 1 && bytes[segmentStart] == dot { return false }
                    if len == 2 && bytes[segmentStart] == dot && bytes[segmentStart + 1] == dot { return false }
                    segmentStart = i + 1
                }
            }
            return true
        } ?? false
    }

    /// "a/b/c" → "a/b"; "a" → "".
    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    static func basename(_ path: String) -> Substring {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return Substring(path) }
        return path[path.index(after: slash)...]
    }

    static func join(_ dir: String, _ name: some StringProtocol) -> String {
        dir.isEmpty ? String(name) : dir + "/" + name
    }

    /// Does a symlink at `path` with relative `target` point above the root? Absolute targets
    /// resolve inside the image's root, so they never escape.
    static func symlinkEscapes(path: String, target: String) -> Bool {
        if target.hasPrefix("/") { return false }
        let joined = join(parent(path), target)
        return normalise(joined) == .escapes
    }
}
