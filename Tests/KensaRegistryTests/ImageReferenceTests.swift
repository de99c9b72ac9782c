import KensaCore
@testable import KensaRegistry
import XCTest

/// Expected values follow Docker's ParseNormalizedNamed (distribution/reference).
final class ImageReferenceTests: XCTestCase {
    private let digest = "sha256:" + String(repeating: "ab", count: 32)

    private func check(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try ImageReference(parsing: text).description, expected, file: file, line: line)
    }

    func testDockerHubShortNames() throws {
        try check("alpine", "docker.io/library/alpine:latest")
        try check("alpine:3.19", "docker.io/library/alpine:3.19")
        try check("library/alpine", "docker.io/library/alpine:latest")
        try check("bitnami/nginx:1.25", "docker.io/bitnami/nginx:1.25")
        try check("docker.io/alpine", "docker.io/library/alpine:latest")
        try check("index.docker.io/alpine", "docker.io/library/alpine:latest")
        try check("docker.io/a/b/c:1", "docker.io/a/b/c:1")
        XCTAssertEqual(try ImageReference(parsing: "alpine").apiHost, "registry-1.docker.io")
    }

    func testRegistryHostsAndPorts() throws {
        try check("localhost/foo", "localhost/foo:latest")
        try check("localhost:5000/foo:t", "localhost:5000/foo:t")
        try check("127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b:latest")
        try check("ghcr.io/org/img:v1", "ghcr.io/org/img:v1")
        try check("[::1]:5000/img", "[::1]:5000/img:latest")
        try check("Example.COM/img", "Example.COM/img:latest")
        let r = try ImageReference(parsing: "registry.example.com:8443/team/app:1.2")
        XCTAssertEqual(r.domain, "registry.example.com:8443")
        XCTAssertEqual(r.path, "team/app")
        XCTAssertEqual(r.tag, "1.2")
        XCTAssertEqual(r.apiHost, "registry.example.com:8443")
        // "foo" has no dot or colon and is not localhost: a Docker Hub namespace.
        try check("foo/bar", "docker.io/foo/bar:latest")
    }

    func testDigestsAndTagPlusDigest() throws {
        try check("alpine@\(digest)", "docker.io/library/alpine@\(digest)")
        try check("alpine:3.19@\(digest)", "docker.io/library/alpine:3.19@\(digest)")
        try check("localhost:5000/x@\(digest)", "localhost:5000/x@\(digest)")
        let r = try ImageReference(parsing: "alpine:3.19@\(digest)")
        XCTAssertEqual(r.manifestReference, digest, "the digest wins for pulling")
        XCTAssertEqual(try ImageReference(parsing: "alpine:3.19").manifestReference, "3.19")
    }

    func testSeparatorsInPathComponents() throws {
        try check("a_b/c__d/e-f/g---h/i.j", "docker.io/a_b/c__d/e-f/g---h/i.j:latest")
    }

    func testRejected() {
        let bad = [
            "", "Alpine", "docker.io/Library/alpine", "alpine:", "alpine:-tag", ":tag", "alpine@", "alpine@sha256:abc",
            "alpine@md5:" + String(repeating: "a", count: 32), "alpine@sha256:" + String(repeating: "A", count: 64),
            "a//b", "/alpine", "alpine/", "a__-b", "a___b", "-a", "a-", "alpine tag", "ho st/x", "host:99999/x", "host:/x",
            "[::1/x", String(repeating: "a", count: 64) /* an image ID */, "alpine:" + String(repeating: "t", count: 129),
            String(repeating: "a", count: 256), "café", "a\u{0}b", String(repeating: "x/", count: 600) + "x",
        ]
        for text in bad {
            XCTAssertThrowsError(try ImageReference(parsing: text), text) { error in
                guard let e = error as? KensaError else { return XCTFail("not a KensaError: \(error)") }
                XCTAssertEqual(e.kind, .usage, text)
            }
        }
    }

    func testTagLengthLimit() throws {
        try check("a:" + String(repeating: "t", count: 128), "docker.io/library/a:" + String(repeating: "t", count: 128))
    }

    func testPlatformParsing() throws {
        XCTAssertEqual(try PlatformSpec(parsing: "linux/arm64").description, "linux/arm64")
        XCTAssertEqual(try PlatformSpec(parsing: "linux/arm/v7").variant, "v7")
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", ""] {
            XCTAssertThrowsError(try PlatformSpec(parsing: bad), bad)
        }
    }
}
