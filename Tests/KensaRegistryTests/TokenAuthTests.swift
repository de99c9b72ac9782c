import Foundation
import KensaArtifact
import KensaCore
@testable import KensaRegistry
import XCTest

/// The bearer-token flow end to end: docker-registry configured with `auth: token`, trusting
/// the signing certificate of a token issuer started on loopback (TokenIssuer.swift).
final class TokenAuthTests: XCTestCase {
    private func options(_ registry: TestRegistry, password: String? = TestRegistry.password) -> RegistryOptions {
        RegistryOptions(caFile: registry.caFile, timeout: 20,
                        credentials: password.map { Credentials(username: TestRegistry.username, password: $0) },
                        environment: ["HOME": "/nonexistent"])
    }

    private func failure(_ text: String, _ options: RegistryOptions, cache: BlobCache) async -> String {
        do {
            let image = try await ImagePull.pull(try ImageReference(parsing: text), platform: nil, cache: cache, options: options)
            image.remove()
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    func testPullWithATokenFromTheIssuer() async throws {
        let registry = try TestRegistry(test: self, auth: .token)
        guard let issuer = registry.issuer else { return XCTFail("no issuer") }
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/app:v1")
        let original = try ImageSource.open(path: layout, reference: "t")
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)
        let before = issuer.requests().count

        let image = try await ImagePull.pull(try ImageReference(parsing: "\(registry.host)/team/app:v1"), platform: nil,
                                             cache: cache, options: options(registry))
        defer { image.remove() }
        XCTAssertEqual(image.counters.blobsDownloaded, 3)
        XCTAssertEqual(try ImageSource.open(path: image.layoutPath).metadata.layers.map(\.digest),
                       original.metadata.layers.map(\.digest))

        // One token, asked for with the credentials, for the registry's service and this
        // repository's pull scope; every later request reused it.
        let asked = Array(issuer.requests().dropFirst(before))
        XCTAssertEqual(asked.count, 1, "\(asked)")
        XCTAssertEqual(asked.first?.path, "/token")
        XCTAssertEqual(asked.first?.basic, true)
        XCTAssertEqual(asked.first?.query["service"], [TokenIssuer.service])
        XCTAssertEqual(asked.first?.query["scope"], ["repository:team/app:pull"])
    }

    func testWrongPasswordAtTheIssuerIsOneLineWithoutTheCredential() async throws {
        let registry = try TestRegistry(test: self, auth: .token)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/app:v1")
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)
        let text = await failure("\(registry.host)/team/app:v1", options(registry, password: "WRONG-tok-pw-9"), cache: cache)
        XCTAssertTrue(text.contains("authentication failed: the token service refused the credentials (HTTP 401)"), text)
        XCTAssertFalse(text.contains("WRONG-tok-pw-9") || text.contains(TestRegistry.password) || text.contains("\n"), text)
    }

    /// The issuer gives an anonymous caller a token without access; the registry then still
    /// answers 401, which is "authentication required", not "wrong password".
    func testAnonymousTokenWithoutAccessSaysAuthenticationRequired() async throws {
        let registry = try TestRegistry(test: self, auth: .token)
        let work = try scratchDirectory(self)
        let layout = try TestImages.build(in: work)
        try registry.push(layout: layout + ":t", to: "team/app:v1")
        let cache = BlobCache(root: work.appendingPathComponent("cache").path)
        let text = await failure("\(registry.host)/team/app:v1", options(registry, password: nil), cache: cache)
        XCTAssertTrue(text.contains("authentication required"), text)
        XCTAssertFalse(text.contains("\n"), text)
        XCTAssertEqual(registry.issuer?.requests().last?.basic, false)
    }
}
