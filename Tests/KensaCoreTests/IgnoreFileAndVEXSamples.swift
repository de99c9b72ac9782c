import Foundation
import KensaCore

/// Findings of each kind for the suppression tests.
enum SampleFindings {
    static func vulnerability(_ id: String, aliases: [String] = [], purl: String = "pkg:pypi/requests@2.19.1",
                              path: String = "app/requirements.txt", severity: Severity = .high) -> Finding {
        let purl = PURL(parsing: purl) ?? PURL(type: "generic", name: "invalid")
        return Finding(kind: .vulnerability, id: id, title: id, severity: severity, location: .init(path: path),
                       message: "\(purl.name) \(purl.version ?? "") is affected by \(id)",
                       vulnerability: Vulnerability(packageName: purl.name, installedVersion: purl.version ?? "", purl: purl,
                                                    fixedVersions: ["2.20.0"], status: .fixed, aliases: aliases,
                                                    advisoryIDs: [id], cvss: [], severitySource: nil, dataSource: "PyPI",
                                                    references: [], published: nil, modified: nil))
    }

    static func check(_ id: String, path: String) -> Finding {
        Finding(kind: .misconfiguration, id: id, title: id, severity: .high, location: .init(path: path), message: "m")
    }

    static func secret(_ id: String, path: String) -> Finding {
        Finding(kind: .secret, id: id, title: id, severity: .critical, location: .init(path: path, startLine: 3), message: "m")
    }
}
