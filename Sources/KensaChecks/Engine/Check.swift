// A check is a value: what it looks for, how bad it is, the standards it maps to, how to fix
// it, and documents that must and must not trigger it (run by the test suite). Nothing
// registers itself: `allChecks` (AllChecks.swift) is the one list.

import KensaCore

/// A standard a check maps to: `PSS baseline` / `Privileged Containers`, `CIS` / `5.2.2`, `NSA` / `…`.
public struct CheckReference: Sendable, Hashable, Codable {
    public var standard: String
    public var control: String
    public init(_ standard: String, _ control: String) {
        self.standard = standard
        self.control = control
    }
}

/// One place a check fails: the field (relative to the object) and a sentence for people.
public struct CheckHit: Sendable, Hashable {
    public var fieldPath: String?
    public var message: String
    /// Dockerfiles: the instruction's lines.
    public var startLine: Int?
    public var endLine: Int?
    public init(fieldPath: String? = nil, message: String, startLine: Int? = nil, endLine: Int? = nil) {
        self.fieldPath = fieldPath
        self.message = message
        self.startLine = startLine
        self.endLine = endLine
    }
}

public struct Check: Sendable {
    public enum Family: String, Sendable, CaseIterable {
        case podSecurity = "Pod Security Standards"
        case workload = "Workload"
        case rbac = "RBAC"
        case network = "Network"
        case dockerfile = "Dockerfile"
        case image = "Image config"
    }

    enum Rule: Sendable {
        /// Judges one Kubernetes object.
        case object(@Sendable (KubeObject) -> [CheckHit])
        /// Judges the whole scanned set (NetworkPolicy coverage): hits name their object.
        case objects(@Sendable ([KubeObject]) -> [(KubeObject, CheckHit)])
        case dockerfile(@Sendable (Dockerfile) -> [CheckHit])
        /// Judges a container image's config (user, environment, history).
        case image(@Sendable (ImageMetadata) -> [CheckHit])
    }

    public var id: String
    public var title: String
    public var severity: Severity
    public var family: Family
    public var references: [CheckReference]
    public var remediation: String
    /// Documents (YAML or Dockerfile text) each of which must produce at least one hit.
    public var triggering: [String]
    /// Documents that must produce none.
    public var nonTriggering: [String]
    let rule: Rule

    init(id: String, title: String, severity: Severity, family: Family, references: [CheckReference] = [],
         remediation: String, triggering: [String], nonTriggering: [String], rule: Rule) {
        self.id = id
        self.title = title
        self.severity = severity
        self.family = family
        self.references = references
        self.remediation = remediation
        self.triggering = triggering
        self.nonTriggering = nonTriggering
        self.rule = rule
    }

    public var isDockerfileCheck: Bool { if case .dockerfile = rule { return true } else { return false } }
    public var isImageCheck: Bool { if case .image = rule { return true } else { return false } }

    /// The Pod Security Standards level and control, when the check is one.
    public var pssControl: (level: String, control: String)? {
        guard let r = references.first(where: { $0.standard.hasPrefix("PSS ") }) else { return nil }
        return (String(r.standard.dropFirst(4)), r.control)
    }
}
