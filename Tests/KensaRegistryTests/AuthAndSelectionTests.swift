import Foundation
import KensaArtifact
import KensaCore
@testable import KensaRegistry
import XCTest

final class AuthAndSelectionTests: XCTestCase {
    func testChallengeParsing() {
        let c = AuthChallenge.parse(#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#)
        XCTAssertEqual(c?.scheme, "bearer")
        XCTAssertEqual(c?.parameters["realm"], "https://auth.docker.io/token")
        XCTAssertEqual(c?.parameters["service"], "registry.docker.io")
        XCTAssertEqual(c?.parameters["scope"], "repository:library/alpine:pull")
        XCTAssertEqual(AuthChallenge.parse(#"Basic realm="x y""#), AuthChallenge(scheme: "basic", parameters: ["realm": "x y"]))
        XCTAssertEqual(AuthChallenge.parse(#"Bearer realm="a\"b", service=s"#)?.parameters, ["realm": "a\"b", "service": "s"])
        XCTAssertNil(AuthChallenge.parse(""))
        XCTAssertNil(AuthChallenge.parse(#"Bearer realm="unterminated"#))
        XCTAssertNil(AuthChallenge.parse("Bearer realm=" + String(repeating: "a", count: 9000)))
    }

    func testRetryDelay() {
        XCTAssertEqual(RegistryClient.retryDelay(header: "1", attempt: 1), 1)
        XCTAssertEqual(RegistryClient.retryDelay(header: "100000", attempt: 1), 60)
        XCTAssertEqual(RegistryClient.retryDelay(header: nil, attempt: 1), 0.5)
        XCTAssertEqual(RegistryClient.retryDelay(header: "garbage", attempt: 3), 2)
    }

    func testDockerConfigAuths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-dc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let auth = Data("alice:s3cret:with:colons".utf8).base64EncodedString()
        try Data(#"{"auths":{"https://index.docker.io/v1/":{"auth":"\#(auth)"},"reg.example:5000":{"username":"bob","password":"pw"}}}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        let env = ["DOCKER_CONFIG": dir.path]
        XCTAssertEqual(try CredentialLookup.find(host: "docker.io", explicit: nil, environment: env),
                       Credentials(username: "alice", password: "s3cret:with:colons"))
        XCTAssertEqual(try CredentialLookup.find(host: "reg.example:5000", explicit: nil, environment: env),
                       Credentials(username: "bob", password: "pw"))
        XCTAssertNil(try CredentialLookup.find(host: "other.example", explicit: nil, environment: env))
        // Explicit beats the environment, which beats the file.
        let both = env.merging(["KENSA_USERNAME": "env", "KENSA_PASSWORD": "envpw"]) { $1 }
        XCTAssertEqual(try CredentialLookup.find(host: "docker.io", explicit: nil, environment: both)?.username, "env")
        XCTAssertEqual(try CredentialLookup.find(host: "docker.io", explicit: Credentials(username: "cli", password: "p"),
                                                 environment: both)?.username, "cli")
        XCTAssertFalse(String(describing: Credentials(username: "u", password: "hunter2")).contains("hunter2"))
    }

    func testDockerConfigMalformedDoesNotEchoSecrets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-dc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"auths":{"h":{"auth":"TOPSECRET"}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try CredentialLookup.find(host: "h", explicit: nil, environment: ["DOCKER_CONFIG": dir.path])) {
            XCTAssertFalse(String(describing: $0).contains("TOPSECRET"))
        }
        try Data(#"{"auths":{"h":{"auth":"TOPSECRET"}}}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try CredentialLookup.find(host: "h", explicit: nil, environment: ["DOCKER_CONFIG": dir.path])) {
            XCTAssertFalse(String(describing: $0).contains("TOPSECRET"))
        }
    }

    func testCredentialHelper() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kensa-dc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let helper = dir.appendingPathComponent("docker-credential-kensatest")
        // Answers only for the server it is asked about, as real helpers do.
        try Data("""
        #!/bin/sh
        read server
        [ "$server" = "reg.example:5000" ] || { echo "credentials not found in native keychain"; exit 1; }
        echo '{"ServerURL":"reg.example:5000","Username":"helperuser","Secret":"helpersecret"}'
        """.utf8).write(to: helper)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
        try Data(#"{"credHelpers":{"reg.example:5000":"kensatest"},"credsStore":"kensatest"}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        let env = ["DOCKER_CONFIG": dir.path, "PATH": dir.path + ":/usr/bin:/bin"]
        XCTAssertEqual(try CredentialLookup.fromDockerConfig(path: dir.path + "/config.json", host: "reg.example:5000", environment: env),
                       Credentials(username: "helperuser", password: "helpersecret"))
        XCTAssertNil(try CredentialLookup.fromDockerConfig(path: dir.path + "/config.json", host: "other:1", environment: env))
    }

    func testPlatformSelection() throws {
        func entry(_ os: String, _ arch: String, _ variant: String? = nil, _ d: String) -> PullDescriptor {
            PullDescriptor(mediaType: MediaType.ociManifest, digest: d, size: 1,
                           platform: .init(architecture: arch, os: os, variant: variant))
        }
        let entries = [entry("linux", "amd64", nil, "a"), entry("linux", "arm64", "v8", "b"), entry("linux", "arm", "v7", "c"),
                       entry("linux", "arm", "v6", "d"), entry("unknown", "unknown", nil, "att")]
        XCTAssertEqual(try ImagePull.choose(entries, platform: .init(os: "linux", architecture: "arm64"), input: "x").digest, "b")
        XCTAssertEqual(try ImagePull.choose(entries, platform: .init(os: "linux", architecture: "arm", variant: "v6"), input: "x").digest, "d")
        XCTAssertEqual(try ImagePull.choose(entries, platform: .init(os: "linux", architecture: "amd64"), input: "x").digest, "a")
        XCTAssertThrowsError(try ImagePull.choose(entries, platform: .init(os: "linux", architecture: "s390x"), input: "x")) {
            let text = String(describing: $0)
            XCTAssertTrue(text.contains("linux/s390x"), text)
            XCTAssertTrue(text.contains("available: linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8"), text)
            XCTAssertFalse(text.contains("unknown"), text)
        }
    }

    func testSchema1AndUnknownMediaTypesRefused() throws {
        let schema1 = try JSONDecoder().decode(PullManifest.self, from: Data(#"{"schemaVersion":1,"fsLayers":[{}]}"#.utf8))
        XCTAssertThrowsError(try ImagePull.classify(schema1, declared: MediaType.dockerSchema1Signed, input: "x", digest: "d")) {
            XCTAssertTrue(String(describing: $0).contains("schema 1"))
        }
        let odd = try JSONDecoder().decode(PullManifest.self, from: Data(#"{"schemaVersion":2,"mediaType":"application/x-odd","config":{"digest":"d","size":1}}"#.utf8))
        XCTAssertThrowsError(try ImagePull.classify(odd, declared: nil, input: "x", digest: "d")) {
            XCTAssertTrue(String(describing: $0).contains("unsupported media type"))
        }
    }
}
