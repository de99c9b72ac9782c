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
        let logical = try XCTUnwrap((pss["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: String]])
        XCTAssertEqual(logical, [
            ["name": "Deployment/prod/web", "fullyQualifiedName": "Deployment/prod/web", "kind": "resource"],
            ["name": "spec.template.spec.containers[0].securityContext.privileged", "kind": "property",
             "fullyQualifiedName": "Deployment/prod/web/spec.template.spec.containers[0].securityContext.privileged"],
        ])
        let pssRegion = ((pss["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]
        XCTAssertEqual(pssRegion as? [String: Int], ["startLine": 20, "endLine": 20])
        XCTAssertEqual((secret["properties"] as? [String: Any])?["layerDigest"] as? String, SampleReport.layer2)
    }

    /// The sample report's vulnerabilities: valid, one rule per ID with help and a link, GitHub's
    /// security-severity from the CVSS score, the package facts on each result, and the
    /// VEX-suppressed one kept with an external suppression.
    func testVulnerabilities() throws {
        let data = try render(SampleReport.report, as: .sarif)
        try Validator.assertValid(data, kind: "sarif")
        let log = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
        let rules = try XCTUnwrap(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(ids.filter { $0 == "CVE-2099-1004" }.count, 1, "one rule per ID, however many findings")
        let glibc = try XCTUnwrap(rules.first { $0["id"] as? String == "CVE-2099-1001" })
        XCTAssertEqual(glibc["helpUri"] as? String, "https://osv.dev/vulnerability/CVE-2099-1001")
        XCTAssertEqual((glibc["shortDescription"] as? [String: String])?["text"], "glibc: heap overflow in the resolver")
        XCTAssertEqual((glibc["properties"] as? [String: Any])?["security-severity"] as? String, "7.5")
        XCTAssertEqual((glibc["defaultConfiguration"] as? [String: String])?["level"], "error")
        let help = try XCTUnwrap(glibc["help"] as? [String: String])
        XCTAssertTrue(help["text"]?.contains("Fixed version: 2.36-9+deb12u8") == true, help["text"] ?? "")
        XCTAssertTrue(help["markdown"]?.contains("- <https://example.com/advisories/CVE-2099-1001>") == true, help["markdown"] ?? "")
        let django = try XCTUnwrap(rules.first { $0["id"] as? String == "GHSA-2099-aaaa-bbbb" })
        XCTAssertTrue(((django["help"] as? [String: String])?["markdown"] ?? "").contains("QuerySet.extra \\| raw"))
        let cobra = try XCTUnwrap(rules.first { $0["id"] as? String == "GO-2099-0001" })
        XCTAssertEqual((cobra["properties"] as? [String: Any])?["security-severity"] as? String, "0.0")
        XCTAssertNil(rules.first { $0["id"] as? String == "github-pat" }?["helpUri"], "no made-up links for secret rules")

        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let levels = Dictionary(results.map { ($0["ruleId"] as? String ?? "", $0["level"] as? String ?? "") }) { a, _ in a }
        XCTAssertEqual(levels["CVE-2099-1005"], "error")
        XCTAssertEqual(levels["CVE-2099-1002"], "warning")
        XCTAssertEqual(levels["CVE-2099-1004"], "note")
        XCTAssertEqual(levels["GO-2099-0001"], "note")
        let result = try XCTUnwrap(results.first { $0["ruleId"] as? String == "CVE-2099-1001" })
        let properties = try XCTUnwrap(result["properties"] as? [String: Any])
        XCTAssertEqual(properties["purl"] as? String, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12")
        XCTAssertEqual(properties["installedVersion"] as? String, "2.36-9+deb12u7")
        XCTAssertEqual(properties["fixedVersions"] as? [String], ["2.36-9+deb12u8"])
        XCTAssertEqual(properties["layerDigest"] as? String, SampleReport.layer1)
        XCTAssertEqual(properties["knownExploited"] as? Bool, true)
        let uri = (((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"]
                   as? [String: Any])?["uri"] as? String
        XCTAssertEqual(uri, "var/lib/dpkg/status")
        let log4j = try XCTUnwrap(results.first { $0["ruleId"] as? String == "CVE-2099-1005" })
        XCTAssertEqual(log4j["suppressions"] as? [[String: String]], [["kind": "external", "justification": "vulnerable_code_not_present"]])
        XCTAssertEqual(results.filter { $0["suppressions"] != nil }.count, 2)
    }

    /// Hostile advisory text and odd locations still give a valid log.
    func testOddFindingsStayValid() throws {
        var report = SampleReport.report
        report.findings += [
            Finding(kind: .vulnerability, id: "../x y", title: "<img src=x onerror=alert(1)>\u{0}", severity: .critical,
                    location: .init(path: "", startLine: -4, endLine: -9), message: "",
                    vulnerability: Vulnerability(packageName: "", installedVersion: "", purl: PURL(type: "npm", name: "x"),
                                                 fixedVersions: [], status: .affected, aliases: [], advisoryIDs: [],
                                                 cvss: [.init(type: "CVSS_V3", vector: "x", score: .nan),
                                                        .init(type: "CVSS_V3", vector: "y", score: 99)],
                                                 severitySource: nil, dataSource: "", references: ["java\nscript:x"],
                                                 published: nil, modified: nil, epss: .infinity)),
            Finding(kind: .misconfiguration, id: "", title: "", severity: .low,
                    location: .init(path: "a/../../b#c?d", startLine: 3, endLine: 1, object: "", fieldPath: ""), message: "m"),
        ]
        let data = try render(report, as: .sarif)
        try Validator.assertValid(data, kind: "sarif")
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertFalse(text.contains("\"security-severity\": \"99"), "an out-of-range score is not passed on")
    }

    func testMarkdownFromAdvisoriesIsEscaped() {
        XCTAssertEqual(SARIFWriter.markdownEscaped("<script>*x*\n# y"), "\\<script\\>\\*x\\* \\# y")
    }

    func testDeterministic() throws {
        XCTAssertEqual(try render(Self.report, as: .sarif), try render(Self.report, as: .sarif))
    }
}
