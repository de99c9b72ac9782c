import Foundation
import KensaVersion
@testable import KensaVulnDB
import XCTest

/// `VersionMemo.contains` re-walks OSV's range algorithm over memoised parses: it must give
/// `OSVRange.contains`'s answer (or the same error) on every range, including limits,
/// `last_affected`, `introduced: "0"`, empty and unparsable events and SEMVER ranges.
final class VersionMemoTests: XCTestCase {
    private enum Answer: Equatable { case yes, no, error(VersionError) }

    private func answer(_ body: () throws(VersionError) -> Bool) -> Answer {
        do { return try body() ? .yes : .no } catch { return .error(error) }
    }

    func testSameAnswersAsOSVRangeOnRandomRanges() throws {
        let dir = URL(fileURLWithPath: sharedOSVData()).deletingLastPathComponent().appendingPathComponent("versions")
        var generator = SplitMix(seed: 42)
        var compared = 0, inside = 0
        for (scheme, file) in [(VersionScheme.pep440, "pep440"), (.dpkg, "dpkg"), (.semver, "semver"), (.go, "go"),
                               (.maven, "maven"), (.gem, "gem"), (.rpm, "rpm"), (.npm, "semver")] {
            let text = try String(contentsOf: dir.appendingPathComponent("\(file).tsv"), encoding: .utf8)
            var strings = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .flatMap { $0.split(separator: "\t").prefix(2).map(String.init) }
            strings = Array(Set(strings)).sorted()
            let odd = ["", "0", "*", "not a version", "v1.2.3"]
            let memo = VersionMemo()
            for _ in 0..<400 {
                var events: [OSVEvent] = []
                for _ in 0..<generator.next(upTo: 5) + 1 {
                    let s = generator.next(upTo: 10) == 0 ? odd[generator.next(upTo: odd.count)] : strings[generator.next(upTo: strings.count)]
                    switch generator.next(upTo: 4) {
                    case 0: events.append(.introduced(s))
                    case 1: events.append(.fixed(s))
                    case 2: events.append(.lastAffected(s))
                    default: events.append(.limit(s))
                    }
                }
                let range = OSVRange(type: generator.next(upTo: 5) == 0 ? .semver : .ecosystem, events: events)
                for _ in 0..<5 {
                    let probe = generator.next(upTo: 20) == 0 ? odd[generator.next(upTo: odd.count)] : strings[generator.next(upTo: strings.count)]
                    let expected = answer { () throws(VersionError) in try range.contains(probe, scheme: scheme) }
                    let got = answer { () throws(VersionError) in try memo.contains(range, probe, scheme: scheme) }
                    XCTAssertEqual(got, expected, "\(scheme) \(range) \(probe)")
                    compared += 1
                    if expected == .yes { inside += 1 }
                }
            }
        }
        XCTAssertEqual(compared, 8 * 400 * 5)
        XCTAssertGreaterThan(inside, 1000, "the ranges must contain a fair share of the probes")
    }

    func testMemoRemembersErrorsAndSchemes() throws {
        let memo = VersionMemo()
        XCTAssertThrowsError(try memo.parse("not a version", .pep440))
        XCTAssertThrowsError(try memo.parse("not a version", .pep440), "a remembered failure still throws")
        // The same string under two schemes is two entries (SemVer rejects what PEP 440 accepts).
        XCTAssertNoThrow(try memo.parse("1.0", .pep440))
        XCTAssertThrowsError(try memo.parse("1.0", .semver))
        XCTAssertEqual(try memo.parse("v1.2.3", .go), try ListedVersions.parse("1.2.3", .go))
    }
}

/// A small seeded generator, so a failure reproduces.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(upTo n: Int) -> Int { Int(next() % UInt64(n)) }
}
