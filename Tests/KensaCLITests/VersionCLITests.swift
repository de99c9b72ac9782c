import Foundation
import XCTest

/// `kensa debug vercmp` and `kensa debug satisfies`, run as a user runs them, over every
/// vector file in ../shared/testdata/versions: the built binary must agree on every line.
final class VersionCLITests: XCTestCase {
    static let versions = Kensa.sharedTestdata.appendingPathComponent("versions")

    /// Vector file → scheme name (issue 3).
    static let files: [(String, String)] = [
        ("dpkg.tsv", "dpkg"), ("rpm.tsv", "rpm"), ("pep440.tsv", "pep440"), ("semver.tsv", "npm"),
        ("maven.tsv", "maven"), ("gem.tsv", "gem"), ("go.tsv", "go"), ("cargo-precedence.tsv", "cargo"),
        ("cargo.tsv", "cargo-ord"), ("composer.tsv", "composer"),
    ]

    /// The data lines of a vector file, split into fields.
    func rows(_ file: String) throws -> [[Substring]] {
        let text = try String(contentsOf: Self.versions.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
    }

    func testVercmpAgreesWithEveryVectorFile() throws {
        for (file, scheme) in Self.files {
            let rows = try rows(file)
            XCTAssertGreaterThanOrEqual(rows.count, 2000, file)
            let input = rows.map { "\($0[0])\t\($0[1])\n" }.joined()
            let run = try Kensa.run(["debug", "vercmp", "--scheme", scheme], stdin: Data(input.utf8))
            XCTAssertEqual(run.status, 0, "\(file): \(run.err)")
            let output = run.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertEqual(output.count, rows.count, "\(file): one output line per input line")
            var passed = 0
            for (row, line) in zip(rows, output) {
                if line == row[2] { passed += 1 } else if passed < 5 { XCTFail("\(file): \(row[0]) vs \(row[1]): want \(row[2]), got \(line)") }
            }
            print("kensa debug vercmp --scheme \(scheme) < \(file): \(passed)/\(rows.count) pairs passed")
            XCTAssertEqual(passed, rows.count, file)
        }
    }

    func testVercmpReportsInvalidStringsPerLine() throws {
        for (file, scheme) in Self.files {
            let invalidFile = file.replacingOccurrences(of: ".tsv", with: "-invalid.txt")
            guard FileManager.default.fileExists(atPath: Self.versions.appendingPathComponent(invalidFile).path) else { continue }
            let strings = try rows(invalidFile).map { String($0[0]) }
            guard !strings.isEmpty else { continue }
            // Each invalid string against a valid one, on both sides.
            let valid = String(try rows(file)[0][0])
            let input = strings.map { "\($0)\t\(valid)\n\(valid)\t\($0)\n" }.joined()
            let run = try Kensa.run(["debug", "vercmp", "--scheme", scheme], stdin: Data(input.utf8))
            XCTAssertEqual(run.status, 0, "bad versions are reported per line, not by the exit code")
            let output = run.out.split(separator: "\n").map(String.init)
            XCTAssertEqual(output.count, strings.count * 2)
            let errors = output.filter { $0.hasPrefix("error: invalid \(scheme) version ") }
            print("kensa debug vercmp --scheme \(scheme) < \(invalidFile): \(errors.count / 2)/\(strings.count) rejected")
            XCTAssertEqual(errors.count, strings.count * 2, invalidFile)
        }
    }

    func testSatisfiesAgreesWithNodeSemver() throws {
        let rows = try rows("semver-ranges.tsv")
        let input = rows.map { "\($0[0])\t\($0[1])\n" }.joined()
        let run = try Kensa.run(["debug", "satisfies", "--scheme", "npm"], stdin: Data(input.utf8))
        XCTAssertEqual(run.status, 0, run.err)
        let output = run.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(output, rows.map { String($0[2]) })
        print("kensa debug satisfies --scheme npm < semver-ranges.tsv: \(zip(output, rows).filter { $0.0 == $0.1[2] }.count)/\(rows.count) passed")
    }

    func testMalformedLinesAndBadArguments() throws {
        let run = try Kensa.run(["debug", "vercmp", "--scheme", "dpkg"], stdin: Data("1.0\t2.0\nno tab here\n\r\n1:2.0\t1.9\r\n".utf8))
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.out, "-1\nerror: expected two fields separated by a tab\nerror: expected two fields separated by a tab\n1\n")

        let unknown = try Kensa.run(["debug", "vercmp", "--scheme", "nope"], stdin: Data())
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.err.contains("unknown scheme 'nope'"), unknown.err)

        let missing = try Kensa.run(["debug", "vercmp"], stdin: Data())
        XCTAssertNotEqual(missing.status, 0)

        let noRanges = try Kensa.run(["debug", "satisfies", "--scheme", "dpkg"], stdin: Data())
        XCTAssertNotEqual(noRanges.status, 0)
        XCTAssertTrue(noRanges.err.contains("npm"), noRanges.err)
    }

    func testLargeInputStreams() throws {
        // 200,000 lines (about 4 MB) in one run; output must stay line-for-line.
        var input = ""
        input.reserveCapacity(5_000_000)
        for i in 0..<200_000 { input += "1.\(i % 1000)-\(i % 7)\t1.\(i % 999)-3\n" }
        let run = try Kensa.run(["debug", "vercmp", "--scheme", "dpkg"], stdin: Data(input.utf8))
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.out.split(separator: "\n").count, 200_000)
        XCTAssertFalse(run.out.contains("error"))
    }

    func testOversizedLineIsReportedAndStreamContinues() throws {
        let huge = String(repeating: "1", count: 2 << 20)
        let run = try Kensa.run(["debug", "vercmp", "--scheme", "dpkg"], stdin: Data("\(huge)\t1\n1.0\t1.0\n".utf8))
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.out, "error: line longer than 1048576 bytes\n0\n")
    }
}
