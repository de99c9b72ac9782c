import KensaCore
import XCTest

/// Expected strings are the package-url specification's own examples (PURL-TYPES and the
/// test-suite-data of purl-spec), or follow its encoding rule: everything but
/// `A-Z a-z 0-9 . - _ ~` and `:` is percent-encoded; qualifiers sorted by key.
final class PURLTests: XCTestCase {
    func testDebWithArchAndDistro() {
        let purl = PURL(type: "deb", namespace: "debian", name: "openssl", version: "3.0.15-1~deb12u1",
                        qualifiers: ["distro": "debian-12", "arch": "amd64"])
        XCTAssertEqual(purl.description, "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12")
    }

    func testEpochColonIsNotEncodedButPlusIs() {
        let purl = PURL(type: "deb", namespace: "debian", name: "login", version: "1:4.13+dfsg1-1+b1")
        XCTAssertEqual(purl.description, "pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1")
    }

    func testNpmScopeIsEncodedInTheNamespace() {
        let purl = PURL(type: "npm", namespace: "@angular", name: "animation", version: "12.3.1")
        XCTAssertEqual(purl.description, "pkg:npm/%40angular/animation@12.3.1")
    }

    func testPyPINameIsNormalised() {
        XCTAssertEqual(PURL(type: "pypi", name: "Django_Allauth", version: "1.11.1").description,
                       "pkg:pypi/django-allauth@1.11.1")
    }

    func testGolangNamespaceSegmentsKeepTheirSlashes() {
        let purl = PURL(type: "golang", namespace: "github.com/golang-jwt/jwt", name: "v4", version: "v4.4.3")
        XCTAssertEqual(purl.description, "pkg:golang/github.com/golang-jwt/jwt/v4@v4.4.3")
    }

    func testMaven() {
        let purl = PURL(type: "maven", namespace: "org.apache.xmlgraphics", name: "batik-anim", version: "1.9.1",
                        qualifiers: ["type": "pom"])
        XCTAssertEqual(purl.description, "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom")
    }

    func testEmptyQualifierValuesAreDropped() {
        let purl = PURL(type: "apk", namespace: "alpine", name: "curl", version: "7.83.0-r0", qualifiers: ["arch": "x86", "distro": ""])
        XCTAssertEqual(purl.description, "pkg:apk/alpine/curl@7.83.0-r0?arch=x86")
    }

    func testParseRoundTrip() throws {
        let texts = [
            "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12",
            "pkg:npm/%40angular/animation@12.3.1",
            "pkg:golang/github.com/golang-jwt/jwt/v4@v4.4.3",
            "pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1",
            "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom",
        ]
        for text in texts {
            let purl = try XCTUnwrap(PURL(parsing: text), text)
            XCTAssertEqual(purl.description, text)
        }
        XCTAssertEqual(PURL(parsing: "pkg:npm/%40angular/animation@12.3.1")?.namespace, "@angular")
        XCTAssertEqual(PURL(parsing: "pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1")?.version, "1:4.13+dfsg1-1+b1")
    }

    func testMalformedPURLsAreRejected() {
        for text in ["", "pkg:", "pkg:npm", "npm/foo@1", "pkg:/foo", "pkg:npm/"] {
            XCTAssertNil(PURL(parsing: text), text)
        }
    }
}
