import Foundation
import KensaCore
@testable import KensaReport
import XCTest

/// SARIF 2.1.0: valid against the OASIS schema, levels as code scanning expects, suppressed
/// findings kept with their justification, every finding located.
final class SARIFTests: XCTestCase {
    static let findings: [Finding] = [
        Finding(kind: .secret, id: "github-pat", title: "GitHub personal access token", severity: .critical,
                location: .init(path: "src/app config/settings.py", startLine: 12, endLine: 12,
                                layerDigest: SampleReport.layer2, createdBy: "COPY . /app"),
                message: "GitHub personal access token (ghp_*** (40 chars))", category: "GitHub", match: "ghp_*** (40 chars)"),
        Finding(kind: .misconfiguration, id: "KNS-PSS-003", title: "Privileged container", severity: .high,
                location: .init(path: "deploy/app.yaml", startLine: 20, endLine: 20, object: "Deployment/prod/web",
                                fieldPath: "spec.template.spec.containers[0].securityContext.privileged"),
                message: "container web is privileged"),
        Finding(kind: .misconfiguration, id: "KNS-HYG-001", title: "No resource limits", severity: .medium,
                location: .init(path: "deploy/app.yaml", startLine: 15), message: "no limits",
                suppression: .init(source: "ignorefile", reason: "limits set by LimitRange")),
        Finding(kind: .vulnerability, id: "CVE-2024-0001", title: "A bug", severity: .low,
                location: .init(path: "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA"), message: "x 1.0 is affected"),
        Finding(kind: .secret, id: "generic-password", title: "Password", severity: .unknown,
                location: .init(path: ".env", startLine: 1), message: "password", match: "hun*** (9 chars)"),
    ]

    static var report: Report {
        var report = SampleReport.report
        report.findings = findings
        return report
    }

    private func log() throws -> [String: Any] {
        let data = try render(Self.report, as: .sarif)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testValidAgainstTheOASISSchema() throws {
        try Validator.assertValid(try render(Self.report, as: .sarif), kind: "sarif")
        try Validator.assertValid(try render(SampleReport.empty, as: .sarif), kind: "sarif")
    }

    func testLevelsFollowSeverity() throws {
        let run = try XCTUnwrap((try log()["runs"] as? [[String: Any]])?.first)
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let levels = Dictionary(uniqueKeysWithValues: results.map { ($0["ruleId"] as? String ?? "", $0["level"] as? String ?? "") })
        XCTAssertEqual(levels, ["github-pat": "error", "KNS-PSS-003": "error", "KNS-HYG-001": "warning",
                                "CVE-2024-0001": "note", "generic-password": "note"])
    }

    func testSuppressedFindingsCarryTheirReason() throws {
        let run = try XCTUnwrap((try log()["runs"] as? [[String: Any]])?.first)
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let suppressed = results.filter { $0["suppressions"] != nil }
        XCTAssertEqual(suppressed.count, 1)
        let justification = (suppressed.first?["suppressions"] as? [[String: Any]])?.first?["justification"] as? String
        XCTAssertEqual(justification, "limits set by LimitRange")
    }

    func testLocationsAndRules() throws {
        let run = try XCTUnwrap((try log()["runs"] as? [[String: Any]])?.first)
        let rules = try XCTUnwrap(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.compactMap { $0["id"] as? String }, ["CVE-2024-0001", "KNS-HYG-001", "KNS-PSS-003", "generic-password", "github-pat"])
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let secret = try XCTUnwrap(results.first { ($0["ruleId"] as? String) == "github-pat" })
        let physical = (((secret["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        XCTAssertEqual((physical?["artifactLocation"] as? [String: Any])?["uri"] as? String, "src/app%20config/settings.py")
        XCTAssertEqual((physical?["region"] as? [String: Any])?["startLine"] as? Int, 12)
        let pss = try XCTUnwrap(results.first { ($0["ruleId"] as? String) == "KNS-PSS-003" })
        let logical = ((pss["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: Any]])?.first
        XCTAssertEqual(logical?["fullyQualifiedName"] as? String,
                       "Deployment/prod/web/spec.template.spec.containers[0].securityContext.privileged")
    }

    func testDeterministic() throws {
        XCTAssertEqual(try render(Self.report, as: .sarif), try render(Self.report, as: .sarif))
    }
}
