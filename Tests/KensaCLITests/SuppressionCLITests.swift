import Foundation
import XCTest

/// Issue 4's suppression and gating through `kensa fs`: a project pinning requests 2.19.1 and
/// py 1.11.0, scanned against a DB built from ../shared/testdata/osv with EPSS and KEV data
/// written here. `.kensaignore`, `--ignorefile`, `--vex` and `--fail-on` end to end.
final class SuppressionCLITests: XCTestCase {
    struct Project {
        var work: URL
        var dir: URL
        var cache: URL
    }

    static let vexFixtures = Kensa.packageRoot.appendingPathComponent("Tests/Fixtures/vex")

    /// EPSS: CVE-2018-18074 likely exploited (0.62), CVE-2023-32681 not (0.05); KEV lists
    /// py's CVE-2022-42969, which has no fixed version.
    private func project() throws -> Project {
        let work = try temporaryDirectory(self)
        let p = Project(work: work, dir: work.appendingPathComponent("app"), cache: work.appendingPathComponent("cache"))
        try FileManager.default.createDirectory(at: p.dir, withIntermediateDirectories: true)
        try "requests==2.19.1\npy==1.11.0\n".write(to: p.dir.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let epss = work.appendingPathComponent("epss.csv"), kev = work.appendingPathComponent("kev.json")
        try """
            #model_version:v2025.03.14,score_date:2026-11-20T12:55:00+0000
            cve,epss,percentile
            CVE-2018-18074,0.62000,0.97814
            CVE-2023-32681,0.05120,0.89220
            CVE-1999-0001,0.90000,0.99000
            """.write(to: epss, atomically: true, encoding: .utf8)
        try """
            {"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.20",
             "dateReleased": "2026-11-20T17:00:00.000Z", "count": 1,
             "vulnerabilities": [{"cveID": "CVE-2022-42969", "vendorProject": "pytest-dev", "product": "py",
               "vulnerabilityName": "py ReDoS in SVN info parsing", "dateAdded": "2026-11-01",
               "shortDescription": "test entry", "requiredAction": "Remove the package.", "dueDate": "2026-11-22",
               "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-1333"]}]}
            """.write(to: kev, atomically: true, encoding: .utf8)
        let build = try Kensa.run(["db", "build", "--from", Kensa.sharedTestdata.appendingPathComponent("osv").path,
                                   "--epss", epss.path, "--kev", kev.path, "--cache-dir", p.cache.path])
        XCTAssertEqual(build.status, 0, build.err)
        return p
    }

    private func scan(_ p: Project, _ extra: [String], format: String = "json") throws -> KensaRun {
        try Kensa.run(["fs", p.dir.path, "--scanners", "vuln", "--cache-dir", p.cache.path, "--format", format, "-q"] + extra)
    }

    private func findings(_ run: KensaRun) throws -> [[String: Any]] {
        try ReportJSON(run.stdout).object["findings"] as? [[String: Any]] ?? []
    }

    private func suppressed(_ run: KensaRun) throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for f in try findings(run) {
            if let id = f["id"] as? String, let s = f["suppressed"] as? [String: Any] { out[id] = s }
        }
        return out
    }

