import KensaCore

/// An image reference normalised the way Docker does it (distribution/reference's
/// ParseNormalizedNamed): `alpine` is `docker.io/library/alpine:latest`, `index.docker.io` is
/// `docker.io`, a first component with `.` or `:` or equal to `localhost` is a registry host
/// (with an optional port), and a reference may carry a tag, a digest, or both (the digest wins
/// for pulling). Written by hand: the grammar is small and no package here parses it.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// `docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`.
    public var domain: String
    /// `library/alpine`.
    public var path: String
    public var tag: String?
    /// `sha256:<hex>`.
    public var digest: String?

    static let maxNameLength = 255
    static let maxTagLength = 128

    /// The canonical text: `domain/path[:tag][@digest]`, with `:latest` when neither was given.
    public var description: String {
        var s = "\(domain)/\(path)"
        if let tag { s += ":\(tag)" }
        if let digest { s += "@\(digest)" }
        return s
    }

    /// `domain/path`, the repository.
    public var repository: String { "\(domain)/\(path)" }

    /// The host the API is served on: Docker Hub's API lives on registry-1.docker.io.
    public var apiHost: String { domain == "docker.io" ? "registry-1.docker.io" : domain }

    /// What a manifest is fetched by: the digest when there is one, else the tag.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    public init(parsing text: String) throws {
        func bad(_ reason: String) -> KensaError { KensaError(.usage, input: text, reason: "invalid image reference: \(reason)") }
        guard !text.isEmpty else { throw bad("empty") }
        guard text.utf8.count <= 1024 else { throw bad("longer than 1024 bytes") }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }) else {
            throw bad("only printable ASCII without spaces is allowed")
        }
        if text.utf8.count == 64, text.utf8.allSatisfy(Self.isLowerHex) {
            throw bad("a 64-character hexadecimal string is an image ID, not a reference")
        }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            try Self.checkDigest(d, bad: bad)
            digest = d
        }
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        let tagSearchStart = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[tagSearchStart...].lastIndex(of: ":") {
            let t = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard Self.isValidTag(t) else { throw bad("tag '\(t)' is not valid") }
            tag = t
        }
        let name = String(rest)
        guard !name.isEmpty else { throw bad("no repository name") }
        guard name.utf8.count <= Self.maxNameLength else { throw bad("repository name longer than \(Self.maxNameLength)") }

        var domain: String
        var remainder: String
        if let slash = name.firstIndex(of: "/") {
            let first = String(name[..<slash])
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                domain = first
                remainder = String(name[name.index(after: slash)...])
            } else {
                domain = "docker.io"
                remainder = name
            }
        } else {
            domain = "docker.io"
            remainder = name
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        guard Self.isValidDomain(domain) else { throw bad("registry host '\(domain)' is not valid") }
        if domain == "docker.io", !remainder.contains("/") { remainder = "library/" + remainder }
        guard remainder.lowercased() == remainder else { throw bad("repository name must be lowercase") }
        guard Self.isValidPath(remainder) else { throw bad("repository name '\(remainder)' is not valid") }
        guard (domain + "/" + remainder).utf8.count <= Self.maxNameLength else {
            throw bad("repository name longer than \(Self.maxNameLength)")
        }
        if tag == nil, digest == nil { tag = "latest" }
        self.domain = domain
        self.path = remainder
        self.tag = tag
        self.digest = digest
    }

    /// The same repository, pinned to `digest` (for scanning one platform of an index).
    public func pinned(to digest: String) -> ImageReference {
        var r = self
        r.digest = digest
        return r
    }

    // MARK: - grammar

    private static func isLowerHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }
    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
    }
    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) }

    /// `[\w][\w.-]{0,127}`.
    static func isValidTag(_ t: String) -> Bool {
        let b = Array(t.utf8)
        guard let first = b.first, b.count <= maxTagLength else { return false }
        let word: (UInt8) -> Bool = { isAlnum($0) || $0 == 0x5f }
        return word(first) && b.dropFirst().allSatisfy { word($0) || $0 == 0x2e || $0 == 0x2d }
    }

    /// Only sha256 is pulled (the content-addressed cache is keyed by it).
    private static func checkDigest(_ d: String, bad: (String) -> KensaError) throws {
        let parts = d.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw bad("digest '\(d)' is not algorithm:hex") }
        guard parts[0] == "sha256" else { throw bad("digest algorithm '\(parts[0])' is not supported (only sha256)") }
        guard parts[1].utf8.count == 64, parts[1].utf8.allSatisfy(isLowerHex) else {
            throw bad("sha256 digest must be 64 lowercase hexadecimal characters")
        }
    }

    /// path-component ('/' path-component)*, each `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
    static func isValidPath(_ p: String) -> Bool {
        let components = p.split(separator: "/", omittingEmptySubsequences: false)
        return !components.isEmpty && components.allSatisfy { isValidPathComponent(Array($0.utf8)) }
    }

    private static func isValidPathComponent(_ b: [UInt8]) -> Bool {
        guard let first = b.first, let last = b.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var i = 0
        while i < b.count {
            if isLowerAlnum(b[i]) { i += 1; continue }
            // A separator: ".", "_", "__" or one or more "-", followed by an alphanumeric.
            var j = i
            if b[i] == 0x2e {
                j += 1
            } else if b[i] == 0x5f {
                j += 1
                if j < b.count, b[j] == 0x5f { j += 1 }
            } else if b[i] == 0x2d {
                while j < b.count, b[j] == 0x2d { j += 1 }
            } else {
                return false
            }
            guard j < b.count, isLowerAlnum(b[j]) else { return false }
            i = j
        }
        return true
    }

    /// host (dot-separated labels of alphanumerics and inner hyphens) or `[IPv6]`, with an
    /// optional `:port`.
    static func isValidDomain(_ d: String) -> Bool {
        var host = Substring(d)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inner = host[host.index(after: host.startIndex)..<close]
            guard !inner.isEmpty, inner.utf8.allSatisfy({ isLowerHex($0) || ($0 >= 0x41 && $0 <= 0x46) || $0 == 0x3a || $0 == 0x2e }) else {
                return false
            }
            let after = host[host.index(after: close)...]
            if after.isEmpty { return true }
            guard after.first == ":" else { return false }
            return isValidPort(after.dropFirst())
        }
        if let colon = host.lastIndex(of: ":") {
            guard isValidPort(host[host.index(after: colon)...]) else { return false }
            host = host[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            let b = Array(label.utf8)
            guard let f = b.first, let l = b.last, isAlnum(f), isAlnum(l) else { return false }
            return b.allSatisfy { isAlnum($0) || $0 == 0x2d }
        }
    }

    private static func isValidPort(_ p: Substring) -> Bool {
        guard !p.isEmpty, p.utf8.count <= 5, p.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(p) else { return false }
        return n <= 65535
    }
}
