import Foundation
import XCTest

/// A small Docker token issuer (the `auth: token` flow of docker-registry) on loopback, over
/// TLS with the test CA's server certificate: `GET /token?service=&scope=` with basic auth
/// answers a JWT signed RS256 by a key whose self-signed certificate is the registry's
/// `rootcertbundle`; the certificate rides in the JWT's `x5c` header, which docker-registry
/// 2.8 verifies against that bundle. Every request is logged (path, and whether basic auth
/// was given) so tests can check what the client asked for. Python with `cryptography`.
struct TokenIssuer {
    static let issuer = "kensa-test-issuer"
    static let service = "kensa-test-registry"

    let port: Int
    let log: URL
    /// The PEM certificate of the signing key (the registry's rootcertbundle).
    let signingCertificate: String

    var realm: String { "https://127.0.0.1:\(port)/token" }

    private static let script = #"""
    import base64, http.server, json, os, ssl, sys, time, urllib.parse
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    port, certfile, keyfile, signkey, signcert, users, log, issuer = sys.argv[1:9]
    key = serialization.load_pem_private_key(open(signkey, "rb").read(), password=None)
    cert = x509.load_pem_x509_certificate(open(signcert, "rb").read())
    chain = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    accounts = dict(line.rstrip("\n").split(":", 1) for line in open(users) if ":" in line)

    def b64url(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def jwt(claims):
        head = b64url(json.dumps({"typ": "JWT", "alg": "RS256", "x5c": chain}).encode())
        body = b64url(json.dumps(claims).encode())
        signed = (head + "." + body).encode()
        return head + "." + body + "." + b64url(key.sign(signed, padding.PKCS1v15(), hashes.SHA256()))

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *a): pass
        def answer(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            header = self.headers.get("Authorization", "")
            with open(log, "a") as f:
                f.write(json.dumps({"path": url.path, "query": query, "basic": header.startswith("Basic ")}) + "\n")
            if url.path != "/token":
                return self.answer(404, {"error": "not found"})
            account = ""
            if header.startswith("Basic "):
                try:
                    user, password = base64.b64decode(header[6:]).decode().split(":", 1)
                except Exception:
                    return self.answer(400, {"error": "bad basic auth"})
                if accounts.get(user) != password:
                    return self.answer(401, {"details": "wrong username or password"})
                account = user
            access = []
            for scope in query.get("scope", []):
                parts = scope.split(":")
                if len(parts) == 3 and parts[0] == "repository" and account:
                    access.append({"type": "repository", "name": parts[1], "actions": parts[2].split(",")})
            now = int(time.time())
            token = jwt({"iss": issuer, "sub": account, "aud": query.get("service", [""])[0], "exp": now + 300,
                         "nbf": now - 10, "iat": now, "jti": base64.b16encode(os.urandom(8)).decode(), "access": access})
            self.answer(200, {"token": token, "access_token": token, "expires_in": 300})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), H)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()
    """#

    /// Starts the issuer in `dir` (which holds the test CA's `server.pem`/`server.key`),
    /// accepting `users` (name to password). Stopped at the test's teardown.
    static func start(in dir: URL, users: [String: String], test: XCTestCase) throws -> TokenIssuer {
        guard (try? shell("/usr/bin/python3 -c 'import cryptography'")) != nil else {
            throw XCTSkip("python3 with cryptography missing: apt-get install python3-cryptography")
        }
        try shell("""
        cd '\(dir.path)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.pem -days 2 -subj /CN=kensa-token-signer 2>/dev/null
        """)
        let script = dir.appendingPathComponent("issuer.py")
        try Data(Self.script.utf8).write(to: script)
        let usersFile = dir.appendingPathComponent("issuer-users")
        try Data(users.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)\n" }.joined().utf8).write(to: usersFile)
        let log = dir.appendingPathComponent("issuer.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let errors = dir.appendingPathComponent("issuer.err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, String(port), dir.path + "/server.pem", dir.path + "/server.key",
                             dir.path + "/token.key", dir.path + "/token.pem", usersFile.path, log.path, issuer]
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        test.addTeardownBlock { stopProcess(process) }
        let deadline = Date().addingTimeInterval(10)
        while !canConnect(port: port) {
            guard Date() < deadline, process.isRunning else {
                let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                throw NSError(domain: "TokenIssuer", code: 1, userInfo: [NSLocalizedDescriptionKey: "token issuer did not start: \(text)"])
            }
            usleep(50_000)
        }
        return TokenIssuer(port: port, log: log, signingCertificate: dir.path + "/token.pem")
    }

    struct Request: Decodable {
        var path: String
        var query: [String: [String]]
        var basic: Bool
    }

    /// The requests the issuer received, in order.
    func requests() -> [Request] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
