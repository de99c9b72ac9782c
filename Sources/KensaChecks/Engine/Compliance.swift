// `kensa config --compliance pss-baseline|pss-restricted`: one row per Pod Security Standards
// control of the level, failed when any unsuppressed finding of its check remains.

import KensaCore

public struct ComplianceRow: Sendable, Hashable {
    public var id: String
    public var level: String
    public var control: String
    public var passed: Bool
    /// `path: kind/namespace/name` of each failing object (the same name can be in several files), sorted.
    public var failingObjects: [String]
}

public enum ComplianceProfile: String, Sendable, CaseIterable {
    case pssBaseline = "pss-baseline"
    case pssRestricted = "pss-restricted"

    var levels: Set<String> { self == .pssBaseline ? ["baseline"] : ["baseline", "restricted"] }

    /// The checks of this profile.
    public func checks(from checks: [Check] = allChecks) -> [Check] {
        checks.filter { $0.pssControl.map { levels.contains($0.level) } ?? false }
    }

    public func rows(_ findings: [Finding], checks: [Check] = allChecks) -> [ComplianceRow] {
        self.checks(from: checks).map { check in
            let failing = Set(findings.filter { $0.id == check.id && $0.suppression == nil }
                .map { f in f.location.object.map { "\(f.location.path): \($0)" } ?? f.location.path })
            let pss = check.pssControl ?? ("", "")
            return ComplianceRow(id: check.id, level: pss.level, control: pss.control, passed: failing.isEmpty,
                                 failingObjects: failing.sorted())
        }
    }
}

/// `kensa config --compliance X --format json`: the per-control result as a document of its own.
public struct ComplianceReport: Sendable, Codable, Hashable {
    public struct Control: Sendable, Codable, Hashable {
        public var id: String
        public var level: String
        public var control: String
        /// `PASS` or `FAIL`.
        public var status: String
        public var failingObjects: [String]
    }

    public struct Summary: Sendable, Codable, Hashable {
        public var controls: Int
        public var passed: Int
        public var failed: Int
        /// Kubernetes objects judged.
        public var objects: Int
    }

    public var profile: String
    public var controls: [Control]
    public var summary: Summary

    public init(profile: ComplianceProfile, findings: [Finding], objects: Int, checks: [Check] = allChecks) {
        let rows = profile.rows(findings, checks: checks)
        self.profile = profile.rawValue
        controls = rows.map {
            Control(id: $0.id, level: $0.level, control: $0.control, status: $0.passed ? "PASS" : "FAIL", failingObjects: $0.failingObjects)
        }
        let passed = rows.filter(\.passed).count
        summary = Summary(controls: rows.count, passed: passed, failed: rows.count - passed, objects: objects)
    }
}
