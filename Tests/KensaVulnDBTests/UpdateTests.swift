import Foundation
import KensaCore
@testable import KensaVulnDB
import XCTest

/// `db update` against a local HTTP server on loopback (a small Python server with one path
/// per behaviour). After every failure the old DB must still answer.
final class UpdateTests: XCTestCase {
    private static let server = #"""
    import http.server, os, socketserver, sys, time
    GOOD = sys.argv[1]
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def send(self, body, length=None):
            self.send_response(200)
            self.send_header("Content-Length", str(length if length is not None else len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        def do_GET(self):
            if self.path == "/good.zip":
                self.send(open(GOOD, "rb").read())
            elif self.path == "/corrupt.zip":
                self.send(bytes((i * 31) % 256 for i in range(5000)))
            elif self.path == "/cut.zip":
                data = open(GOOD, "rb").read()
                self.send(data[: len(data) // 3], length=len(data))
                self.connection.shutdown(2)
                self.close_connection = True
            elif self.path == "/hang.zip":
                time.sleep(60)
            else:
                self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
    s = S(("127.0.0.1", 0), H)
    print(s.server_address[1], flush=True)
    s.serve_forever()
    """#

    private var process: Process?
    private var port = 0
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let good = dir.appendingPathComponent("good.zip").path
        try sh("cd '\(sharedOSVData())/PyPI' && zip -q -X '\(good)' *.json")
        let script = dir.appendingPathComponent("server.py")
        try write(UpdateTests.server, to: script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, good]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        self.process = process
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        port = try XCTUnwrap(Int(String(decoding: line, as: UTF8.self)))
    }

    override func tearDown() {
        process?.terminate()
        process?.waitUntilExit()
    }

    private func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }
    private var output: String { dir.appendingPathComponent("db/kensa.db").path }
    private let fast = VulnDBUpdater.Options(timeout: 1, retries: 1, backoff: 0.05)

    private func assertOldDBAnswers(_ line: UInt = #line) throws {
        let db = try VulnDB(path: output)
        XCTAssertEqual(db.metadata.sources, [url("good.zip")], line: line)
        XCTAssertTrue(try db.match([package(.pypi, "requests", "2.19.1")], os: nil).keys
            .contains("requests@2.19.1 CVE-2018-18074"), line: line)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("db").path)
        XCTAssertEqual(leftovers, ["kensa.db"], line: line)
    }

    func testSuccessThenEveryFailureKeepsTheOldDB() async throws {
        let summary = try await VulnDBUpdater.update(sources: [url("good.zip")], output: output, options: fast)
        XCTAssertEqual(summary.metadata.records, 75)
        try assertOldDBAnswers()

        for (path, expected) in [("corrupt.zip", "not a zip archive"), ("cut.zip", "download failed after 2 attempt(s)"), ("missing.zip", "404"),
                                 ("hang.zip", "no answer within the timeout")] {
            let start = Date()
            do {
                _ = try await VulnDBUpdater.update(sources: [url("good.zip"), url(path)], output: output, options: fast)
                XCTFail("\(path) did not fail")
            } catch let error as KensaError {
                XCTAssertTrue(error.description.contains(expected), "\(path): \(error)")
                XCTAssertFalse(error.description.contains("\n"))
            }
            // One retry with a 1 s read timeout: a hanging server costs about 2 s, not 60.
            XCTAssertLessThan(Date().timeIntervalSince(start), 20, path)
            try assertOldDBAnswers()
        }
    }

    func testRefusedConnectionIsAnError() async throws {
        // A port nobody listens on (the server's own port after it stopped).
        process?.terminate()
        process?.waitUntilExit()
        do {
            _ = try await VulnDBUpdater.update(sources: [url("good.zip")], output: output, options: fast)
            XCTFail("no error")
        } catch let error as KensaError {
            XCTAssertEqual(error.input, url("good.zip"))
            XCTAssertTrue(error.reason.contains("after 2 attempt(s)"), error.reason)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
