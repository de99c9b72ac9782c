import Foundation
import XCTest

/// Issue 2, acceptance 4: hostile archives give a clear error or a logged skip, never a
/// crash, with bounded memory (the CLI under GNU time), and nothing is written anywhere.
final class HostileArchiveTests: XCTestCase {
    /// Peak RSS allowed for any hostile input (a debug build idles at a few tens of MiB).
    static let ceilingKiB = 256 * 1024

    /// Tests/Tools: the Python helpers that build hostile layers.
    private var support: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tools")
    }

    /// Builds an OCI layout whose single layer is `case`'s tar (gzip'd unless `gzip` is false).
    private func layout(_ name: String, gzip: Bool = true, mangle: String = "") throws -> (layout: URL, work: URL) {
        let work = try temporaryDirectory(self)
        let layer = work.appendingPathComponent("layer")
        let compress = gzip ? "| gzip -1" : ""
        try sh("cd '\(work.path)' && python3 '\(support.path)/make_tar.py' \(name) \(compress) > layer \(mangle)")
        let layout = work.appendingPathComponent("oci")
        try sh("python3 '\(support.path)/make_oci_layout.py' '\(layout.path)' '\(layer.path)'")
        return (layout, work)
    }

    /// Runs `kensa image --input` with an empty working directory and TMPDIR, and checks that
    /// both stay empty and that kensa neither crashed nor passed the memory ceiling.
    private func scan(_ layout: URL, file: StaticString = #filePath, line: UInt = #line) throws -> (KensaRun, ReportJSON?) {
        let scratch = try temporaryDirectory(self)
        let cwd = scratch.appendingPathComponent("cwd"), tmp = scratch.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(cwd.path)
        setenv("TMPDIR", tmp.path, 1)
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            unsetenv("TMPDIR")
        }
        let (run, rss) = try runMeasured(["image", "--input", layout.path, "--format", "json", "--quiet"])
        XCTAssertTrue(run.status == 0 || run.status == 2, "exit \(run.status) (a crash?): \(run.err)", file: file, line: line)
        XCTAssertGreaterThan(rss, 0, "no RSS measured", file: file, line: line)
        XCTAssertLessThan(rss, Self.ceilingKiB, "peak RSS \(rss) KiB", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cwd.path), [], "kensa wrote into its cwd", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "kensa wrote into TMPDIR", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/kensa-escape"), file: file, line: line)
        if run.status == 2 {
            let lines = run.err.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "the error is one line: \(run.err)", file: file, line: line)
            XCTAssertTrue(run.err.hasPrefix("kensa: "), run.err, file: file, line: line)
            return (run, nil)
        }
        return (run, try ReportJSON(run.stdout))
    }

    private func names(_ report: ReportJSON?) -> Set<String> { Set(report?.packages.map(\.name) ?? []) }

    private func warned(_ report: ReportJSON?, about fragment: String) -> Bool {
        (report?.warnings ?? []).contains { (($0["path"] as? String) ?? "").contains(fragment) || (($0["reason"] as? String) ?? "").contains(fragment) }
    }

    func testPathTraversalIsSkippedWithAWarning() throws {
        let (run, report) = try scan(try layout("traversal").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(names(report), ["good"])
        XCTAssertTrue(warned(report, about: ".."), "no warning for ../ names: \(report?.warnings ?? [])")
    }

    func testAbsoluteNamesAreMadeRelative() throws {
        let (run, report) = try scan(try layout("absolute").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(names(report), ["good", "abs"])
        let abs = report?.packages.first { $0.name == "abs" }
        XCTAssertEqual(abs?.path, "usr/lib/python3/dist-packages/abs-1.0.dist-info/METADATA")
    }

    func testSymlinkOutsideTheTreeIsNotFollowed() throws {
        let (run, report) = try scan(try layout("symlink-escape").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(names(report), ["good"])
    }

    func testHardLinkOutsideTheTreeIsSkipped() throws {
        let (run, report) = try scan(try layout("hardlink-escape").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(names(report), ["good"])
        XCTAssertTrue(warned(report, about: "hl-1.0"), "no warning for the escaping hard link: \(report?.warnings ?? [])")
    }

    func testLinkLoopDoesNotHang() throws {
        let (run, report) = try scan(try layout("link-loop").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(names(report), ["good"])
    }

    func testInvalidUTF8NamesDoNotCrash() throws {
        let (run, report) = try scan(try layout("bad-utf8").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(names(report).contains("good"))
    }

    func testHundredThousandEntryDirectory() throws {
        let (run, report) = try scan(try layout("many-entries").layout)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(names(report), ["good"])
    }

    func testTruncatedGzipIsAClearError() throws {
        let (run, _) = try scan(try layout("many-entries", mangle: "&& truncate -s 50000 layer").layout)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.err.contains("layer 1"), run.err)
    }

    func testTruncatedTarIsAClearError() throws {
        let (run, _) = try scan(try layout("many-entries", gzip: false, mangle: "&& truncate -s 700001 layer").layout)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.err.contains("layer 1"), run.err)
    }

    /// Two GiB of zeros in one tar member, gzip'd as a stream (about 2 MB on disk).
    func testGzipBombStopsAtTheLimit() throws {
        let work = try temporaryDirectory(self)
        let layer = work.appendingPathComponent("layer")
        try sh("(python3 '\(support.path)/make_tar.py' bomb-header; head -c \(2 << 30) /dev/zero; head -c 1024 /dev/zero) | gzip -1 > '\(layer.path)'")
        let layout = work.appendingPathComponent("oci")
        try sh("python3 '\(support.path)/make_oci_layout.py' '\(layout.path)' '\(layer.path)'")
        let (run, _) = try scan(layout)
        XCTAssertEqual(run.status, 2, "a decompression bomb must stop the scan: \(run.err)")
        XCTAssertTrue(run.err.lowercased().contains("limit") || run.err.lowercased().contains("ratio"), run.err)
    }
}
