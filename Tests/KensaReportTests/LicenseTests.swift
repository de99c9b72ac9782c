@testable import KensaReport
import XCTest

final class LicenseTests: XCTestCase {
    func testIDsAreRecognisedCaseInsensitivelyAndRespelled() {
        XCTAssertEqual(LicenseClass("MIT"), .id("MIT"))
        XCTAssertEqual(LicenseClass("apache-2.0"), .id("Apache-2.0"))
        XCTAssertEqual(LicenseClass("  BSD-3-Clause\n"), .id("BSD-3-Clause"))
        XCTAssertEqual(LicenseClass("GPL-2.0+"), .id("GPL-2.0+"))  // deprecated, still on the list
    }

    func testExpressions() {
        XCTAssertEqual(expression("MIT OR Apache-2.0"), "MIT OR Apache-2.0")
        XCTAssertEqual(expression("(mit or apache-2.0)"), "MIT OR Apache-2.0")
        XCTAssertEqual(expression("(MIT OR Apache-2.0) AND BSD-2-Clause"), "(MIT OR Apache-2.0) AND BSD-2-Clause")
        XCTAssertEqual(expression("MIT AND (BSD-2-Clause AND Zlib)"), "MIT AND BSD-2-Clause AND Zlib")
        XCTAssertEqual(expression("GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT"),
                       "GPL-2.0-or-later WITH Classpath-exception-2.0 OR MIT")
        XCTAssertEqual(expression("Apache-2.0+"), "Apache-2.0+")
        XCTAssertEqual(expression("((((MIT))))"), "MIT")
    }

    func testFreeTextStaysText() {
        for text in ["MIT License", "GPLv2+", "BSD", "Apache 2.0", "MIT OR", "OR MIT", "MIT AND AND Zlib",
                     "(MIT", "MIT)", "MIT WITH MIT", "(MIT OR Zlib) WITH Classpath-exception-2.0",
                     "Classpath-exception-2.0", "LicenseRef-Proprietary", "MIT/X11", "NOASSERTION", "ライセンス"] {
            XCTAssertEqual(LicenseClass(text), .text(text), text)
        }
    }

    func testHostileExpressionsAreBoundedText() {
        let deep = String(repeating: "(", count: 100_000) + "MIT" + String(repeating: ")", count: 100_000)
        XCTAssertEqual(LicenseClass(deep), .text(deep))
        let tooDeep = String(repeating: "(", count: 1_000) + "MIT" + String(repeating: ")", count: 1_000)
        XCTAssertEqual(LicenseClass(tooDeep), .text(tooDeep))
        let justDeepEnough = String(repeating: "(", count: 20) + "MIT" + String(repeating: ")", count: 20)
        XCTAssertEqual(LicenseClass(justDeepEnough), .expression(.license("MIT", orLater: false)))
        let long = Array(repeating: "MIT", count: 5_000).joined(separator: " AND ")
        XCTAssertEqual(LicenseClass(long), .text(long))
    }

    func testCycloneDXChoices() {
        XCTAssertEqual(names(["MIT", "Zlib"]), ["id:MIT", "id:Zlib"])
        XCTAssertEqual(names(["MIT OR Zlib"]), ["expression:MIT OR Zlib"])
        // An expression must stand alone: with IDs it is joined into one expression.
        XCTAssertEqual(names(["BSD-2-Clause", "MIT OR Zlib"]), ["expression:BSD-2-Clause AND (MIT OR Zlib)"])
        // With free text it cannot be, so it is kept as a name.
        XCTAssertEqual(names(["Custom", "MIT OR Zlib", "MIT"]), ["name:Custom", "name:MIT OR Zlib", "id:MIT"])
        XCTAssertEqual(names(["MIT", "mit", " ", ""]), ["id:MIT"])
        XCTAssertEqual(names([]), [])
    }

    func testSPDXDeclaredAndExtractedLicenses() {
        var licenses = SPDXWriter.ExtractedLicenses()
        XCTAssertEqual(licenses.declared([]), "NOASSERTION")
        XCTAssertEqual(licenses.declared(["MIT"]), "MIT")
        XCTAssertEqual(licenses.declared(["MIT OR Zlib", "BSD-2-Clause"]), "(MIT OR Zlib) AND BSD-2-Clause")
        let custom = licenses.declared(["Custom License v2"])
        XCTAssertTrue(custom.hasPrefix("LicenseRef-Custom-License-v2-"), custom)
        XCTAssertEqual(licenses.declared(["Custom License v2", "MIT"]), custom + " AND MIT")
        XCTAssertEqual(licenses.declared(["LicenseRef-Proprietary"]), "LicenseRef-Proprietary")
        XCTAssertEqual(licenses.declared(["Custom"]), "LicenseRef-Custom")
        XCTAssertEqual(licenses.infos.map(\.licenseId), ["LicenseRef-Custom", custom, "LicenseRef-Proprietary"])
        // A text that wants an ID another text already has gets its own.
        let clash = licenses.declared(["Proprietary"])
        XCTAssertEqual(clash, "LicenseRef-Proprietary-" + Array(SHA1.hash("Proprietary").prefix(4)).hexString)
        XCTAssertEqual(licenses.declared(["LicenseRef-Proprietary"]), "LicenseRef-Proprietary")
        XCTAssertEqual(Set(licenses.infos.map(\.licenseId)).count, licenses.infos.count)
        // Distinct texts that clean to the same characters stay distinct.
        XCTAssertNotEqual(SPDXWriter.licenseRef("a b"), SPDXWriter.licenseRef("a/b"))
        XCTAssertEqual(SPDXWriter.licenseRef("!!!"), "LicenseRef-unnamed-" + Array(SHA1.hash("!!!").prefix(4)).hexString)
    }

    private func expression(_ text: String) -> String? {
        if case .expression(let expression) = LicenseClass(text) { return expression.text }
        return nil
    }

    private func names(_ raw: [String]) -> [String] {
        CycloneDXWriter.LicenseChoice.choices(raw).map {
            switch $0 {
            case .id(let id): "id:" + id
            case .name(let name): "name:" + name
            case .expression(let expression): "expression:" + expression
            }
        }
    }
}
