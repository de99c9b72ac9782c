import Foundation
import KensaCore
@testable import KensaRegistry
import XCTest

/// A file pushed as a one-layer OCI artifact to the real registry and pulled back.
final class FileArtifactTests: XCTestCase {
    private let kind = FileArtifactKind(artifactType: "application/vnd.kensa.test.v1",
                                        configMediaType: "application/vnd.kensa.test.config.v1+json",
                                        layerMediaType: "application/vnd.kensa.test.layer.v1")

    private func options(_ registry: TestRegistry, password: String = TestRegistry.password) -> RegistryOptions {
        RegistryOptions(caFile: registry.caFile, timeout: 20,
                        credentials: Credentials(username: TestRegistry.username, password: password),
                        environment: ["HOME": "/nonexistent"])
    }

    /// A file of `size` pseudo-random bytes (several upload chunks when large).
    private func makeFile(_ dir: URL, size: Int, seed: UInt64 = 1) throws -> URL {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        let url = dir.appendingPathComponent("payload-\(seed).bin")
        try Data(bytes).write(to: url)
        return url
    }

    private func roundTrip(_ registry: TestRegistry) async throws {
        let work = try scratchDirectory(self)
        let file = try makeFile(work, size: 3 << 20 | 12345)
        let config = Array(#"{"schema":1}"#.utf8)
        let ref = try ImageReference(parsing: "\(registry.host)/kensa/db:1")

        let pushed = try await FileArtifact.push(file: file.path, config: config, kind: kind, to: ref, options: options(registry))
        XCTAssertEqual(pushed.blobsSkipped, 0)
        XCTAssertEqual(pushed.layerSize, Int64(3 << 20 | 12345))
        // A second push of the same file uploads nothing: HEAD finds both blobs.
        let again = try await FileArtifact.push(file: file.path, config: config, kind: kind, to: ref, options: options(registry))
        XCTAssertEqual(again.blobsSkipped, 2)
        XCTAssertEqual(again.manifestDigest, pushed.manifestDigest, "same file and config, same manifest")

        let out = work.appendingPathComponent("pulled.bin").path
        let pulled = try await FileArtifact.pull(ref, kind: kind, to: out, maximumSize: 1 << 30, options: options(registry))
        XCTAssertEqual(pulled.config, config)
        XCTAssertEqual(pulled.result.manifestDigest, pushed.manifestDigest)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: file))

