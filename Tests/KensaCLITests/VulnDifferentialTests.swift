import Foundation
import XCTest

/// Issue 4 acceptance 1 without Trivy: a DB built from ../shared/testdata/osv and kensa's own
/// Debian records (Tests/Fixtures/osv-ours, invented test data), and the exact set of
/// (package, installed version, vulnerability) `kensa rootfs` reports on the CI fixture root
/// file system. Benchmarks/scripts/vuln-differential.sh compares the same set with Trivy's on
/// the bench image; docs/benchmarks/vuln-differential.md explains each difference.
///
/// The fixture is a debootstrap of bookworm from the mirror, so versions move with point
/// releases: the expected set is computed from the fixture's own dpkg status (binary names and
/// versions per source package), the records' ranges are wide enough for any bookworm point
/// release, and the three records that sit exactly on an installed version are judged by the
/// real `dpkg --compare-versions`.
final class VulnDifferentialTests: XCTestCase {
    /// Source package → the IDs its binaries must be reported with, for records whose outcome
    /// does not depend on the point release.
    private static let affectedBySource: [String: [String]] = [
        "glibc": ["CVE-0000-0001"],                       // fixed above; DEBIAN-CVE-like upstream
        "pam": ["KENSA-TEST-2026-0005"],                  // introduced below, fixed above
        "attr": ["KENSA-TEST-2026-0007"],                 // last_affected above, epoch 1
        "shadow": ["KENSA-TEST-2026-0009"],               // epoch on both sides
        "usrmerge": ["KENSA-TEST-2026-0011"],             // 37~deb12u1 < 37; binary usr-is-merged
        "debianutils": ["KENSA-TEST-2026-0013"],          // 5.7-0.5~deb12u1 < 5.7-0.5
        "e2fsprogs": ["KENSA-TEST-2026-0016"],            // second of two ranges; binaries are binNMUs
        "dpkg": ["KENSA-TEST-2026-0018"],                 // no fix
        "util-linux": ["CVE-0000-0019"],                  // DSA-like + DEBIAN-CVE-like, one finding
        "perl": ["CVE-0000-0021"],                        // DLA-like + DEBIAN-CVE-like by aliases
        "gnutls28": ["CVE-0000-0023", "CVE-0000-0024"],   // one DSA-like record for two CVEs
        "libzstd": ["KENSA-TEST-2026-0030"],              // fixed range + a last_affected range
    ]

    /// IDs that must never be reported: withdrawn, introduced above, last_affected below,
    /// fixed below, epoch-less fix below an epoch, tilde fix below, two-pair range around the
    /// installed version, a binary package name, another release, fixed equal to the source
    /// version of a binNMU, and the advisory IDs that merge into a CVE.
    private static let neverReported = [
        "KENSA-TEST-2026-0003", "KENSA-TEST-2026-0004", "KENSA-TEST-2026-0008", "KENSA-TEST-2026-0010",
        "KENSA-TEST-2026-0012", "KENSA-TEST-2026-0015", "KENSA-TEST-2026-0017", "KENSA-TEST-2026-0025",
        "KENSA-TEST-2026-0027", "KENSA-TEST-2026-0028", "CVE-0000-0015",
        "KENSA-TEST-DSA-0019-1", "KENSA-TEST-DEBIAN-CVE-0000-0019", "KENSA-TEST-DLA-0021-1",
        "KENSA-TEST-DEBIAN-CVE-0000-0021", "KENSA-TEST-DSA-0023-1",
    ]

    private struct Installed {
        var binary: String, version: String, source: String, sourceVersion: String
    }

