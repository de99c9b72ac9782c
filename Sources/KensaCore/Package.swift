/// One installed or locked package, with where it was found.
public struct Package: Sendable, Hashable, Codable {
    public var name: String
    public var version: String
    public var ecosystem: Ecosystem
    public var purl: PURL
    /// The analyzer that found it (`dpkg`, `python-dist`, `package-lock`, …).
    public var foundBy: String
    /// OS packages: the source package (dpkg `Source:`, apk `o:`, rpm source RPM name).
    public var sourceName: String?
    public var sourceVersion: String?
    public var architecture: String?
    /// Maven: `group:artifact` lives in `name`; purl namespace carries the group.
    public var licenses: [String]
    public var location: Location
    /// purls of direct dependencies, where the source knows them (lock files, dpkg Depends).
    public var dependsOn: [String]
    /// True for a dependency only needed in development (lock files that say so).
    public var isDev: Bool

    public init(name: String, version: String, ecosystem: Ecosystem, purl: PURL, foundBy: String,
                sourceName: String? = nil, sourceVersion: String? = nil, architecture: String? = nil,
                licenses: [String] = [], location: Location, dependsOn: [String] = [], isDev: Bool = false) {
        self.name = name
        self.version = version
        self.ecosystem = ecosystem
        self.purl = purl
        self.foundBy = foundBy
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.architecture = architecture
        self.licenses = licenses
        self.location = location
        self.dependsOn = dependsOn
        self.isDev = isDev
    }

    /// Where a package was found: the file (relative to the scanned root, no leading `/`),
    /// and for images the layer that put it there.
    public struct Location: Sendable, Hashable, Codable {
        public var path: String
        public var layerDigest: String?
        public var diffID: String?

        public init(path: String, layerDigest: String? = nil, diffID: String? = nil) {
            self.path = path
            self.layerDigest = layerDigest
            self.diffID = diffID
        }
    }
}

extension Package: Comparable {
    /// Report order: ecosystem, name, version, then path.
    public static func < (lhs: Package, rhs: Package) -> Bool {
        (lhs.ecosystem.rawValue, lhs.name, lhs.version, lhs.location.path, lhs.architecture ?? "")
            < (rhs.ecosystem.rawValue, rhs.name, rhs.version, rhs.location.path, rhs.architecture ?? "")
    }
}
