import KensaCore
import XCTest

final class OperatingSystemTests: XCTestCase {
    func testReleaseUsedInPURLsAndAdvisories() {
        XCTAssertEqual(OperatingSystem(family: "debian", version: "12.7").release, "12")
        XCTAssertEqual(OperatingSystem(family: "alpine", version: "3.19.1").release, "3.19")
        XCTAssertEqual(OperatingSystem(family: "ubuntu", version: "22.04").release, "22.04")
        XCTAssertEqual(OperatingSystem(family: "rocky", version: "9.3").release, "9")
    }
}