    private func installed(_ rootfs: URL) throws -> [Installed] {
        let out = try sh("dpkg-query --admindir='\(rootfs.path)/var/lib/dpkg' -W -f '${Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n'")
        return out.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return f.count == 4 ? Installed(binary: f[0], version: f[1], source: f[2], sourceVersion: f[3]) : nil
        }
    }

    /// The real dpkg's answer for `a OP b`.
    private func dpkg(_ a: String, _ op: String, _ b: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg")
        process.arguments = ["--compare-versions", a, op, b]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func testExactFindingsOnTheFixtureRootfs() throws {
        let rootfs = try Fixtures.rootfs()
        let work = try temporaryDirectory(self)
        let cache = work.appendingPathComponent("cache")
        let ours = Kensa.packageRoot.appendingPathComponent("Tests/Fixtures/osv-ours")
        let build = try Kensa.run(["db", "build", "--from", Kensa.sharedTestdata.appendingPathComponent("osv").path,
                                   "--from", ours.path, "--cache-dir", cache.path])
        XCTAssertEqual(build.status, 0, build.err)

        let packages = try installed(rootfs)
        XCTAssertGreaterThan(packages.count, 50, "the fixture's dpkg status")
        var bySource: [String: [String]] = Self.affectedBySource
        // Records on an exact installed version, judged by dpkg itself.
        func version(of source: String) -> String? { packages.first { $0.source == source }?.sourceVersion }
        if let gmp = version(of: "gmp"), try dpkg(gmp, "le", "2:6.2.1+dfsg1-1.1") { bySource["gmp"] = ["KENSA-TEST-2026-0006"] }
        if let zlib = version(of: "zlib"), try dpkg(zlib, "lt", "1:1.2.13.dfsg-1") { bySource["zlib"] = ["KENSA-TEST-2026-0002"] }
        if version(of: "hostname").map({ ["3.22", "3.23+nmu1"].contains($0) }) == true { bySource["hostname"] = ["KENSA-TEST-2026-0026"] }
        // Packages only in the bench image (openssl, python3.11) are absent here.
        for absent in ["openssl", "python3.11"] where version(of: absent) != nil {
            bySource[absent] = absent == "openssl" ? ["KENSA-TEST-2026-0014"] : ["KENSA-TEST-2026-0029"]
        }
        var expected = Set<String>()
        for p in packages { for id in bySource[p.source] ?? [] { expected.insert("\(p.binary) \(p.version) \(id)") } }
        XCTAssertTrue(expected.contains { $0.hasPrefix("usr-is-merged ") }, "a binary named unlike its source")
        XCTAssertTrue(expected.contains { $0.hasPrefix("bsdutils 1:") }, "a binary with an epoch its source lacks")

        let scan = try Kensa.run(["rootfs", rootfs.path, "--scanners", "vuln", "--cache-dir", cache.path, "--format", "json", "-q"])
        XCTAssertEqual(scan.status, 0, scan.err)
        let findings = try ReportJSON(scan.stdout).object["findings"] as? [[String: Any]] ?? []
        var reported = Set<String>()
        var byKey: [String: [String: Any]] = [:]
        for f in findings where f["kind"] as? String == "vulnerability" {
            let v = f["vulnerability"] as? [String: Any] ?? [:]
            let key = "\(v["packageName"] as? String ?? "?") \(v["installedVersion"] as? String ?? "?") \(f["id"] as? String ?? "?")"
            XCTAssertTrue(reported.insert(key).inserted, "reported twice: \(key)")
            byKey[key] = v
        }
        XCTAssertEqual(reported.subtracting(expected).sorted(), [], "reported but not expected")
        XCTAssertEqual(expected.subtracting(reported).sorted(), [], "expected but not reported")
        let ids = Set(reported.map { String($0.split(separator: " ").last ?? "") })
        for id in Self.neverReported { XCTAssertFalse(ids.contains(id), id) }

        // Evidence on a few findings: the fix of the range the version is in, no fix, merged IDs.
        let e2fs = try XCTUnwrap(packages.first { $0.binary == "e2fsprogs" })
        XCTAssertEqual(byKey["e2fsprogs \(e2fs.version) KENSA-TEST-2026-0016"]?["fixedVersions"] as? [String], ["1.47.0-2+deb12u99"])
        let dpkgPackage = try XCTUnwrap(packages.first { $0.binary == "dpkg" })
        let unfixed = try XCTUnwrap(byKey["dpkg \(dpkgPackage.version) KENSA-TEST-2026-0018"])
        XCTAssertEqual(unfixed["status"] as? String, "affected")
        XCTAssertEqual(unfixed["fixedVersions"] as? [String], [])
        let mount = try XCTUnwrap(packages.first { $0.binary == "mount" })
        let utilLinux = try XCTUnwrap(byKey["mount \(mount.version) CVE-0000-0019"])
        XCTAssertEqual(utilLinux["advisoryIDs"] as? [String], ["KENSA-TEST-DEBIAN-CVE-0000-0019", "KENSA-TEST-DSA-0019-1"])
        let gnutls = try XCTUnwrap(packages.first { $0.binary == "libgnutls30" })
        for cve in ["CVE-0000-0023", "CVE-0000-0024"] {
            let v = try XCTUnwrap(byKey["libgnutls30 \(gnutls.version) \(cve)"], cve)
            XCTAssertEqual(v["advisoryIDs"] as? [String], ["KENSA-TEST-DSA-0023-1"], cve)
            XCTAssertEqual(v["aliases"] as? [String], ["KENSA-TEST-DSA-0023-1"], cve)
        }
    }
}
