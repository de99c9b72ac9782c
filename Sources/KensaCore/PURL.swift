/// A package URL (https://github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`.
///
/// Rendering follows the specification's canonical form: the type lower-cased, namespace
/// segments, name, version and qualifier values percent-encoded except for the unreserved
/// characters `A-Z a-z 0-9 . - _ ~` and `:`, qualifiers sorted by key with empty values left
/// out. Type-specific normalisation (PyPI lower-case with `-`) happens in `init`.
public struct PURL: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var type: String
    public var namespace: String?
    public var name: String
    public var version: String?
    public var qualifiers: [String: String]
    public var subpath: String?

    public init(type: String, namespace: String? = nil, name: String, version: String? = nil,
                qualifiers: [String: String] = [:], subpath: String? = nil) {
        let type = type.lowercased()
        self.type = type
        var namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        var name = name
        switch type {
        case "pypi":
            name = name.lowercased().replacingOccurrences(of: "_", with: "-")
        case "deb", "apk", "alpm", "bitbucket", "github", "composer":
            name = name.lowercased()
            namespace = namespace?.lowercased()
        default:
            break
        }
        self.namespace = namespace
        self.name = name
        self.version = version.flatMap { $0.isEmpty ? nil : $0 }
        self.qualifiers = qualifiers.filter { !$0.value.isEmpty }
            .reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value }
        self.subpath = subpath.flatMap { $0.isEmpty ? nil : $0 }
    }

    public init(ecosystem: Ecosystem, namespace: String? = nil, name: String, version: String?,
                qualifiers: [String: String] = [:]) {
        self.init(type: ecosystem.rawValue, namespace: namespace, name: name, version: version,
                  qualifiers: qualifiers)
    }

    public var description: String {
        var out = "pkg:" + type + "/"
        if let namespace {
            out += namespace.split(separator: "/", omittingEmptySubsequences: true)
                .map { PURL.encode($0) }.joined(separator: "/") + "/"
        }
        out += PURL.encode(name)
        if let version { out += "@" + PURL.encode(version) }
        if !qualifiers.isEmpty {
            out += "?" + qualifiers.keys.sorted().map { "\($0)=\(PURL.encode(qualifiers[$0]!))" }
                .joined(separator: "&")
        }
        if let subpath {
            out += "#" + subpath.split(separator: "/").filter { $0 != "." && $0 != ".." }
                .map { PURL.encode($0) }.joined(separator: "/")
        }
        return out
    }

    public static func < (lhs: PURL, rhs: PURL) -> Bool { lhs.description < rhs.description }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = PURL(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a purl: \(text)"))
        }
        self = parsed
    }

    /// Parses a purl string; nil when it is not one.
    public init?(parsing text: String) {
        guard text.hasPrefix("pkg:") else { return nil }
        var rest = Substring(text.dropFirst(4))
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        var subpath: String?
        if let hash = rest.firstIndex(of: "#") {
            subpath = PURL.decode(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var qualifiers: [String: String] = [:]
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { qualifiers[String(kv[0]).lowercased()] = PURL.decode(kv[1]) }
            }
            rest = rest[..<question]
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let type = String(rest[..<slash])
        rest = rest[rest.index(after: slash)...]
        var version: String?
        if let at = rest.lastIndex(of: "@") {
            version = PURL.decode(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        var segments = rest.split(separator: "/").map { PURL.decode($0) }
        guard let name = segments.popLast(), !type.isEmpty, !name.isEmpty else { return nil }
        self.init(type: type, namespace: segments.isEmpty ? nil : segments.joined(separator: "/"),
                  name: name, version: version, qualifiers: qualifiers, subpath: subpath)
    }

    static func encode<S: StringProtocol>(_ text: S) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        let hex: StaticString = "0123456789ABCDEF"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                hex.withUTF8Buffer { digits in
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 15)])
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode<S: StringProtocol>(_ text: S) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
