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

/// `-o /dev/null` (and any non-regular file) is written in place: an atomic rename over it
/// would replace the device with a plain file for the whole machine.
final class OutputFileTests: XCTestCase {
    func testDevNullStaysADevice() throws {
        let dir = try temporaryDirectory(self)
        try "six==1.16.0\n".write(to: dir.appendingPathComponent("requirements.txt"), atomically: true, encoding: .utf8)
        let run = try Kensa.run(["fs", dir.path, "--scanners", "secret", "-f", "json", "-o", "/dev/null"])
        XCTAssertEqual(run.status, 0, run.err)
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeCharacterSpecial, "/dev/null was replaced")
    }

    func testSymlinkedOutputStaysALink() throws {
        let dir = try temporaryDirectory(self)
        let target = dir.appendingPathComponent("target.json"), link = dir.appendingPathComponent("link.json")
        try Data().write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let run = try Kensa.run(["fs", dir.path, "--scanners", "secret", "-f", "json", "-o", link.path])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), target.path)
        XCTAssertFalse(try Data(contentsOf: target).isEmpty)
    }
}
