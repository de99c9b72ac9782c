import Foundation
import KensaCore
@testable import KensaRegistry
import XCTest

/// A scripted HTTP server (Python's http.server) on loopback answers 429 with Retry-After,
/// 503, or nothing at all, to check retries and timeouts; plus the failures that need no
/// server: a refused connection and a host that does not resolve. Each failure must be one
/// line, fast where it cannot heal, and never show a credential.
final class RetryAndTimeoutTests: XCTestCase {
    private static let server = #"""
    import base64, http.server, sys, time
    mode, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def do_GET(self):
            with open(log, "a") as f: f.write(self.path + "\n")
            if self.path == "/v2/":
                self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers(); return
            if mode == "bearer":
                auth = self.headers.get("Authorization", "")
                if self.path.startswith("/token?"):
                    ok = auth == "Basic " + base64.b64encode(b"tok-user:tok-pass").decode()
                    body = b'{"token":"T0KEN-xyz"}' if ok else b'{}'
                    self.send_response(200 if ok else 401)
                elif auth == "Bearer T0KEN-xyz":
                    body = b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'
                    self.send_response(404)
                else:
                    body = b""
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Bearer realm="http://127.0.0.1:%d/token",service="fake",scope="repository:x/y:pull"' % port)
                self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body); return
            n = sum(1 for line in open(log) if line != "/v2/\n")
            if mode == "stall":
                time.sleep(30); return
            if mode == "429":
                self.send_response(429); self.send_header("Retry-After", "1")
            elif mode == "503then404":
                self.send_response(503 if n <= 2 else 404)
            self.send_header("Content-Length", "0"); self.end_headers()
    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
    """#

    private func start(_ mode: String) throws -> (host: String, log: URL) {
        let dir = try scratchDirectory(self)
        let script = dir.appendingPathComponent("server.py")
        try Data(Self.server.utf8).write(to: script)
        let log = dir.appendingPathComponent("requests.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, mode, String(port), log.path]
        try process.run()
        addTeardownBlock { stopProcess(process) }
        let deadline = Date().addingTimeInterval(10)
        while !canConnect(port: port) {
            guard Date() < deadline, process.isRunning else { throw XCTSkip("python3 server did not start") }
            usleep(50_000)
        }
        return ("127.0.0.1:\(port)", log)
    }

    private func requests(_ log: URL) -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).filter { $0 != "/v2/" }
    }

    /// Given where a test does not choose its own, so every error can be checked for it.
    private static let secret = Credentials(username: "rt-user", password: "rt-SECRET-pw")

    private func pull(_ host: String, timeout: Double, attempts: Int, insecure: Bool = true,
                      credentials: Credentials? = secret) async -> (error: String, seconds: Double) {
        let cache = BlobCache(root: FileManager.default.temporaryDirectory.appendingPathComponent("kensa-rc-\(UUID().uuidString)").path)
        defer { try? FileManager.default.removeItem(atPath: cache.root) }
        let start = Date()
        do {
            let image = try await ImagePull.pull(try ImageReference(parsing: "\(host)/x/y:1"), platform: nil, cache: cache,
                                                 options: RegistryOptions(insecure: insecure, timeout: timeout, credentials: credentials,
                                                                          environment: [:], maxAttempts: attempts))
            image.remove()
            return ("no error", Date().timeIntervalSince(start))
        } catch {
            return (String(describing: error), Date().timeIntervalSince(start))
        }
    }

    private func assertOneLine(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
        XCTAssertFalse(text.isEmpty, file: file, line: line)
        XCTAssertFalse(text.contains(Self.secret.password), "credential in: \(text)", file: file, line: line)
    }

    func testTooManyRequestsHonoursRetryAfter() async throws {
        let server = try start("429")
        let result = await pull(server.host, timeout: 5, attempts: 3)
        XCTAssertTrue(result.error.contains("HTTP 429") && result.error.contains("after 3 attempts"), result.error)
        XCTAssertEqual(requests(server.log).count, 3)
        XCTAssertGreaterThanOrEqual(result.seconds, 2, "two waits of Retry-After: 1")
        assertOneLine(result.error)
    }

    func testServerErrorIsRetriedThenTheAnswerIsUsed() async throws {
        let server = try start("503then404")
        let result = await pull(server.host, timeout: 5, attempts: 4)
        XCTAssertTrue(result.error.contains("manifest 1 not found") && result.error.contains("404"), result.error)
        XCTAssertEqual(requests(server.log).count, 3, "two 503s retried, then the 404")
        assertOneLine(result.error)
    }

    /// The bearer flow against a scripted server: 401 with a challenge, a token fetched from
    /// the realm with the credentials (service and scope passed on), then the request repeated
    /// with the token. The real registry's token flow is in TokenAuthTests.
    func testBearerTokenFlowPassesServiceAndScope() async throws {
        let server = try start("bearer")
        let ok = await pull(server.host, timeout: 5, attempts: 1, credentials: Credentials(username: "tok-user", password: "tok-pass"))
        XCTAssertTrue(ok.error.contains("MANIFEST_UNKNOWN"), "the token was accepted, then the manifest is unknown: \(ok.error)")
        let log = requests(server.log)
        XCTAssertTrue(log.contains { $0.hasPrefix("/token?") && $0.contains("service=fake") && $0.contains("scope=repository:x/y:pull") }, "\(log)")
        let bad = await pull(server.host, timeout: 5, attempts: 1, credentials: Credentials(username: "tok-user", password: "nope-PW"))
        XCTAssertTrue(bad.error.contains("authentication failed"), bad.error)
        for text in [ok.error, bad.error] {
            XCTAssertFalse(text.contains("nope-PW") || text.contains("tok-pass") || text.contains("T0KEN-xyz"), text)
            assertOneLine(text)
        }
    }

    func testStalledServerTimesOut() async throws {
        let server = try start("stall")
        let result = await pull(server.host, timeout: 1, attempts: 2)
        XCTAssertTrue(result.error.contains("did not answer within 1.0 s"), result.error)
        XCTAssertLessThan(result.seconds, 10)
        assertOneLine(result.error)
    }

    /// Nothing listens: the error comes at once, not after --timeout (the connection pool
    /// used to retry the refused connection until the connect timeout).
    func testConnectionRefusedFailsFast() async throws {
        let port = try freePort()
        let result = await pull("127.0.0.1:\(port)", timeout: 30, attempts: 4, insecure: false)
        XCTAssertTrue(result.error.contains("cannot connect to 127.0.0.1:\(port): connection refused"), result.error)
        XCTAssertLessThan(result.seconds, 5, "refused connections are not retried until the timeout")
        assertOneLine(result.error)
    }

    /// `.invalid` never resolves (RFC 6761); no packet leaves loopback for it to fail.
    func testUnknownHostFailsFast() async throws {
        let result = await pull("registry.kensa-test.invalid:5000", timeout: 30, attempts: 4, insecure: false,
                                credentials: Credentials(username: "u", password: "hidden-PW-5"))
        XCTAssertTrue(result.error.contains("cannot resolve registry.kensa-test.invalid"), result.error)
        XCTAssertLessThan(result.seconds, 10)
        XCTAssertFalse(result.error.contains("hidden-PW-5"))
        assertOneLine(result.error)
    }
}
