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