        // By digest too.
        let byDigest = try ImageReference(parsing: "\(registry.host)/kensa/db@\(pushed.manifestDigest)")
        let out2 = work.appendingPathComponent("pulled2.bin").path
        _ = try await FileArtifact.pull(byDigest, kind: kind, to: out2, maximumSize: 1 << 30, options: options(registry))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out2)), try Data(contentsOf: file))
    }

    func testPushAndPullWithBasicAuth() async throws {
        try await roundTrip(try TestRegistry(test: self))
    }

    /// Push needs a second token: the registry's challenge for the upload asks for push scope.
    func testPushAndPullWithTokenAuth() async throws {
        let registry = try TestRegistry(test: self, auth: .token)
        try await roundTrip(registry)
        let scopes = registry.issuer?.requests().flatMap { $0.query["scope"] ?? [] } ?? []
        XCTAssertTrue(scopes.contains("repository:kensa/db:pull,push") || scopes.contains("repository:kensa/db:push,pull"), "\(scopes)")
    }

    func testPullRefusesAnImageAndCorruptOrOversizedBlobsLeavingNoFile() async throws {
        let registry = try TestRegistry(test: self)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/app:v1")
        let out = work.appendingPathComponent("out.bin").path
        do {
            _ = try await FileArtifact.pull(try ImageReference(parsing: "\(registry.host)/team/app:v1"), kind: kind, to: out,
                                            maximumSize: 1 << 30, options: options(registry))
            XCTFail("an image was taken for the artifact")
        } catch {
            XCTAssertTrue(String(describing: error).contains("not a application/vnd.kensa.test.v1 artifact"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        let file = try makeFile(work, size: 100_000, seed: 7)
        let ref = try ImageReference(parsing: "\(registry.host)/kensa/db:corrupt")
        let pushed = try await FileArtifact.push(file: file.path, config: Array("{}".utf8), kind: kind, to: ref, options: options(registry))
        do {
            _ = try await FileArtifact.pull(ref, kind: kind, to: out, maximumSize: 1000, options: options(registry))
            XCTFail("oversized layer accepted")
        } catch {
            XCTAssertTrue(String(describing: error).contains("more than the 1000 accepted"), "\(error)")
        }
        let blob = registry.blobData(pushed.layerDigest)
        var bytes = try Data(contentsOf: blob)
        bytes[500] ^= 0x55
        try bytes.write(to: blob)
        do {
            _ = try await FileArtifact.pull(ref, kind: kind, to: out, maximumSize: 1 << 30, options: options(registry))
            XCTFail("corrupt layer accepted")
        } catch {
            XCTAssertTrue(String(describing: error).contains("digest mismatch"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a failed pull leaves no file")
    }

    func testPushByDigestAndWrongPasswordAreRefused() async throws {
        let registry = try TestRegistry(test: self)
        let work = try scratchDirectory(self)
        let file = try makeFile(work, size: 1000)
        do {
            _ = try await FileArtifact.push(file: file.path, config: [], kind: kind,
                                            to: try ImageReference(parsing: "\(registry.host)/kensa/db@sha256:" + String(repeating: "a", count: 64)),
                                            options: options(registry))
            XCTFail("push by digest accepted")
        } catch {
            XCTAssertTrue(String(describing: error).contains("push needs a tag"), "\(error)")
        }
        do {
            _ = try await FileArtifact.push(file: file.path, config: [], kind: kind, to: try ImageReference(parsing: "\(registry.host)/kensa/db:1"),
                                            options: options(registry, password: "BAD-pw-31"))
            XCTFail("wrong password accepted")
        } catch {
            let text = String(describing: error)
            XCTAssertTrue(text.contains("authentication failed"), text)
            XCTAssertFalse(text.contains("BAD-pw-31") || text.contains("\n"), text)
        }
    }

    func testManifestIsDeterministicAndDeclaresTheTypes() throws {
        let a = FileArtifact.manifestBytes(kind: kind, config: ("sha256:c", 2), layer: ("sha256:l", 9, "kensa.db"), annotations: ["k": "v"])
        let b = FileArtifact.manifestBytes(kind: kind, config: ("sha256:c", 2), layer: ("sha256:l", 9, "kensa.db"), annotations: ["k": "v"])
        XCTAssertEqual(a, b)
        let object = try JSONSerialization.jsonObject(with: Data(a)) as? [String: Any]
        XCTAssertEqual(object?["artifactType"] as? String, kind.artifactType)
        XCTAssertEqual(object?["mediaType"] as? String, "application/vnd.oci.image.manifest.v1+json")
        XCTAssertEqual((object?["config"] as? [String: Any])?["mediaType"] as? String, kind.configMediaType)
        XCTAssertEqual(((object?["layers"] as? [[String: Any]])?.first)?["mediaType"] as? String, kind.layerMediaType)
    }
}

/// Hostile manifests from a scripted registry (Python on loopback): each is refused with a
/// one-line error before anything is written, and no request leaves the repository's paths.
final class FileArtifactHostileTests: XCTestCase {
    private static let server = #"""
    import http.server, os, sys
    root, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def do_GET(self):
            with open(log, "a") as f: f.write(self.path + "\n")
            if self.path == "/v2/":
                body = b""
            elif self.path == "/v2/x/y/manifests/1":
                body = open(os.path.join(root, "manifest"), "rb").read()
            elif self.path.startswith("/v2/x/y/blobs/sha256:"):
                name = os.path.join(root, self.path.rsplit(":", 1)[1])
                if not os.path.exists(name):
                    self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
                body = open(name, "rb").read()
            else:
                self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
    """#

    private let kind = FileArtifactKind(artifactType: "application/vnd.kensa.test.v1",
                                        configMediaType: "application/vnd.kensa.test.config.v1+json",
                                        layerMediaType: "application/vnd.kensa.test.layer.v1")

    func testHostileManifestsAreRefused() async throws {
        let dir = try scratchDirectory(self)
        try Data(Self.server.utf8).write(to: dir.appendingPathComponent("server.py"))
        let log = dir.appendingPathComponent("requests.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [dir.appendingPathComponent("server.py").path, dir.path, String(port), log.path]
        try process.run()
        addTeardownBlock { stopProcess(process) }
        let deadline = Date().addingTimeInterval(10)
        while !canConnect(port: port) {
            guard Date() < deadline, process.isRunning else { throw XCTSkip("python3 server did not start") }
            usleep(50_000)
        }
        // A real config blob, so that a manifest fails for its own fault only.
        let config = Array("{}".utf8)
        let configDigest = SHA256Digest.of(config)
        try Data(config).write(to: dir.appendingPathComponent(String(configDigest.dropFirst(7))))
        let good = #"{"digest":"\#(configDigest)","mediaType":"application/vnd.kensa.test.config.v1+json","size":2}"#
        let layer = { (type: String, digest: String, size: String) in
            #"{"mediaType":"\#(type)","digest":"\#(digest)","size":\#(size)}"#
        }
        let someDigest = "sha256:" + String(repeating: "ab", count: 32)
        let cases: [(manifest: String, expect: String)] = [
            ("", "not a valid manifest JSON document"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":"#, "not a valid manifest JSON document"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[]}"#, "exactly one"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "1")),\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "1"))]}"#, "exactly one"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[\#(layer("application/x-other", someDigest, "1"))]}"#, "exactly one"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[\#(layer("application/vnd.kensa.test.layer.v1", "sha256:../../../etc/passwd", "1"))]}"#, "is not sha256:<64 hex>"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "-5"))]}"#, "negative size"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "99999999999999"))]}"#, "more than the"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"\#(configDigest)","mediaType":"application/vnd.kensa.test.config.v1+json","size":999999999},"layers":[\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "1"))]}"#, "config is larger than"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"\#(configDigest)","mediaType":"application/vnd.kensa.test.config.v1+json","size":5},"layers":[\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "1"))]}"#, "declares 5"),
            (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\#(good),"layers":[\#(layer("application/vnd.kensa.test.layer.v1", someDigest, "1"))]}"#, "not found"),
            (String(repeating: " ", count: (4 << 20) + 10), "larger than"),
        ]
        let out = dir.appendingPathComponent("out.bin").path
        for c in cases {
            try Data(c.manifest.utf8).write(to: dir.appendingPathComponent("manifest"))
            do {
                _ = try await FileArtifact.pull(try ImageReference(parsing: "127.0.0.1:\(port)/x/y:1"), kind: kind, to: out,
                                                maximumSize: 1 << 30,
                                                options: RegistryOptions(insecure: true, timeout: 5, environment: [:], maxAttempts: 1))
                XCTFail("accepted: \(c.manifest.prefix(200))")
            } catch {
                let text = String(describing: error)
                XCTAssertTrue(text.contains(c.expect), "\(c.expect) / \(text)")
                XCTAssertFalse(text.contains("\n"), text)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        let paths = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n")
        XCTAssertTrue(paths.allSatisfy { $0 == "/v2/" || $0.hasPrefix("/v2/x/y/") }, "\(paths)")
        XCTAssertFalse(paths.contains { $0.contains("..") }, "\(paths)")
    }
}
