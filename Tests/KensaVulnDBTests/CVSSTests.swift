import KensaCore
@testable import KensaVulnDB
import XCTest

final class CVSSTests: XCTestCase {
    /// The worked examples of FIRST's CVSS v3.1 examples document.
    func testV31SpecificationExamples() {
        let examples: [(String, Double)] = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),   // CVE-2013-1937 phpMyAdmin
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),   // CVE-2013-0375 MySQL
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1),   // CVE-2014-3566 POODLE
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),   // CVE-2012-1516 VMware
            ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2),   // CVE-2009-0783 Tomcat
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8),   // CVE-2012-0384 Cisco IOS
            ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8),   // CVE-2015-1098 Apple iWork
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),   // CVE-2014-0160 Heartbleed
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),   // CVE-2014-6271 Shellshock
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8),   // CVE-2008-1447 DNS
            ("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8),   // CVE-2014-2005 Sophos
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8),   // CVE-2010-0467 Joomla
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ]
        for (vector, score) in examples {
            XCTAssertEqual(CVSS.score(vector), score, vector)
        }
    }

    func testV3AgainstReferenceImplementation() {
        XCTAssertGreaterThan(cvss3ReferenceVectors.count, 500)
        for (vector, score) in cvss3ReferenceVectors {
            XCTAssertEqual(CVSS.score(vector), score, vector)
        }
    }

    func testV4Examples() {
        let examples: [(String, Double)] = [
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),
        ]
        for (vector, score) in examples {
            XCTAssertEqual(CVSS.score(vector), score, vector)
        }
    }

    func testV4AgainstReferenceImplementation() {
        XCTAssertGreaterThan(cvss4ReferenceVectors.count, 1000)
        var wrong: [String] = []
        for (vector, score) in cvss4ReferenceVectors where CVSS.score(vector) != score {
            let got = CVSS.score(vector).map { "\($0)" } ?? "nil"
            wrong.append("\(vector): \(got) != \(score)")
        }
        XCTAssertTrue(wrong.isEmpty, "\(wrong.count) wrong: " + wrong.prefix(10).joined(separator: "; "))
    }

    func testMacroVectorTableIsComplete() {
        // 3·2·3·3·3·2 combinations, less EQ3=2 with EQ6=0 (impossible): 270.
        XCTAssertEqual(CVSS4Tables.macroVectorScores.count, 270)
    }

    func testMalformedVectorsHaveNoScore() {
        for vector in ["", "CVSS:3.1/", "CVSS:3.1/AV:N", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                       "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
                       "AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
                       "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q",
                       "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:A",
                       "CVSS:3.1/" + String(repeating: "AV:N/", count: 10_000)] {
            XCTAssertNil(CVSS.score(vector), vector)
        }
    }

    func testSeverityBands() {
        XCTAssertEqual(CVSS.severity(9.0), .critical)
        XCTAssertEqual(CVSS.severity(8.9), .high)
        XCTAssertEqual(CVSS.severity(7.0), .high)
        XCTAssertEqual(CVSS.severity(6.9), .medium)
        XCTAssertEqual(CVSS.severity(4.0), .medium)
        XCTAssertEqual(CVSS.severity(3.9), .low)
        XCTAssertEqual(CVSS.severity(0.1), .low)
        XCTAssertEqual(CVSS.severity(0.0), .unknown)
    }
}
