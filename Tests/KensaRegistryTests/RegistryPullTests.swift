import Foundation
import KensaArtifact
import KensaCore
@testable import KensaRegistry
import XCTest

/// Pulls from a real registry on loopback (TLS with a test CA, htpasswd auth) and compares
/// with the same image read from its OCI layout.
final class RegistryPullTests: XCTestCase {
    private func options(_ registry: TestRegistry, password: String = TestRegistry.password, caFile: Bool = true,
                         insecure: Bool = false, timeout: Double = 20) -> RegistryOptions {
        RegistryOptions(insecure: insecure, caFile: caFile ? registry.caFile : nil, timeout: timeout,
                        credentials: Credentials(username: TestRegistry.username, password: password),
                        environment: ["HOME": "/nonexistent"])
    }

    private func pull(_ text: String, _ registry: TestRegistry, cache: BlobCache, platform: PlatformSpec? = nil,
                      options: RegistryOptions? = nil) async throws -> PulledImage {
        try await ImagePull.pull(try ImageReference(parsing: text), platform: platform, cache: cache,
                                 options: options ?? self.options(registry))
    }

    private func layerDigests(_ image: ImageSource) -> [String] { image.metadata.layers.map(\.digest) }

    func testPullByTagAndDigestMatchesTheLayoutAndSecondPullDownloadsNothing() async throws {
        let registry = try TestRegistry(test: self)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/app:v1")
        let original = try ImageSource.open(path: layout, reference: "t")
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)

        let first = try await pull("\(registry.host)/team/app:v1", registry, cache: cache)
        XCTAssertEqual(first.counters.blobsDownloaded, 3, "config and two layers")
        XCTAssertEqual(first.counters.blobsCached, 0)
        let pulled = try ImageSource.open(path: first.layoutPath)
        XCTAssertEqual(layerDigests(pulled), layerDigests(original))
        XCTAssertEqual(pulled.metadata.layers.map(\.diffID), original.metadata.layers.map(\.diffID))
        XCTAssertEqual(pulled.metadata.imageID, original.metadata.imageID)
        XCTAssertEqual(pulled.metadata.repoTags, ["\(registry.host)/team/app:v1"])
        first.remove()
        XCTAssertFalse(FileManager.default.fileExists(atPath: first.layoutPath))

        let second = try await pull("\(registry.host)/team/app:v1", registry, cache: cache)
        defer { second.remove() }
        XCTAssertEqual(second.counters.blobsDownloaded, 0)
        XCTAssertEqual(second.counters.bytesDownloaded, 0)
        XCTAssertEqual(second.counters.blobsCached, 3)

        let byDigest = try await pull("\(registry.host)/team/app@\(first.manifestDigest)", registry, cache: cache)
        defer { byDigest.remove() }
        XCTAssertEqual(byDigest.manifestDigest, first.manifestDigest)
        XCTAssertEqual(byDigest.counters.blobsDownloaded, 0)
        XCTAssertEqual(layerDigests(try ImageSource.open(path: byDigest.layoutPath)), layerDigests(original))

