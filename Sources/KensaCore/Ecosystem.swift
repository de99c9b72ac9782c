/// Where a package comes from. The raw value is the package-url type
/// (https://github.com/package-url/purl-spec, "PURL Types").
public enum Ecosystem: String, Sendable, Codable, CaseIterable, Comparable {
    case deb, apk, rpm
    case pypi, npm, golang, maven, cargo, gem, composer, nuget, swift

    public var isOS: Bool { self == .deb || self == .apk || self == .rpm }

    public static func < (lhs: Ecosystem, rhs: Ecosystem) -> Bool { lhs.rawValue < rhs.rawValue }
}
