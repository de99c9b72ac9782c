/// The `affected[].ranges[].type` values of the OSV schema.
public enum OSVRangeType: String, Sendable, Hashable, Codable {
    case semver = "SEMVER"
    case ecosystem = "ECOSYSTEM"
    case git = "GIT"
}

/// One OSV range event. Each carries a version string in the range's scheme.
public enum OSVEvent: Sendable, Hashable {
    case introduced(String)
    case fixed(String)
    case lastAffected(String)
    case limit(String)

    var version: String {
        switch self {
        case .introduced(let v), .fixed(let v), .lastAffected(let v), .limit(let v): return v
        }
    }
}

/// One OSV range: a type and its timeline of events.
public struct OSVRange: Sendable, Hashable {
    public var type: OSVRangeType
    public var events: [OSVEvent]

    public init(type: OSVRangeType, events: [OSVEvent]) {
        self.type = type
        self.events = events
    }

    /// Whether `version` is inside this range, by the OSV schema's evaluation algorithm:
    /// below some `limit` (none means no limit), then the events in version order, where
    /// `introduced` opens, `fixed` closes at the version and `last_affected` closes after it.
    /// `ECOSYSTEM` ranges compare with `scheme`, `SEMVER` ranges with SemVer 2.0.0 precedence;
    /// `GIT` ranges name commits, not versions, so no version is inside one.
    /// An empty event version (a known data oddity, `"fixed": ""`) is skipped.
    public func contains(_ version: String, scheme: VersionScheme) throws(VersionError) -> Bool {
        try contains(version, scheme: scheme) { (text, scheme) throws(VersionError) in try scheme.parseOSV(text) }
    }

    /// The same evaluation with every version string turned into a `Version` by `parse` (a
    /// caller that meets the same strings many times passes a memo of `parseOSV`).
    public func contains(_ version: String, scheme: VersionScheme,
                         parse: (String, VersionScheme) throws(VersionError) -> Version) throws(VersionError) -> Bool {
        let rangeScheme: VersionScheme
        switch type {
        case .git: return false
        case .semver: rangeScheme = .semver
        case .ecosystem: rangeScheme = scheme
        }
        let v = try parse(version, rangeScheme)
        var limits: [Version] = []
        var hasLimit = false, unlimited = false
        var timeline: [(event: OSVEvent, version: Version?)] = []
        for event in events where !event.version.isEmpty {
            switch event {
            case .limit(let l):
                hasLimit = true
                // A limit containing "*" is infinity.
                if l.contains("*") { unlimited = true } else { limits.append(try parse(l, rangeScheme)) }
            case .introduced("0"):
                timeline.append((event, nil))
            default:
                timeline.append((event, try parse(event.version, rangeScheme)))
            }
        }
        if hasLimit && !unlimited && !limits.contains(where: { v < $0 }) { return false }
        // "0" (nil) sorts before every version; the sort is stable for equal versions.
        let sorted = timeline.enumerated().sorted { a, b in
            switch (a.element.version, b.element.version) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?):
                let c = x.compare(to: y)
                return c != 0 ? c < 0 : a.offset < b.offset
            }
        }.map(\.element)
        var vulnerable = false
        for (event, at) in sorted {
            switch event {
            case .introduced:
                if at.map({ v >= $0 }) ?? true { vulnerable = true }
            case .fixed:
                if let at, v >= at { vulnerable = false }
            case .lastAffected:
                if let at, v > at { vulnerable = false }
            case .limit:
                break
            }
        }
        return vulnerable
    }
}

/// What one OSV `affected` entry says about versions: its ranges and its explicit list.
public struct OSVAffectedVersions: Sendable, Hashable {
    public var ranges: [OSVRange]
    public var versions: [String]

    public init(ranges: [OSVRange] = [], versions: [String] = []) {
        self.ranges = ranges
        self.versions = versions
    }

    /// Whether `version` is affected: listed in `versions` (exactly, or equal under the
    /// scheme), or inside any range.
    public func contains(_ version: String, scheme: VersionScheme) throws(VersionError) -> Bool {
        if versions.contains(version) { return true }
        if !versions.isEmpty {
            let v = try scheme.parseOSV(version)
            for listed in versions {
                // A listed string the scheme rejects can only match exactly (checked above).
                if let l = try? scheme.parseOSV(listed), l == v { return true }
            }
        }
        for range in ranges where try range.contains(version, scheme: scheme) { return true }
        return false
    }
}

extension VersionScheme {
    /// The scheme OSV's `affected[].package.ecosystem` names, ignoring a `:release` suffix
    /// ("Debian:12", "Alpine:v3.19"); nil for ecosystems without a version scheme here.
    public init?(osvEcosystem: String) {
        let base = osvEcosystem.split(separator: ":", maxSplits: 1).first.map(String.init) ?? osvEcosystem
        switch base {
        case "Debian", "Ubuntu": self = .dpkg
        case "Alpine", "Wolfi", "Chainguard": self = .apk
        case "Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "openEuler", "Mageia", "Photon OS", "Azure Linux": self = .rpm
        case "PyPI": self = .pep440
        case "npm": self = .npm
        case "Maven": self = .maven
        case "RubyGems": self = .gem
        case "Go": self = .go
        case "NuGet": self = .nuget
        case "crates.io": self = .cargo
        case "Packagist": self = .composer
        default: return nil
        }
    }

    /// Parses a version as written in OSV data: Go versions there have no `v`, and SEMVER
    /// ranges (for Go modules too) may be compared against a `v`-prefixed installed version.
    func parseOSV(_ s: String) throws(VersionError) -> Version {
        switch self {
        case .go: return .go(try GoVersion(osv: s))
        case .semver where s.hasPrefix("v"): return .semver(try SemanticVersion(String(s.dropFirst())))
        default: return try parse(s)
        }
    }
}