    private func write(_ text: String, _ url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testIgnoreFileSuppressesAndKeepsTheGateQuiet() throws {
        let p = try project()
        let all = try scan(p, [])
        XCTAssertEqual(all.status, 0, all.err)
        let ids = Set(try findings(all).compactMap { $0["id"] as? String })
        XCTAssertTrue(ids.isSuperset(of: ["CVE-2018-18074", "CVE-2023-32681", "CVE-2022-42969"]), "\(ids)")
        XCTAssertTrue(try scan(p, [], format: "table").out.contains("CVE-2018-18074"))

        // .kensaignore in the scanned directory: CVE-2018-18074 by its GHSA alias, requests only.
        try write("""
            - id: GHSA-x84v-xcm2-53pg
              purls: [pkg:pypi/requests]
              reason: no proxy credentials in this service
            - id: CVE-2023-32681
              purls: [pkg:pypi/urllib3]
              reason: another package, must not match
            """, p.dir.appendingPathComponent(".kensaignore"))
        let json = try scan(p, ["--exit-code", "3"])
        XCTAssertEqual(json.status, 3, "other findings remain")
        let marks = try suppressed(json)
        XCTAssertEqual(Set(marks.keys), ["CVE-2018-18074"])
        XCTAssertEqual(marks["CVE-2018-18074"]?["source"] as? String, "ignorefile")
        XCTAssertEqual(marks["CVE-2018-18074"]?["reason"] as? String, "no proxy credentials in this service")
        let summary = try ReportJSON(json.stdout).object["summary"] as? [String: Any]
        XCTAssertEqual(summary?["suppressedFindings"] as? Int, 1)
        let table = try scan(p, [], format: "table")
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertFalse(table.out.contains("CVE-2018-18074"), table.out)
        XCTAssertTrue(table.out.contains("CVE-2023-32681"), table.out)
        XCTAssertTrue(table.out.contains("1 finding suppressed"), table.out)

        // Every finding suppressed (--ignorefile elsewhere wins over .kensaignore): the gate stays at 0.
        let everything = p.work.appendingPathComponent("ci-ignore.yaml")
        try write(ids.sorted().map { "- id: \($0)\n  reason: accepted risk, ticket SEC-\($0.count)\n" }.joined(), everything)
        let quiet = try scan(p, ["--exit-code", "3", "--ignorefile", everything.path])
        XCTAssertEqual(quiet.status, 0, quiet.err)
        XCTAssertEqual(Set(try suppressed(quiet).keys), ids)
        XCTAssertEqual(try scan(p, ["--exit-code", "3", "--ignorefile", everything.path], format: "table").status, 0)

        // An expired entry stops suppressing and says so.
        try write("- id: CVE-2018-18074\n  expires: 2020-01-31\n  reason: was accepted until the upgrade\n", everything)
        let expired = try scan(p, ["--ignorefile", everything.path])
        XCTAssertEqual(try suppressed(expired).count, 0)
        let warnings = try ReportJSON(expired.stdout).object["warnings"] as? [[String: Any]] ?? []
        XCTAssertTrue(warnings.contains { ($0["reason"] as? String)?.contains("CVE-2018-18074 expired on 2020-01-31") == true }, "\(warnings)")
    }

    /// Images have no scanned directory: `.kensaignore` comes from the current directory. The
    /// fixture image carries a JWT in PyJWT's METADATA (a secret-rule finding).
    func testImageUsesTheCurrentDirectorysIgnoreFileForSecrets() throws {
        let image = try XCTUnwrap(try Fixtures.images().first { $0.format == "docker-archive" }).path
        let cwd = try temporaryDirectory(self)
        func run(_ extra: [String]) throws -> KensaRun {
            try Kensa.run(["image", "--input", image.path, "--scanners", "secret", "--format", "json", "-q"] + extra, currentDirectory: cwd)
        }
        let before = try run(["--exit-code", "5"])
        XCTAssertEqual(before.status, 5, before.err)
        let secret = try XCTUnwrap(try findings(before).first { $0["kind"] as? String == "secret" })
        let rule = try XCTUnwrap(secret["id"] as? String)
        let path = try XCTUnwrap((secret["location"] as? [String: Any])?["path"] as? String)
        XCTAssertNil(secret["suppressed"])

        try write("- id: \(rule)\n  paths: [usr/local/lib/python3.*/dist-packages/*]\n  reason: example token in upstream docs\n",
                  cwd.appendingPathComponent(".kensaignore"))
        let after = try run(["--exit-code", "5"])
        XCTAssertEqual(after.status, 0, after.err)
        let marked = try findings(after).filter { ($0["location"] as? [String: Any])?["path"] as? String == path && $0["id"] as? String == rule }
        XCTAssertEqual(marked.compactMap { ($0["suppressed"] as? [String: Any])?["reason"] as? String }, ["example token in upstream docs"])
        // A path that does not match leaves the finding alone.
        try write("- id: \(rule)\n  paths: [etc/*]\n  reason: elsewhere\n", cwd.appendingPathComponent(".kensaignore"))
        XCTAssertEqual(try run(["--exit-code", "5"]).status, 5)
    }

    /// The same file suppresses checks of the misconfiguration scanner inside `kensa fs`.
    func testIgnoreFileSuppressesChecksInAProjectTree() throws {
        let dir = try temporaryDirectory(self)
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: agent, namespace: ops}
            spec:
              containers:
              - name: agent
                image: registry.example.com/agent:1.0
                securityContext: {privileged: true}
            """
        for sub in ["k8s/current", "k8s/legacy"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
            try write(pod, dir.appendingPathComponent("\(sub)/agent.yaml"))
        }
        func run() throws -> KensaRun {
            try Kensa.run(["fs", dir.path, "--scanners", "misconfig", "--format", "json", "-q", "--exit-code", "3"])
        }
        func privileged(_ run: KensaRun) throws -> [String: String] {
            var out: [String: String] = [:]
            for f in try findings(run) where f["id"] as? String == "KNS-PSS-003" {
                let path = (f["location"] as? [String: Any])?["path"] as? String ?? "?"
                out[path] = (f["suppressed"] as? [String: Any])?["reason"] as? String ?? "-"
            }
            return out
        }
        let before = try run()
        XCTAssertEqual(before.status, 3, before.err)
        XCTAssertEqual(try privileged(before), ["k8s/current/agent.yaml": "-", "k8s/legacy/agent.yaml": "-"])

        try write("- id: KNS-PSS-003\n  paths: [k8s/legacy/]\n  reason: legacy agent, rewrite tracked in OPS-12\n",
                  dir.appendingPathComponent(".kensaignore"))
        let after = try run()
        XCTAssertEqual(try privileged(after), ["k8s/current/agent.yaml": "-", "k8s/legacy/agent.yaml": "legacy agent, rewrite tracked in OPS-12"])
        XCTAssertEqual(after.status, 3, "the current agent still fails the gate")
    }

    func testBadIgnoreFileIsExitTwoNamingIt() throws {
        let p = try project()
        try write("- id: CVE-2018-18074\n  path: [x]\n  reason: typo\n", p.dir.appendingPathComponent(".kensaignore"))
        let bad = try scan(p, [])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.out, "", "no partial report")
        XCTAssertTrue(bad.err.contains(".kensaignore") && bad.err.contains("unknown key 'path'"), bad.err)
        XCTAssertEqual(bad.err.split(separator: "\n").count, 1, bad.err)
        let missing = try scan(p, ["--ignorefile", p.work.appendingPathComponent("nope.yaml").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("nope.yaml"), missing.err)
    }

    func testVEX() throws {
        let p = try project()
        let notAffected = Self.vexFixtures.appendingPathComponent("requests-not-affected.openvex.json").path
        let affected = Self.vexFixtures.appendingPathComponent("requests-affected.openvex.json").path
        let fixed = Self.vexFixtures.appendingPathComponent("image-subcomponent-fixed.openvex.json").path

        let run = try scan(p, ["--vex", notAffected])
        XCTAssertEqual(run.status, 0, run.err)
        let marks = try suppressed(run)
        XCTAssertEqual(Set(marks.keys), ["CVE-2018-18074"])
        XCTAssertEqual(marks["CVE-2018-18074"]?["source"] as? String, "vex")
        let reason = marks["CVE-2018-18074"]?["reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("vulnerable_code_not_in_execute_path") && reason.contains("requests-not-affected.openvex.json"), reason)
        XCTAssertFalse(try scan(p, ["--vex", notAffected], format: "table").out.contains("CVE-2018-18074"))

        // Repeatable; the subcomponent statement names CVE-2023-32681 by its GHSA.
        XCTAssertEqual(Set(try suppressed(try scan(p, ["--vex", notAffected, "--vex", fixed])).keys), ["CVE-2018-18074", "CVE-2023-32681"])
        // affected does not suppress, and being newer it overrides the older not_affected.
        XCTAssertEqual(try suppressed(try scan(p, ["--vex", affected])).count, 0)
        XCTAssertEqual(try suppressed(try scan(p, ["--vex", notAffected, "--vex", affected])).count, 0)
        XCTAssertTrue(try scan(p, ["--vex", affected], format: "table").out.contains("CVE-2018-18074"))

        let broken = p.work.appendingPathComponent("broken.vex.json")
        try write(#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "not_affected"}]}"#, broken)
        let bad = try scan(p, ["--vex", broken.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("broken.vex.json") && bad.err.contains("justification"), bad.err)
        XCTAssertEqual(bad.err.split(separator: "\n").count, 1, bad.err)
    }

    func testFailOn() throws {
        let p = try project()
        let all = try findings(try scan(p, []))
        let requests = all.first { $0["id"] as? String == "CVE-2018-18074" }?["vulnerability"] as? [String: Any]
        XCTAssertEqual(requests?["epss"] as? Double, 0.62, "the DB carries the EPSS fixture")
        let kev = all.filter { ($0["vulnerability"] as? [String: Any])?["knownExploited"] as? Bool == true }.compactMap { $0["id"] as? String }
        XCTAssertEqual(kev, ["CVE-2022-42969"])

        // --fail-on defaults the exit code to 1; --exit-code overrides it.
        XCTAssertEqual(try scan(p, ["--fail-on", "kev"]).status, 1)
        XCTAssertEqual(try scan(p, ["--fail-on", "kev", "--exit-code", "4"]).status, 4)
        // The KEV entry has no fix: --ignore-unfixed hides it, and the gate only sees what is shown.
        XCTAssertEqual(try scan(p, ["--fail-on", "kev", "--ignore-unfixed"]).status, 0)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.5"]).status, 1)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.62"]).status, 1)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>0.62"]).status, 0)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.7"]).status, 0)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.7,kev"]).status, 1, "comma list: any condition")
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.7", "--fail-on", "kev"]).status, 1, "repeated: any condition")
        // Suppressed findings never fail the gate.
        let ignore = p.work.appendingPathComponent("ignore.yaml")
        try write("- id: CVE-2018-18074\n  reason: accepted\n", ignore)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.5", "--ignorefile", ignore.path]).status, 0)
        XCTAssertEqual(try scan(p, ["--fail-on", "epss>=0.5", "--vex", Self.vexFixtures.appendingPathComponent("requests-not-affected.openvex.json").path]).status, 0)

        // Severity names mean that severity or worse.
        let severities = Set(all.compactMap { $0["severity"] as? String })
        XCTAssertTrue(severities.contains("HIGH"), "\(severities)")
        XCTAssertEqual(try scan(p, ["--fail-on", "high"]).status, 1)
        XCTAssertEqual(try scan(p, ["--fail-on", "critical"]).status, severities.contains("CRITICAL") ? 1 : 0)

        for bad in ["epss>=2", "epss=0.5", "exploitable", ""] where !bad.isEmpty {
            let run = try scan(p, ["--fail-on", bad])
            XCTAssertEqual(run.status, 2, bad)
            XCTAssertTrue(run.err.contains("--fail-on"), run.err)
        }
        XCTAssertEqual(try scan(p, ["--fail-on", "kev", "--exit-code", "2"]).status, 2, "2 stays reserved")
        // Without --fail-on nothing changes: exit 0 unless --exit-code is given.
        XCTAssertEqual(try scan(p, []).status, 0)
    }
}
