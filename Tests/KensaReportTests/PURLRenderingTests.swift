import Foundation
import KensaCore
@testable import KensaReport
import XCTest

/// purls with the characters the spec treats specially reach every SBOM spelled per the
/// package-url spec: `+` percent-encoded, `~` and the epoch `:` left alone, an npm scope's
/// `@` encoded as `%40`.
final class PURLRenderingTests: XCTestCase {
    static let expected = [
        "pkg:deb/debian/libstdc%2B%2B6@1:12.2.0-14%2Bdeb12u1~bpo1?arch=amd64&distro=debian-12",
        "pkg:npm/%40types/node@20.10.0",
        "pkg:maven/org.example/a-b_c@1.0.0",
    ]

    var report: Report {
        Report(artifact: .init(name: "purls", kind: .filesystem), os: nil, packages: [
            Package(name: "libstdc++6", version: "1:12.2.0-14+deb12u1~bpo1", ecosystem: .deb,
                    purl: PURL(type: "deb", namespace: "debian", name: "libstdc++6", version: "1:12.2.0-14+deb12u1~bpo1",
                               qualifiers: ["distro": "debian-12", "arch": "amd64"]),
                    foundBy: "dpkg", location: .init(path: "var/lib/dpkg/status")),
            Package(name: "@types/node", version: "20.10.0", ecosystem: .npm,
                    purl: PURL(type: "npm", namespace: "@types", name: "node", version: "20.10.0"),
                    foundBy: "package-lock", location: .init(path: "package-lock.json")),
            Package(name: "org.example:a-b_c", version: "1.0.0", ecosystem: .maven,
                    purl: PURL(type: "maven", namespace: "org.example", name: "a-b_c", version: "1.0.0"),
                    foundBy: "java-archive", location: .init(path: "a.jar")),
        ], warnings: [], createdAt: Date(timeIntervalSince1970: 0))
    }

    func testCycloneDX() throws {
        let bom = try jsonObject(try render(report, as: .cyclonedx))
        let components = try XCTUnwrap(bom["components"] as? [[String: Any]])
        XCTAssertEqual(components.compactMap { $0["purl"] as? String }.sorted(), Self.expected.sorted())
        XCTAssertEqual(components.compactMap { $0["bom-ref"] as? String }.sorted(), Self.expected.sorted())
        let maven = try XCTUnwrap(components.first { ($0["purl"] as? String)?.hasPrefix("pkg:maven") == true })
        XCTAssertEqual(maven["group"] as? String, "org.example")
        XCTAssertEqual(maven["name"] as? String, "a-b_c")
        let npm = try XCTUnwrap(components.first { ($0["purl"] as? String)?.hasPrefix("pkg:npm") == true })
        XCTAssertEqual(npm["name"] as? String, "@types/node")
        XCTAssertNil(npm["group"])
    }

    func testSPDX() throws {
        let document = try jsonObject(try render(report, as: .spdxJSON))
        let packages = try XCTUnwrap(document["packages"] as? [[String: Any]])
        let locators = packages.flatMap { ($0["externalRefs"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["referenceLocator"] as? String }
        XCTAssertEqual(locators.sorted(), Self.expected.sorted())
    }

    func testRawOutputIsNotEscaped() throws {
        // No `\/` escapes: purls and paths are copied out of the file as they are.
        for format in [ReportFormat.json, .cyclonedx, .spdxJSON] {
            let text = try renderString(report, format)
            XCTAssertFalse(text.contains("\\/"), "\(format)")
            XCTAssertTrue(text.contains("\"pkg:npm/%40types/node@20.10.0\""), "\(format)")
        }
    }

    func testImagePURL() {
        let image = ImageMetadata(imageID: "sha256:c", manifestDigest: "sha256:d",
                                  repoTags: ["registry.example.com:5000/Team/App:1.2"], architecture: "arm64")
        XCTAssertEqual(ImagePURL.make(name: "ignored", image: image)?.description,
                       "pkg:oci/app@sha256:d?arch=arm64&repository_url=registry.example.com:5000%2Fteam%2Fapp&tag=1.2")
        XCTAssertNil(ImagePURL.make(name: "x", image: ImageMetadata(imageID: "sha256:c")))
        XCTAssertEqual(ImagePURL.make(name: "alpine", image: ImageMetadata(imageID: "sha256:c", manifestDigest: "sha256:d"))?
            .description, "pkg:oci/alpine@sha256:d")
        XCTAssertTrue(ImagePURL.split("localhost:5000/app") == ("localhost:5000/app", nil))
        XCTAssertTrue(ImagePURL.split("app:1@sha256:abc") == ("app", "1"))
    }
}
