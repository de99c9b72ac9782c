#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// `kensa image REF` against a real registry (Debian's docker-registry) on loopback, with TLS
/// from a test CA and htpasswd auth; images built with umoci and pushed with skopeo.
final class RegistryCLITests: XCTestCase {
    private let user = CLIRegistry.user, password = CLIRegistry.password

    private struct Server {
        var host: String
        var caFile: String
        var layout: String
        var work: URL
    }

    /// The shared registry (Support/CLIRegistry.swift) serving `team/app:v1`.
    private func startRegistry() throws -> Server {
        let registry = try CLIRegistry.start(self)
        let layout = try CLIRegistry.debianImage(in: registry.work)
        try registry.push(layout: layout, tag: "t", to: "team/app:v1")
        return Server(host: registry.host, caFile: registry.caFile, layout: layout, work: registry.work)
    }

    private func pullArguments(_ server: Server, _ ref: String, cache: URL) -> [String] {
        ["image", ref, "--ca-file", server.caFile, "--cache-dir", cache.path, "--format", "json", "--scanners", "secret", "-q"]
    }

    func testScanByTagAndByDigestGivesTheInventoryOfTheLayoutAndReusesTheCache() throws {
        let server = try startRegistry()
        let cache = server.work.appendingPathComponent("cache")
        let local = try Kensa.run(["image", "--input", server.layout, "--format", "json", "--scanners", "secret", "-q"])
        XCTAssertEqual(local.status, 0, local.err)
        let expected = try ReportJSON(local.stdout).packages.sorted()
        XCTAssertEqual(expected.map(\.name), ["base-files", "zlib1g"])

        let byTag = try Kensa.run(pullArguments(server, "\(server.host)/team/app:v1", cache: cache) + ["--username", user, "--password-stdin", "--debug"],
                                  stdin: Data((password + "\n").utf8))
        XCTAssertEqual(byTag.status, 0, byTag.err)
        XCTAssertEqual(try ReportJSON(byTag.stdout).packages.sorted(), expected)
        XCTAssertTrue(byTag.err.contains("blobs_downloaded=3"), byTag.err)
        XCTAssertFalse(byTag.err.contains(password))

        let again = try Kensa.run(pullArguments(server, "\(server.host)/team/app:v1", cache: cache) + ["--debug"],
                                  environment: ["KENSA_USERNAME": user, "KENSA_PASSWORD": password])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.err.contains("blobs_downloaded=0 bytes_downloaded=0 blobs_cached=3"), again.err)
        XCTAssertEqual(try ReportJSON(again.stdout).packages.sorted(), expected)

        guard let range = again.err.range(of: #"sha256:[0-9a-f]{64}"#, options: .regularExpression) else {
            return XCTFail("no manifest digest in --debug output: \(again.err)")
        }
        let byDigest = try Kensa.run(pullArguments(server, "\(server.host)/team/app@\(again.err[range])", cache: cache),
                                     environment: ["KENSA_USERNAME": user, "KENSA_PASSWORD": password])
        XCTAssertEqual(byDigest.status, 0, byDigest.err)
        XCTAssertEqual(try ReportJSON(byDigest.stdout).packages.sorted(), expected)

        // Views are removed after each scan; only blobs stay.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tmp").path), [])

        let clean = try Kensa.run(["clean", "--cache", "--cache-dir", cache.path])
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("blobs").path))
    }

    func testEightProcessesWithOneCacheDirectoryAllSucceedIdentically() throws {
        let server = try startRegistry()
        let cache = server.work.appendingPathComponent("shared-cache")
        let outputs = server.work.appendingPathComponent("outputs")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        var processes: [Process] = []
        var env = ProcessInfo.processInfo.environment
        env["KENSA_USERNAME"] = user
        env["KENSA_PASSWORD"] = password
        // The report's timestamp would differ when the processes straddle a second.
        env["SOURCE_DATE_EPOCH"] = "1700000000"
        for i in 0..<8 {
            let p = Process()
            p.executableURL = Kensa.binary
            p.arguments = pullArguments(server, "\(server.host)/team/app:v1", cache: cache)
            p.environment = env
            let out = outputs.appendingPathComponent("\(i).out"), err = outputs.appendingPathComponent("\(i).err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardError = try FileHandle(forWritingTo: err)
            p.standardInput = FileHandle.nullDevice
            processes.append(p)
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        var bodies: Set<Data> = []
        for (i, p) in processes.enumerated() {
            let err = (try? String(contentsOf: outputs.appendingPathComponent("\(i).err"), encoding: .utf8)) ?? ""
            XCTAssertEqual(p.terminationStatus, 0, "process \(i): \(err)")
            bodies.insert(try Data(contentsOf: outputs.appendingPathComponent("\(i).out")))
        }
        XCTAssertEqual(bodies.count, 1, "outputs differ")
        XCTAssertEqual(try ReportJSON(bodies.first ?? Data()).packages.map(\.name).sorted(), ["base-files", "zlib1g"])
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("blobs/sha256").path)
        XCTAssertFalse(names.contains { $0.hasPrefix(".partial") }, "\(names)")
    }

    func testFailuresAreOneLineWithExitCode2AndNoCredential() throws {
        let server = try startRegistry()
        let cache = server.work.appendingPathComponent("cache")
        let cases: [(args: [String], env: [String: String], expect: String)] = [
            (pullArguments(server, "\(server.host)/team/app:v1", cache: cache), ["KENSA_USERNAME": user, "KENSA_PASSWORD": "WRONG-pw-123"], "authentication failed"),
            (pullArguments(server, "\(server.host)/team/app:nope", cache: cache), ["KENSA_USERNAME": user, "KENSA_PASSWORD": password], "404"),
            // --timeout 30: these cannot heal, so they must fail at once rather than after the timeout.
            (["image", "\(server.host)/team/app:v1", "--cache-dir", cache.path, "-q", "--timeout", "30"], ["KENSA_USERNAME": user, "KENSA_PASSWORD": password], "TLS failure"),
            (["image", "127.0.0.1:\(try unusedLoopbackPort())/team/app:v1", "--cache-dir", cache.path, "-q", "--timeout", "30"], [:], "connection refused"),
            (["image", "registry.kensa-test.invalid/team/app:v1", "--cache-dir", cache.path, "-q", "--timeout", "30"], ["KENSA_USERNAME": user, "KENSA_PASSWORD": password], "cannot resolve registry.kensa-test.invalid"),
            (["image", "Not/Valid", "--cache-dir", cache.path], [:], "invalid image reference"),
            (["image", "\(server.host)/team/app:v1", "--platform", "linux", "--cache-dir", cache.path], [:], "os/arch"),
        ]
        for c in cases {
            let start = Date()
            let r = try Kensa.run(c.args, environment: c.env)
            XCTAssertLessThan(Date().timeIntervalSince(start), 15, "\(c.args): waited for the timeout")
            XCTAssertEqual(r.status, 2, "\(c.args): \(r.err)")
            XCTAssertTrue(r.err.contains(c.expect), "\(c.args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertFalse(r.err.contains("WRONG-pw-123") || r.err.contains(password), r.err)
            XCTAssertTrue(r.stdout.isEmpty)
        }
    }
}
