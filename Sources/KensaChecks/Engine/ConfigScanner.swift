// Runs the checks over Kubernetes objects and Dockerfiles and turns hits into findings with
// file, lines, object and field path. Object annotations (`kensa.dev/ignore`) suppress here;
// the ignore file is applied by `Suppressions` afterwards.

import KensaCore

public struct ConfigScanner: Sendable {
    public var checks: [Check]

    public init(checks: [Check] = allChecks) { self.checks = checks }

    /// Findings for a set of objects (the whole scan, so coverage checks see every namespace).
    public func scan(objects: [KubeObject]) -> [Finding] {
        (scanEach(objects: objects) + scanSet(objects: objects)).sorted()
    }

    /// The checks that judge one object at a time (run per file, on every core), unsorted.
    func scanEach(objects: [KubeObject]) -> [Finding] {
        var findings: [Finding] = []
        for check in checks {
            guard case .object(let rule) = check.rule else { continue }
            for o in objects { for hit in rule(o) { findings.append(finding(check, hit, o)) } }
        }
        return findings
    }

    /// The checks that judge the whole set (NetworkPolicy coverage), unsorted.
    func scanSet(objects: [KubeObject]) -> [Finding] {
        var findings: [Finding] = []
        for check in checks {
            guard case .objects(let rule) = check.rule else { continue }
            for (o, hit) in rule(objects) { findings.append(finding(check, hit, o)) }
        }
        return findings
    }

    func finding(_ check: Check, _ hit: CheckHit, _ o: KubeObject) -> Finding {
        let line = o.line(of: hit.fieldPath)
        var f = Finding(kind: .misconfiguration, id: check.id, title: check.title, severity: check.severity,
                        location: Finding.Location(path: o.manifest.path, startLine: line, endLine: line,
                                                   object: o.manifest.reference, fieldPath: hit.fieldPath),
                        message: hit.message, category: check.family.rawValue)
        if let reason = AnnotationSuppression.reason(for: check.id, in: o) {
            f.suppression = Finding.Suppression(source: "annotation", reason: reason)
        }
        return f
    }
}

/// `kensa.dev/ignore: "KNS-PSS-003: reason"` on the object (or its pod template). Several
/// entries go on separate lines or are separated by `;`; `KNS-PSS-003,KNS-PSS-014: reason`
/// names several IDs at once.
enum AnnotationSuppression {
    static let key = "kensa.dev/ignore"

    static func reason(for id: String, in o: KubeObject) -> String? {
        for text in [o.annotations[key], o.podTemplate?.annotations[key]].compactMap({ $0 }) {
            for entry in text.split(whereSeparator: { $0 == "\n" || $0 == ";" }) {
                let parts = entry.split(separator: ":", maxSplits: 1)
                guard let ids = parts.first else { continue }
                let names = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if names.contains(id) || names.contains("*") {
                    let reason = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                    return reason.isEmpty ? "annotation \(key)" : reason
                }
            }
        }
        return nil
    }
}

extension ConfigScanner {
    /// Findings for one Dockerfile; `# kensa:ignore=ID reason` above an instruction (or above
    /// the first FROM, for the whole file) suppresses.
    public func scan(dockerfile: Dockerfile) -> [Finding] {
        var findings: [Finding] = []
        let all = dockerfile.stages.flatMap { [$0.from] + $0.instructions }
        let fileWide = dockerfile.stages.first?.from.ignoreComments ?? []
        for check in checks {
            guard case .dockerfile(let rule) = check.rule else { continue }
            for hit in rule(dockerfile) {
                var f = Finding(kind: .misconfiguration, id: check.id, title: check.title, severity: check.severity,
                                location: Finding.Location(path: dockerfile.path, startLine: hit.startLine, endLine: hit.endLine),
                                message: hit.message, category: check.family.rawValue)
                let here = all.first { $0.startLine == hit.startLine }?.ignoreComments ?? []
                if let ignore = (here + fileWide).first(where: { $0.id == check.id || $0.id == "*" }) {
                    f.suppression = Finding.Suppression(source: "inline", reason: ignore.reason)
                }
                findings.append(f)
            }
        }
        return findings.sorted()
    }
}

extension ConfigScanner {
    /// Findings for an image's config (`kensa image`); `path` names the image in the report.
    /// A hit with a line points at that history entry (0-based index in `history`).
    public func scan(image: ImageMetadata, path: String) -> [Finding] {
        var findings: [Finding] = []
        for check in checks {
            guard case .image(let rule) = check.rule else { continue }
            for hit in rule(image) {
                let createdBy = hit.startLine.flatMap { image.history.indices.contains($0) ? image.history[$0].createdBy : nil }
                findings.append(Finding(kind: .misconfiguration, id: check.id, title: check.title, severity: check.severity,
                                        location: Finding.Location(path: path, createdBy: createdBy, fieldPath: hit.fieldPath),
                                        message: hit.message, category: check.family.rawValue))
            }
        }
        return findings.sorted()
    }
}
