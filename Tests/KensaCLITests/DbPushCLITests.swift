import Foundation
import XCTest

/// `kensa db push` to the test registry (TLS + htpasswd, Support/CLIRegistry.swift), then
/// `kensa db update --repository` on a clean cache: the same DB, the same answers.
final class DbPushCLITests: XCTestCase {
    /// A DB built from ../shared/testdata/osv in `cache`.
    private func buildDB(_ cache: URL) throws {
        let build = try Kensa.run(["db", "build", "--from", Kensa.sharedTestdata.appendingPathComponent("osv").path,
                                   "--cache-dir", cache.path])
        XCTAssertEqual(build.status, 0, build.err)
    }

    private func dbFile(_ cache: URL) -> URL { cache.appendingPathComponent("db/kensa.db") }

    /// `db info` without its first line (the path).
    private func info(_ cache: URL) throws -> String {
        let run = try Kensa.run(["db", "info", "--cache-dir", cache.path])
        XCTAssertEqual(run.status, 0, run.err)
        return run.out.split(separator: "\n").dropFirst().joined(separator: "\n")
    }

    /// requests 2.19.1 has CVE-2018-18074 in the shared OSV records.
    private func findings(_ cache: URL, project: URL) throws -> [[String: Any]] {
        let run = try Kensa.run(["fs", project.path, "--scanners", "vuln", "--cache-dir", cache.path, "--format", "json", "-q"])
        XCTAssertEqual(run.status, 0, run.err)
        return try ReportJSON(run.stdout).object["findings"] as? [[String: Any]] ?? []
    }

    func testPushThenUpdateOnACleanCacheAnswersTheSame() throws {
        let server = try CLIRegistry.start(self)
        let original = server.work.appendingPathComponent("original"), clean = server.work.appendingPathComponent("clean")
        try buildDB(original)
        let ref = "\(server.host)/security/kensa-db:1"

        let push = try Kensa.run(["db", "push", ref, "--cache-dir", original.path, "--ca-file", server.caFile,
                                  "--username", CLIRegistry.user, "--password-stdin"],
                                 stdin: Data((CLIRegistry.password + "\n").utf8))
        XCTAssertEqual(push.status, 0, push.err)
        XCTAssertTrue(push.out.hasPrefix("pushed \(dbFile(original).path) to \(ref): manifest sha256:"), push.out)
        XCTAssertFalse(push.out.contains(CLIRegistry.password) || push.err.contains(CLIRegistry.password))
        let again = try Kensa.run(["db", "push", ref, "--db", dbFile(original).path, "--ca-file", server.caFile],
                                  environment: server.environment)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.out.contains("2 blob(s) already in the registry"), again.out)

        let update = try Kensa.run(["db", "update", "--repository", ref, "--cache-dir", clean.path, "--ca-file", server.caFile],
                                   environment: server.environment)
        XCTAssertEqual(update.status, 0, update.err)
        XCTAssertTrue(update.out.hasPrefix("updated \(dbFile(clean).path) from \(ref) (manifest sha256:"), update.out)
        XCTAssertEqual(try Data(contentsOf: dbFile(clean)), try Data(contentsOf: dbFile(original)))
        XCTAssertEqual(try info(clean), try info(original))
        XCTAssertTrue(try info(clean).contains("Records: "))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: clean.appendingPathComponent("db").path), ["kensa.db"],
                       "no temporary file left beside the DB")

        let project = server.work.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try "requests==2.19.1\npy==1.11.0\n".write(to: project.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let before = try findings(original, project: project), after = try findings(clean, project: project)
        XCTAssertTrue(before.contains { $0["id"] as? String == "CVE-2018-18074" }, "\(before)")
        XCTAssertEqual(try JSONSerialization.data(withJSONObject: after, options: [.sortedKeys]),
                       try JSONSerialization.data(withJSONObject: before, options: [.sortedKeys]))
    }

    func testFailedUpdateKeepsTheOldDBAndErrorsAreOneLine() throws {
        let server = try CLIRegistry.start(self)
        let cache = server.work.appendingPathComponent("cache")
        try buildDB(cache)
        let layout = try CLIRegistry.debianImage(in: server.work)
        try server.push(layout: layout, tag: "t", to: "team/app:v1")
        let infoBefore = try info(cache)
        let dbBefore = try Data(contentsOf: dbFile(cache))

        let cases: [(args: [String], env: [String: String], expect: String)] = [
            (["db", "update", "--repository", "\(server.host)/team/app:v1", "--cache-dir", cache.path, "--ca-file", server.caFile],
             server.environment, "not a application/vnd.kensa.db.v1 artifact"),
            (["db", "update", "--repository", "\(server.host)/security/kensa-db:none", "--cache-dir", cache.path, "--ca-file", server.caFile],
             server.environment, "manifest none not found"),
            (["db", "update", "--repository", "\(server.host)/team/app:v1", "--cache-dir", cache.path, "--ca-file", server.caFile],
             ["KENSA_USERNAME": CLIRegistry.user, "KENSA_PASSWORD": "WRONG-db-pw-4"], "authentication failed"),
            (["db", "update", "--repository", "\(server.host)/team/app:v1", "--cache-dir", cache.path, "--timeout", "20"],
             server.environment, "TLS failure"),
            (["db", "update", "--repository", "\(server.host)/team/app:v1", "--source", "https://127.0.0.1:1/x.zip", "--cache-dir", cache.path],
             [:], "not both"),
            (["db", "push", "\(server.host)/security/kensa-db:1", "--cache-dir", cache.path, "--ca-file", server.caFile],
             ["KENSA_USERNAME": CLIRegistry.user, "KENSA_PASSWORD": "WRONG-db-pw-4"], "authentication failed"),
            (["db", "push", "\(server.host)/security/kensa-db:1", "--db", layout + "/index.json", "--ca-file", server.caFile],
             server.environment, "not a kensa vulnerability database"),
        ]
        for c in cases {
            let r = try Kensa.run(c.args, environment: c.env)
            XCTAssertEqual(r.status, 2, "\(c.args): \(r.err)")
            XCTAssertTrue(r.err.contains(c.expect), "\(c.args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertFalse(r.err.contains("WRONG-db-pw-4") || r.err.contains(CLIRegistry.password), r.err)
        }
        XCTAssertEqual(try info(cache), infoBefore, "the old DB still answers")
        XCTAssertEqual(try Data(contentsOf: dbFile(cache)), dbBefore)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("db").path), ["kensa.db"])
    }
}
