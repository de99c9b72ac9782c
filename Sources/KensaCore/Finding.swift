/// How bad a finding is, in the five levels every peer uses.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case unknown = "UNKNOWN", low = "LOW", medium = "MEDIUM", high = "HIGH", critical = "CRITICAL"

    private var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem a scanner found, with where it is. Scanners fill only the location fields that
/// apply (a secret has a file and lines, a misconfiguration an object and a field path).
public struct Finding: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable { case vulnerability, misconfiguration, secret }

    public var kind: Kind
    /// Vulnerability ID, check ID (`KNS-PSS-007`) or secret rule ID (`github-pat`).
    public var id: String
    public var title: String
    public var severity: Severity
    public var location: Location
    /// One sentence for people: what is wrong here.
    public var message: String
    /// Rule category (secrets: `GitHub`, `AWS`; checks: `Pod Security Standards`).
    public var category: String?
    /// Secrets: the redacted match (a short prefix and the length, never the value).
    public var match: String?
    /// Set when an ignore rule, VEX statement, annotation or inline comment suppressed it.
    public var suppression: Suppression?
    /// Vulnerabilities: the package, versions, aliases, scores and data source.
    public var vulnerability: Vulnerability?

    public init(kind: Kind, id: String, title: String, severity: Severity, location: Location,
                message: String, category: String? = nil, match: String? = nil, suppression: Suppression? = nil,
                vulnerability: Vulnerability? = nil) {
        self.kind = kind
        self.id = id
        self.title = title
        self.severity = severity
        self.location = location
        self.message = message
        self.category = category
        self.match = match
        self.suppression = suppression
        self.vulnerability = vulnerability
    }

    public struct Location: Sendable, Codable, Hashable {
        /// Relative to the scanned root, no leading `/`.
        public var path: String
        public var startLine: Int?
        public var endLine: Int?
        /// Images: the layer that holds the file, and the history command that made it.
        public var layerDigest: String?
        public var createdBy: String?
        /// Kubernetes: `kind/namespace/name`.
        public var object: String?
        /// `spec.template.spec.containers[1].securityContext.privileged`
        public var fieldPath: String?

        public init(path: String, startLine: Int? = nil, endLine: Int? = nil, layerDigest: String? = nil,
                    createdBy: String? = nil, object: String? = nil, fieldPath: String? = nil) {
            self.path = path
            self.startLine = startLine
            self.endLine = endLine
            self.layerDigest = layerDigest
            self.createdBy = createdBy
            self.object = object
            self.fieldPath = fieldPath
        }
    }

    public struct Suppression: Sendable, Codable, Hashable {
        /// `ignorefile`, `vex`, `annotation`, `inline`.
        public var source: String
        public var reason: String

        public init(source: String, reason: String) {
            self.source = source
            self.reason = reason
        }
    }
}

extension Finding: Comparable {
    /// Report order: file, line, then rule.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        (lhs.location.path, lhs.location.layerDigest ?? "", lhs.location.startLine ?? 0, lhs.id, lhs.location.object ?? "")
            < (rhs.location.path, rhs.location.layerDigest ?? "", rhs.location.startLine ?? 0, rhs.id, rhs.location.object ?? "")
    }
}
