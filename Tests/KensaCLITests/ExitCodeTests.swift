import Foundation
import XCTest

/// Bad top-level input: one line naming the input and the reason, exit code 2.
final class ExitCodeTests: XCTestCase {
    func testMissingDirectory() throws {
        let run = try Kensa.run(["rootfs", "/nonexistent/kensa-test"])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.err, "kensa: /nonexistent/kensa-test: no such file or directory\n")
    }

    func testGarbageImageArchive() throws {
        let dir = try temporaryDirectory(self)
        let file = dir.appendingPathComponent("garbage.tar")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: file)
        let run = try Kensa.run(["image", "--input", file.path])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.err.hasPrefix("kensa: \(file.path): "), run.err)
        XCTAssertEqual(run.err.split(separator: "\n").count, 1, run.err)
    }

    func testUnknownFormatFlag() throws {
        let run = try Kensa.run(["rootfs", "/", "--format", "xml"])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.err.contains("xml"), run.err)
    }

    func testHelpExitsZero() throws {
        let run = try Kensa.run(["--help"])
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.out.contains("rootfs"))
    }
}
