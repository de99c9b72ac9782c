/// Every version scheme kensa compares, by the name the CLI and the tests use.
public enum VersionScheme: String, CaseIterable, Sendable, Hashable, Codable {
    case dpkg, rpm, apk, pep440, semver, npm, maven, gem, go, nuget, cargo
    /// Cargo with the `semver` crate's `Ord`, where build metadata breaks ties (`cargo`
    /// compares by SemVer precedence, as OSV ranges do).
    case cargoOrd = "cargo-ord"
    case composer

    /// Parses `string` into a value of this scheme.
    public func parse(_ string: String) throws(VersionError) -> Version {
        switch self {
        case .dpkg: return .dpkg(try DpkgVersion(string))
        case .rpm: return .rpm(try RpmVersion(string))
        case .apk: return .apk(try ApkVersion(string))
        case .pep440: return .pep440(try PEP440Version(string))
        case .semver: return .semver(try SemanticVersion(string))
        case .npm: return .npm(try NpmVersion(string))
        case .maven: return .maven(try MavenVersion(string))
        case .gem: return .gem(try GemVersion(string))
        case .go: return .go(try GoVersion(string))
        case .nuget: return .nuget(try NuGetVersion(string))
        case .cargo: return .cargo(try CargoVersion(string))
        case .cargoOrd: return .cargoOrd(try CargoVersion(string, scheme: .cargoOrd))
        case .composer: return .composer(try ComposerVersion(string))
        }
    }

    /// -1, 0 or 1 as this scheme orders `a` and `b`.
    public func compare(_ a: String, _ b: String) throws(VersionError) -> Int {
        try parse(a).compare(to: parse(b))
    }
}

/// A parsed version of any scheme. Values of one scheme compare as that scheme says; values
/// of different schemes are ordered by scheme first, only so that sorting is total.
public enum Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    case dpkg(DpkgVersion)
    case rpm(RpmVersion)
    case apk(ApkVersion)
    case pep440(PEP440Version)
    case semver(SemanticVersion)
    case npm(NpmVersion)
    case maven(MavenVersion)
    case gem(GemVersion)
    case go(GoVersion)
    case nuget(NuGetVersion)
    case cargo(CargoVersion)
    case cargoOrd(CargoVersion)
    case composer(ComposerVersion)

    public var scheme: VersionScheme {
        switch self {
        case .dpkg: return .dpkg
        case .rpm: return .rpm
        case .apk: return .apk
        case .pep440: return .pep440
        case .semver: return .semver
        case .npm: return .npm
        case .maven: return .maven
        case .gem: return .gem
        case .go: return .go
        case .nuget: return .nuget
        case .cargo: return .cargo
        case .cargoOrd: return .cargoOrd
        case .composer: return .composer
        }
    }

    public var description: String {
        switch self {
        case .dpkg(let v): return v.description
        case .rpm(let v): return v.description
        case .apk(let v): return v.description
        case .pep440(let v): return v.description
        case .semver(let v): return v.description
        case .npm(let v): return v.description
        case .maven(let v): return v.description
        case .gem(let v): return v.description
        case .go(let v): return v.description
        case .nuget(let v): return v.description
        case .cargo(let v), .cargoOrd(let v): return v.description
        case .composer(let v): return v.description
        }
    }

    /// -1, 0 or 1.
    public func compare(to other: Version) -> Int {
        switch (self, other) {
        case let (.dpkg(a), .dpkg(b)): return DpkgVersion.compare(a, b)
        case let (.rpm(a), .rpm(b)): return RpmVersion.compare(a, b)
        case let (.apk(a), .apk(b)): return ApkVersion.compare(a, b)
        case let (.pep440(a), .pep440(b)): return PEP440Version.compare(a, b)
        case let (.semver(a), .semver(b)): return SemanticVersion.compare(a, b)
        case let (.npm(a), .npm(b)): return NpmVersion.compare(a, b)
        case let (.maven(a), .maven(b)): return MavenVersion.compare(a, b)
        case let (.gem(a), .gem(b)): return GemVersion.compare(a, b)
        case let (.go(a), .go(b)): return GoVersion.compare(a, b)
        case let (.nuget(a), .nuget(b)): return NuGetVersion.compare(a, b)
        case let (.cargo(a), .cargo(b)): return CargoVersion.comparePrecedence(a, b)
        case let (.cargoOrd(a), .cargoOrd(b)): return CargoVersion.compare(a, b)
        case let (.composer(a), .composer(b)): return ComposerVersion.compare(a, b)
        default:
            let all = VersionScheme.allCases
            let x = all.firstIndex(of: scheme)!, y = all.firstIndex(of: other.scheme)!
            return x < y ? -1 : 1
        }
    }

    public static func < (a: Version, b: Version) -> Bool { a.compare(to: b) < 0 }
    public static func == (a: Version, b: Version) -> Bool { a.compare(to: b) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scheme)
        switch self {
        case .dpkg(let v): hasher.combine(v)
        case .rpm(let v): hasher.combine(v)
        case .apk(let v): hasher.combine(v)
        case .pep440(let v): hasher.combine(v)
        case .semver(let v): hasher.combine(v)
        case .npm(let v): hasher.combine(v)
        case .maven(let v): hasher.combine(v)
        case .gem(let v): hasher.combine(v)
        case .go(let v): hasher.combine(v)
        case .nuget(let v): hasher.combine(v)
        // Precedence ignores build metadata, so the hash must too.
        case .cargo(let v): hasher.combine(v.value.major); hasher.combine(v.value.minor); hasher.combine(v.value.patch); hasher.combine(v.value.pre)
        case .cargoOrd(let v): hasher.combine(v)
        case .composer(let v): hasher.combine(v)
        }
    }
}

extension Version {
    /// The version written in its scheme's normal form: parsing it again gives an equal value
    /// (dpkg/rpm `epoch:version-release`, PEP 440 and NuGet normalisation, SemVer without a
    /// prefix, Go's canonical form). apk has no other spelling; Maven's canonical form and
    /// Composer's normalised form do not parse back to the same order in general (Maven drops
    /// empty qualifiers inside lists; Composer normalises `2010-01-02` to `2010.01.02`, which
    /// normalises again to the different `2010.01.02.0`), so those three keep the string as given.
    public var formatted: String {
        switch self {
        case .dpkg(let v): return "\(v.epoch):\(v.upstream)" + (v.revision.isEmpty ? "" : "-\(v.revision)")
        case .rpm(let v): return "\(v.epoch):\(v.version)" + (v.release.map { "-\($0)" } ?? "")
        case .apk(let v): return v.description
        case .pep440(let v): return v.normalized
        case .semver(let v): return v.description
        case .npm(let v): return v.description
        case .maven(let v): return v.description
        case .gem(let v): return v.segments.map(\.description).joined(separator: ".")
        case .go(let v): return v.canonical
        case .nuget(let v): return v.normalized
        case .cargo(let v), .cargoOrd(let v): return v.description
        case .composer(let v): return v.description
        }
    }
}