        // Nothing half-written is left in the cache.
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.root + "/blobs/sha256")
        XCTAssertFalse(names.contains { $0.hasPrefix(".partial") }, "\(names)")
    }

    func testMultiPlatformIndexSelectsThePlatformAndListsAvailableOnes() async throws {
        let registry = try TestRegistry(test: self)
        let work = try scratchDirectory(self)
        let amd = try TestImages.build(in: work, arch: "amd64")
        let arm = try TestImages.build(in: work, arch: "arm64")
        let multi = try makeIndexLayout(in: work, images: [("amd64", amd), ("arm64", arm)])
        try registry.push(layout: multi + ":multi", to: "team/multi:1", all: true)
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)

        let arm64 = try await pull("\(registry.host)/team/multi:1", registry, cache: cache,
                                   platform: PlatformSpec(os: "linux", architecture: "arm64"))
        defer { arm64.remove() }
        XCTAssertEqual(arm64.platform, "linux/arm64")
        let armImage = try ImageSource.open(path: arm64.layoutPath)
        XCTAssertEqual(armImage.metadata.architecture, "arm64")
        XCTAssertEqual(layerDigests(armImage), layerDigests(try ImageSource.open(path: arm, reference: "t")))

        let amd64 = try await pull("\(registry.host)/team/multi:1", registry, cache: cache,
                                   platform: PlatformSpec(os: "linux", architecture: "amd64"))
        defer { amd64.remove() }
        XCTAssertEqual(try ImageSource.open(path: amd64.layoutPath).metadata.architecture, "amd64")

        do {
            _ = try await pull("\(registry.host)/team/multi:1", registry, cache: cache,
                               platform: PlatformSpec(os: "linux", architecture: "s390x"))
            XCTFail("unknown platform accepted")
        } catch {
            let text = String(describing: error)
            XCTAssertTrue(text.contains("no image for platform linux/s390x"), text)
            XCTAssertTrue(text.contains("available: linux/amd64, linux/arm64"), text)
        }
    }

    func testCorruptBlobInRegistryIsRejectedAndNotCached() async throws {
        let registry = try TestRegistry(test: self)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/bad:v1")
        let original = try ImageSource.open(path: layout, reference: "t")
        let victim = original.metadata.layers[1].digest
        let data = registry.blobData(victim)
        var bytes = try Data(contentsOf: data)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: data)
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)
        do {
            let image = try await pull("\(registry.host)/team/bad:v1", registry, cache: cache)
            image.remove()
            XCTFail("corrupt blob accepted")
        } catch {
            XCTAssertTrue(String(describing: error).contains("digest mismatch"), "\(error)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.root + "/blobs/sha256")
        XCTAssertFalse(names.contains(String(victim.dropFirst(7))), "corrupt blob cached")
        XCTAssertFalse(names.contains { $0.hasPrefix(".partial") }, "\(names)")
    }

    /// A registry serving `team/app:v1`, a cache, and a function giving a failed pull's text.
    private func failingPulls() async throws -> (TestRegistry, (String, RegistryOptions) async -> (text: String, seconds: Double)) {
        let registry = try TestRegistry(test: self)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/app:v1")
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)
        return (registry, { text, options in
            let start = Date()
            do {
                let image = try await ImagePull.pull(try ImageReference(parsing: text), platform: nil, cache: cache, options: options)
                image.remove()
                return ("no error", Date().timeIntervalSince(start))
            } catch {
                return (String(describing: error), Date().timeIntervalSince(start))
            }
        })
    }

    private func assertOneLineWithoutSecrets(_ text: String, _ secrets: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
        for secret in secrets + [TestRegistry.password] {
            XCTAssertFalse(text.contains(secret), "credential in: \(text)", file: file, line: line)
        }
    }

    func testWrongPasswordIsOneLineWithoutTheCredential() async throws {
        let (registry, failure) = try await failingPulls()
        let wrong = await failure("\(registry.host)/team/app:v1", options(registry, password: "WRONG-pass-77"))
        XCTAssertTrue(wrong.text.contains("authentication failed for 127.0.0.1"), wrong.text)
        assertOneLineWithoutSecrets(wrong.text, ["WRONG-pass-77"])
    }

    func testNoCredentialsSaysAuthenticationRequired() async throws {
        let (registry, failure) = try await failingPulls()
        var anonymous = options(registry)
        anonymous.credentials = nil
        let none = await failure("\(registry.host)/team/app:v1", anonymous)
        XCTAssertTrue(none.text.contains("authentication required"), none.text)
        assertOneLineWithoutSecrets(none.text)
    }

    func testMissingTagIs404() async throws {
        let (registry, failure) = try await failingPulls()
        let missing = await failure("\(registry.host)/team/app:nope", options(registry))
        XCTAssertTrue(missing.text.contains("manifest nope not found in \(registry.host)/team/app (HTTP 404)"), missing.text)
        XCTAssertTrue(missing.text.contains("MANIFEST_UNKNOWN"), missing.text)
        assertOneLineWithoutSecrets(missing.text)
    }

    /// An untrusted certificate fails at once, with the way out, not after --timeout.
    func testUntrustedCertificateFailsFastWithAHint() async throws {
        let (registry, failure) = try await failingPulls()
        let untrusted = await failure("\(registry.host)/team/app:v1", options(registry, caFile: false, timeout: 30))
        XCTAssertTrue(untrusted.text.contains("TLS failure talking to \(registry.host)"), untrusted.text)
        XCTAssertTrue(untrusted.text.contains("--ca-file"), untrusted.text)
        XCTAssertLessThan(untrusted.seconds, 10, "a failed handshake is not retried until the timeout")
        assertOneLineWithoutSecrets(untrusted.text)

        // --insecure: unverified TLS works without the CA.
        let cache = BlobCache(root: try scratchDirectory(self).path)
        let insecure = try await ImagePull.pull(try ImageReference(parsing: "\(registry.host)/team/app:v1"), platform: nil, cache: cache,
                                                options: options(registry, caFile: false, insecure: true))
        insecure.remove()
    }

    func testPlainHTTPNeedsInsecure() async throws {
        let registry = try TestRegistry(test: self, tls: false, auth: .none)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try shell("skopeo copy -q --dest-tls-verify=false 'oci:\(layout):t' 'docker://\(registry.host)/plain/app:v1'")
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)
        let ref = try ImageReference(parsing: "\(registry.host)/plain/app:v1")
        do {
            _ = try await ImagePull.pull(ref, platform: nil, cache: cache, options: RegistryOptions(timeout: 5, environment: [:]))
            XCTFail("plain HTTP used without --insecure")
        } catch {
            XCTAssertTrue(String(describing: error).contains("TLS failure"), "\(error)")
        }
        let image = try await ImagePull.pull(ref, platform: nil, cache: cache, options: RegistryOptions(insecure: true, timeout: 5, environment: [:]))
        defer { image.remove() }
        XCTAssertEqual(image.counters.blobsDownloaded, 3)
    }

    /// A layout whose index.json names one OCI index (ref "multi") over the given images.
    private func makeIndexLayout(in dir: URL, images: [(arch: String, layout: String)]) throws -> String {
        let out = dir.appendingPathComponent("multi")
        let blobs = out.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        var entries: [[String: Any]] = []
        for (arch, layout) in images {
            try shell("cp -n '\(layout)'/blobs/sha256/* '\(blobs.path)'/")
            let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/index.json"))) as? [String: Any]
            guard let m = (index?["manifests"] as? [[String: Any]])?.first else { throw XCTSkip("umoci layout without manifests") }
            entries.append(["mediaType": m["mediaType"] ?? "application/vnd.oci.image.manifest.v1+json", "digest": m["digest"] ?? "",
                            "size": m["size"] ?? 0, "platform": ["os": "linux", "architecture": arch]])
        }
        let indexBlob = try JSONSerialization.data(withJSONObject: ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                                                    "manifests": entries], options: [.sortedKeys])
        let digest = SHA256Digest.of(Array(indexBlob))
        try indexBlob.write(to: blobs.appendingPathComponent(String(digest.dropFirst(7))))
        let top = try JSONSerialization.data(withJSONObject: [
            "schemaVersion": 2,
            "manifests": [["mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest, "size": indexBlob.count,
                           "annotations": ["org.opencontainers.image.ref.name": "multi"]]],
        ], options: [.sortedKeys])
        try top.write(to: out.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: out.appendingPathComponent("oci-layout"))
        return out.path
    }
}
