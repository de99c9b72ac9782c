import Foundation
import XCTest

/// Issue 7, acceptance 4: hostile files for the secret scanner through `kensa fs`, each with
/// bounded memory (the CLI under GNU time, peak RSS asserted) and the secret still found.
final class SecretHostileTests: XCTestCase {
    static let ceilingKiB = 200 * 1024
    static let token = "ghp_Zx8Kq2Lm5Np7Rt9Vw3Yb6Cd1Fg4Hj0Ks8Qu2"

    private func scan(_ dir: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let (run, rss) = try runMeasured(["fs", dir.path, "--scanners", "secret", "--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err, file: file, line: line)
        XCTAssertGreaterThan(rss, 0, file: file, line: line)
        XCTAssertLessThan(rss, Self.ceilingKiB, "peak RSS \(rss) KiB", file: file, line: line)
        XCTAssertFalse(run.out.contains(Self.token), "the secret is printed", file: file, line: line)
        return try ReportJSON(run.stdout).object["findings"] as? [[String: Any]] ?? []
    }

    /// One line of 1 GiB (written as a stream by `head`, removed after the test), with a token
    /// at its very end: streamed in chunks, never held whole.
    func testOneGigabyteSingleLine() throws {
        let dir = try temporaryDirectory(self)
        try sh("(head -c \(1 << 30) /dev/zero | tr '\\0' 'a'; printf ' token=\(Self.token)\\n') > '\(dir.path)/huge.txt'")
        let findings = try scan(dir)
        XCTAssertEqual(findings.count, 1, "\(findings)")
        XCTAssertEqual((findings.first?["location"] as? [String: Any])?["path"] as? String, "huge.txt")
        XCTAssertEqual((findings.first?["location"] as? [String: Any])?["startLine"] as? Int, 1)
    }

    func testNULBytesMakeAFileBinary() throws {
        let dir = try temporaryDirectory(self)
        var data = Data("token=\(Self.token)\n".utf8)
        data.append(Data(repeating: 0, count: 4096))
        try data.write(to: dir.appendingPathComponent("blob.dat"))
        try Data("token=\(Self.token)\n".utf8).write(to: dir.appendingPathComponent("text.cfg"))
        let paths = try scan(dir).compactMap { ($0["location"] as? [String: Any])?["path"] as? String }
        XCTAssertEqual(paths, ["text.cfg"], "binary files are skipped, text files are not")
    }

    func testInvalidUTF8AroundASecret() throws {
        let dir = try temporaryDirectory(self)
        var data = Data([0xC3, 0x28, 0xFF, 0xFE, 0x0A, 0xE2, 0x82])
        data.append(Data(" token=\(Self.token) ".utf8))
        data.append(Data([0xF0, 0x28, 0x8C, 0x0A]))
        try data.write(to: dir.appendingPathComponent("latin.conf"))
        let findings = try scan(dir)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual((findings.first?["location"] as? [String: Any])?["startLine"] as? Int, 2)
    }

    /// 1,000 nested directories: the walk's depth limit stops it with a warning, no crash,
    /// and files above the limit are still scanned.
    func testDeeplyNestedDirectory() throws {
        let dir = try temporaryDirectory(self)
        try Data("token=\(Self.token)\n".utf8).write(to: dir.appendingPathComponent("top.env"))
        try sh("cd '\(dir.path)' && for i in $(seq 1000); do mkdir d && cd d; done && echo 'token=\(Self.token)' > deep.env")
        let (run, rss) = try runMeasured(["fs", dir.path, "--scanners", "secret", "--format", "json", "--quiet"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertLessThan(rss, Self.ceilingKiB)
        let report = try ReportJSON(run.stdout)
        let paths = (report.object["findings"] as? [[String: Any]] ?? []).compactMap { ($0["location"] as? [String: Any])?["path"] as? String }
        XCTAssertTrue(paths.contains("top.env"), "\(paths)")
        XCTAssertTrue(report.warnings.contains { (($0["reason"] as? String) ?? "").contains("levels") }, "\(report.warnings)")
    }
}
