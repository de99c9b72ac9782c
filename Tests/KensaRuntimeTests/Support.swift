import Foundation
@testable import KensaRuntime

/// Keeps every alert it is given, for tests.
final class CollectingSink: AlertSink, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Alert] = []

    var alerts: [Alert] { lock.withLock { items } }
    var count: Int { lock.withLock { items.count } }

    func deliver(_ alert: Alert, event: EventRecord) { lock.withLock { items.append(alert) } }
    func finish() async {}
}

enum Shell {
    /// Runs a program and returns its exit status; output goes to the test log.
    @discardableResult
    static func run(_ path: String, _ args: [String], cwd: String? = nil) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    static func tempDir(_ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A test CA and a server certificate for 127.0.0.1/localhost signed by it, made with openssl.
    static func makeTestPKI(in dir: String) throws -> (ca: String, cert: String, key: String) {
        let openssl = "/usr/bin/openssl"
        let ext = dir + "/san.ext"
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kensa test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
             "-days", "2", "-extfile", "san.ext"],
        ]
        for s in steps {
            let status = try run(openssl, s, cwd: dir)
            if status != 0 { throw RuntimeError(.tls, input: "openssl \(s[0])", reason: "exit status \(status)") }
        }
        return (dir + "/ca.crt", dir + "/server.crt", dir + "/server.key")
    }
}
