import Foundation
import Testing
@testable import KensaVersion

/// The comparison vectors in ../shared/testdata/versions/, produced by each ecosystem's real
/// implementation (see that directory's README). Every pair must agree and every invalid string
/// must be rejected.
struct VectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata/versions")

    /// Vector file → the scheme that must reproduce it (issue 3).
    static let files: [(file: String, scheme: VersionScheme, invalid: String?)] = [
        ("dpkg.tsv", .dpkg, "dpkg-invalid.txt"),
        ("rpm.tsv", .rpm, "rpm-invalid.txt"),
        ("pep440.tsv", .pep440, "pep440-invalid.txt"),
        ("semver.tsv", .npm, "semver-invalid.txt"),
        ("maven.tsv", .maven, "maven-invalid.txt"),
        ("gem.tsv", .gem, "gem-invalid.txt"),
        ("go.tsv", .go, "go-invalid.txt"),
        ("cargo-precedence.tsv", .cargo, nil),
        ("cargo.tsv", .cargoOrd, "cargo-invalid.txt"),
        ("composer.tsv", .composer, "composer-invalid.txt"),
    ]

    static func dataLines(_ name: String) throws -> [Substring] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    @Test(arguments: files.map(\.file))
    func comparisonsAgreeWithTheReferenceImplementation(file: String) throws {
        let scheme = try #require(Self.files.first { $0.file == file }).scheme
        let lines = try Self.dataLines(file)
        var passed = 0
        var failures: [String] = []
        for line in lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            try #require(f.count == 3, "malformed line \(line)")
            let expected = try #require(Int(f[2]))
            do {
                let got = try scheme.compare(String(f[0]), String(f[1]))
                // Comparison must also be antisymmetric on the oracle's own pairs.
                let back = try scheme.compare(String(f[1]), String(f[0]))
                if got == expected && back == -expected { passed += 1 } else { failures.append("\(f[0]) vs \(f[1]): want \(expected), got \(got)/\(back)") }
            } catch {
                failures.append("\(f[0]) vs \(f[1]): \(error)")
            }
        }
        print("\(file) (\(scheme.rawValue)): \(passed)/\(lines.count) pairs passed")
        #expect(lines.count >= 2000)
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
        #expect(passed == lines.count)
    }

    @Test(arguments: files.compactMap(\.invalid))
    func invalidStringsAreRejected(file: String) throws {
        let scheme = try #require(Self.files.first { $0.invalid == file }).scheme
        let lines = try Self.dataLines(file)
        var rejected = 0
        var accepted: [String] = []
        for line in lines {
            do throws(VersionError) {
                _ = try scheme.parse(String(line))
                accepted.append(String(line))
            } catch {
                #expect(error.scheme == scheme)
                #expect(error.input == String(line))
                #expect(!error.reason.isEmpty)
                rejected += 1
            }
        }
        print("\(file) (\(scheme.rawValue)): \(rejected)/\(lines.count) invalid strings rejected")
        #expect(accepted.isEmpty, "accepted: \(accepted.prefix(20))")
    }

    @Test func npmRangeSatisfactionAgreesWithNodeSemver() throws {
        let lines = try Self.dataLines("semver-ranges.tsv")
        var passed = 0
        var failures: [String] = []
        for line in lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            try #require(f.count == 3, "malformed line \(line)")
            let version = try NpmVersion(String(f[0]))
            let range = try NpmRange(String(f[1]))
            let got = range.isSatisfied(by: version)
            if String(got) == f[2] { passed += 1 } else { failures.append("\(f[0]) in \(f[1]): want \(f[2])") }
        }
        print("semver-ranges.tsv (npm satisfies): \(passed)/\(lines.count) passed")
        #expect(lines.count >= 400)
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
    }
}
