import Foundation
import KensaCore
@testable import KensaReport
import XCTest

final class TableTests: XCTestCase {
    func testTerminalEscapesFromTheImageAreNeutralised() throws {
        var report = SampleReport.empty
        report.artifact.name = "evil\u{1B}]0;title\u{07}"
        report.packages = [Package(name: "x\u{1B}[2J\u{202E}y", version: "1\r2", ecosystem: .npm,
                                   purl: PURL(type: "npm", name: "x", version: "1"), foundBy: "t",
                                   location: .init(path: "p\u{9B}q"))]
        report.warnings = [ScanWarning(path: "w\u{0}", reason: "r\n2")]
        let text = try renderString(report, .table, options: WriterOptions(listPackages: true, color: false))
        XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B
            || $0.value == 0x202E || $0.value == 0x0D || $0.value == 0 })
        XCTAssertTrue(text.contains("x\\u{1B}[2J\\u{202E}y"))
        XCTAssertTrue(text.contains("1\\u{D}2"))
        XCTAssertTrue(text.contains("w\\u{0}: r\\u{A}2"))
    }

    /// Finding text from an image or an advisory (path, title, IDs, versions, the match) cannot
    /// drive the terminal either, in the target header or in the rows.
    func testTerminalEscapesInFindingsAreNeutralised() throws {
        var report = SampleReport.report
        report.findings = report.findings.map { finding in
            var finding = finding
            finding.id += "\u{1B}[2J"
            finding.title = "\u{202E}" + finding.title + "\u{07}"
            finding.location.path = "evil\u{1B}]0;x\u{07}/" + finding.location.path
            finding.location.object = finding.location.object.map { $0 + "\u{9B}" }
            finding.match = finding.match.map { $0 + "\r" }
            if var vulnerability = finding.vulnerability {
                vulnerability.installedVersion += "\u{1B}[1m"
                vulnerability.fixedVersions = vulnerability.fixedVersions.map { $0 + "\u{0}" }
                finding.vulnerability = vulnerability
            }
            return finding
        }
        let text = try renderString(report, .table, options: WriterOptions(listPackages: false, color: false))
        XCTAssertFalse(text.unicodeScalars.contains { [0x1B, 0x07, 0x9B, 0x202E, 0x0D, 0].contains($0.value) }, text)
        XCTAssertTrue(text.contains("evil\\u{1B}]0;x\\u{7}/deploy/app.yaml (misconfigurations)\n"), text)
        XCTAssertTrue(text.contains("CVE-2099-1001\\u{1B}[2J"), text)
    }

    func testColourOnlyWhenAsked() throws {
        let plain = try renderString(SampleReport.report, .table, options: WriterOptions(color: false))
        XCTAssertFalse(plain.contains("\u{1B}"))
        let coloured = try renderString(SampleReport.report, .table, options: WriterOptions(color: true))
        XCTAssertTrue(coloured.contains("\u{1B}[1mSummary: \u{1B}[0m"))
        XCTAssertTrue(coloured.contains("\u{1B}[33mWarnings (2):\u{1B}[0m"))
    }

    func testSummaryOnlyListsNoPackages() throws {
        let text = try renderString(SampleReport.report, .table, options: WriterOptions(listPackages: false))
        XCTAssertFalse(text.contains("libstdc++6"))
        XCTAssertTrue(text.contains("Summary: 17 packages (1 apk, 5 deb, 1 golang, 2 maven, 6 npm, 2 pypi)"))
    }

    func testFindingsPerTargetWithSeveritySummaryAndSuppressedLeftOut() throws {
        let text = try renderString(SampleReport.report, .table, options: WriterOptions(listPackages: false))
        // Targets: OS packages, then language packages, misconfigurations and secrets.
        let headers = ["debian 12.7 (deb) — var/lib/dpkg/status\n=======================================\n"
                       + "Total: 2 (UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 0)\n",
                       "Python packages (python-dist)\n", "usr/local/bin/app (gobinary)\n",
                       "deploy/app.yaml (misconfigurations)\n", "app/config/settings.yml (secrets)\n"]
        let positions = try headers.map { try XCTUnwrap(text.range(of: $0), $0).lowerBound }
        XCTAssertEqual(positions, positions.sorted())
        // A vulnerability row: library (the binary package), ID, severity, status, versions, EPSS, KEV, layer, title.
        XCTAssertTrue(text.contains("libc6    CVE-2099-1001  HIGH      fixed     2.36-9+deb12u7    2.36-9+deb12u8  97.53%  yes  sha256:111111111111  glibc: heap overflow in the resolver"), text)
        XCTAssertTrue(text.contains("openssl  CVE-2099-1002  MEDIUM    affected  3.0.15-1~deb12u1"), text)
        // Installed per-package files: one target, the path per row.
        XCTAssertTrue(text.contains("Django   GHSA-2099-aaaa-bbbb  HIGH      fixed   4.2.7      4.2.8, 5.0.1  0.04%"), text)
        // Misconfiguration evidence: line range, object, field path.
        XCTAssertTrue(text.contains("HIGH      KNS-PSS-007  21-22  Deployment/prod/app  spec.template.spec.containers[0].securityContext.privileged"), text)
        XCTAssertTrue(text.contains("CRITICAL  github-pat  12    ghp_…(40 characters)  sha256:333333333333"), text)
        // Suppressed: gone from the table, counted once.
        XCTAssertFalse(text.contains("KNS-DF-001"))
        XCTAssertFalse(text.contains("CVE-2099-1005"))
        XCTAssertFalse(text.contains("Java packages"))
        XCTAssertTrue(text.contains("Findings: 8 (1 critical, 3 high, 1 medium, 2 low, 1 unknown)\n2 findings suppressed (see JSON)\n"), text)

        let coloured = try renderString(SampleReport.report, .table, options: WriterOptions(color: true))
        XCTAssertTrue(coloured.contains("\u{1B}[31mCRITICAL  github-pat"))
        XCTAssertTrue(coloured.contains("\u{1B}[31mlibc6    CVE-2099-1001"))
        var none = SampleReport.report
        none.findings = []
        let empty = try renderString(none, .table)
        XCTAssertFalse(empty.contains("Findings") || empty.contains("Total:") || empty.contains("suppressed"))
        none.findings = SampleReport.findings.filter { $0.suppression != nil }
        let onlySuppressed = try renderString(none, .table)
        XCTAssertFalse(onlySuppressed.contains("Total:"))
        XCTAssertTrue(onlySuppressed.contains("Findings: 0\n2 findings suppressed (see JSON)\n"), onlySuppressed)
    }

    func testRowsWithinATargetByLibraryThenSeverity() throws {
        var report = SampleReport.empty
        let package = SampleReport.packages[1]  // libc6
        report.os = OperatingSystem(family: "debian", version: "12")
        report.packages = [package]
        func finding(_ id: String, _ severity: Severity) -> Finding {
            Finding(kind: .vulnerability, id: id, title: id, severity: severity, location: .init(path: package.location.path),
                    message: id, vulnerability: Vulnerability(
                        packageName: "libc6", installedVersion: package.version, purl: package.purl, fixedVersions: [],
                        status: .affected, aliases: [], advisoryIDs: [id], cvss: [], severitySource: nil,
                        dataSource: "Debian:12", references: [], published: nil, modified: nil))
        }
        report.findings = [finding("CVE-1", .low), finding("CVE-3", .critical), finding("CVE-2", .critical), finding("CVE-4", .medium)]
        let text = try renderString(report, .table)
        let order = try ["CVE-2", "CVE-3", "CVE-4", "CVE-1"].map { try XCTUnwrap(text.range(of: "libc6    \($0) ")).lowerBound }
        XCTAssertEqual(order, order.sorted(), text)
        XCTAssertTrue(text.contains("Total: 4 (UNKNOWN: 0, LOW: 1, MEDIUM: 1, HIGH: 0, CRITICAL: 2)"), text)
    }

    func testEPSSPercent() {
        XCTAssertEqual(TableWriter.percent(0.97531), "97.53%")
        XCTAssertEqual(TableWriter.percent(0.00043), "0.04%")
        XCTAssertEqual(TableWriter.percent(1), "100.00%")
        XCTAssertEqual(TableWriter.percent(-3), "0.00%")
        XCTAssertEqual(TableWriter.percent(.nan), "")
    }

    func testSourceColumn() {
        func package(_ source: String?, _ sourceVersion: String?) -> Package {
            Package(name: "libssl3", version: "3.0.15-1", ecosystem: .deb,
                    purl: PURL(type: "deb", name: "libssl3"), foundBy: "dpkg", sourceName: source,
                    sourceVersion: sourceVersion, location: .init(path: "s"))
        }
        XCTAssertEqual(TableWriter.sourceText(package(nil, nil)), "")
        XCTAssertEqual(TableWriter.sourceText(package("libssl3", "3.0.15-1")), "")
        XCTAssertEqual(TableWriter.sourceText(package("openssl", nil)), "openssl")
        XCTAssertEqual(TableWriter.sourceText(package("openssl", "3.0.15-1")), "openssl")
        XCTAssertEqual(TableWriter.sourceText(package("openssl", "3.0.15")), "openssl 3.0.15")
        XCTAssertEqual(TableWriter.sourceText(package(nil, "3.0.15")), "libssl3 3.0.15")
    }

    func testNoTrailingSpaces() throws {
        let text = try renderString(SampleReport.report, .table)
        for line in text.split(separator: "\n") {
            XCTAssertFalse(line.hasSuffix(" "), String(line))
        }
        XCTAssertTrue(text.hasSuffix("\n"))
    }
}
