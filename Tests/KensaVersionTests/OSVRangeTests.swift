import Foundation
import Testing
@testable import KensaVersion

/// OSV range evaluation, by the algorithm in the OSV schema ("Evaluation"), on hand-made
/// ranges and on real records from ../shared/testdata/osv.
struct OSVRangeTests {
    static func range(_ type: OSVRangeType = .ecosystem, _ events: OSVEvent...) -> OSVRange {
        OSVRange(type: type, events: events)
    }

    @Test func introducedAndFixed() throws {
        let r = Self.range(.ecosystem, .introduced("1.0"), .fixed("1.5"))
        #expect(try !r.contains("0.9", scheme: .pep440))
        #expect(try r.contains("1.0", scheme: .pep440))
        #expect(try r.contains("1.4.9", scheme: .pep440))
        #expect(try r.contains("1.5rc1", scheme: .pep440), "a pre-release of the fix is still affected")
        #expect(try !r.contains("1.5", scheme: .pep440))
        #expect(try !r.contains("2.0", scheme: .pep440))
    }

    @Test func introducedZeroAndLastAffected() throws {
        let r = Self.range(.ecosystem, .introduced("0"), .lastAffected("1.11.0"))
        #expect(try r.contains("0.0.1", scheme: .pep440))
        #expect(try r.contains("1.11.0", scheme: .pep440))
        #expect(try !r.contains("1.11.1", scheme: .pep440))
    }

    @Test func severalIntroducedEventsInAnyOrder() throws {
        // Events are sorted before evaluation; the order in the record does not matter.
        let r = Self.range(.ecosystem, .fixed("2.4.1"), .introduced("2.0.0"), .fixed("1.2.9"), .introduced("0"))
        #expect(try r.contains("1.0.0", scheme: .npm))
        #expect(try !r.contains("1.2.9", scheme: .npm))
        #expect(try !r.contains("1.9.0", scheme: .npm))
        #expect(try r.contains("2.0.0", scheme: .npm))
        #expect(try !r.contains("2.4.1", scheme: .npm))
    }

    @Test func limits() throws {
        let r = Self.range(.ecosystem, .introduced("0"), .limit("2.0"))
        #expect(try r.contains("1.9", scheme: .dpkg))
        #expect(try !r.contains("2.0", scheme: .dpkg))
        let star = Self.range(.ecosystem, .introduced("1.0"), .limit("*"))
        #expect(try star.contains("99.0", scheme: .dpkg))
        let two = Self.range(.ecosystem, .introduced("0"), .limit("1.0"), .limit("3.0"))
        #expect(try two.contains("2.0", scheme: .dpkg), "below any one limit is enough")
    }

    @Test func semverRangesUseSemVerPrecedence() throws {
        // SEMVER ranges ignore the ecosystem scheme and build metadata.
        let r = Self.range(.semver, .introduced("0"), .fixed("1.0.0"))
        #expect(try r.contains("1.0.0-rc.1", scheme: .cargo))
        #expect(try !r.contains("1.0.0+build", scheme: .cargo))
        #expect(try r.contains("v0.9.0", scheme: .go), "a v-prefixed installed version still compares")
    }

    @Test func gitRangesMatchNoVersion() throws {
        #expect(try !Self.range(.git, .introduced("0")).contains("1.0.0", scheme: .npm))
    }

    @Test func emptyFixedIsSkipped() throws {
        #expect(try Self.range(.ecosystem, .introduced("0"), .fixed("")).contains("5.0", scheme: .pep440))
    }

    @Test func invalidVersionsAreErrors() {
        #expect(throws: VersionError.self) { try Self.range(.ecosystem, .introduced("0"), .fixed("not a version")).contains("1.0", scheme: .pep440) }
        #expect(throws: VersionError.self) { try Self.range(.ecosystem, .introduced("0")).contains("-bad", scheme: .dpkg) }
    }

    @Test func explicitVersionList() throws {
        let a = OSVAffectedVersions(versions: ["1.0", "1.1"])
        #expect(try a.contains("1.0", scheme: .pep440))
        #expect(try a.contains("1.0.0", scheme: .pep440), "equal under the scheme")
        #expect(try !a.contains("1.2", scheme: .pep440))
    }

    @Test func ecosystemNames() {
        #expect(VersionScheme(osvEcosystem: "Debian:12") == .dpkg)
        #expect(VersionScheme(osvEcosystem: "Alpine:v3.19") == .apk)
        #expect(VersionScheme(osvEcosystem: "Rocky Linux:9") == .rpm)
        #expect(VersionScheme(osvEcosystem: "crates.io") == .cargo)
        #expect(VersionScheme(osvEcosystem: "Packagist") == .composer)
        #expect(VersionScheme(osvEcosystem: "GIT") == nil)
    }

    // MARK: real records

    static let osvDirectory = VectorTests.directory.deletingLastPathComponent().appendingPathComponent("osv")

    /// The first `affected` entry of a record whose package has `name`, as plain values.
    static func affected(_ path: String, package name: String) throws -> (VersionScheme, OSVAffectedVersions) {
        let data = try Data(contentsOf: osvDirectory.appendingPathComponent(path))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(json["affected"] as? [[String: Any]])
        let entry = try #require(entries.first { ($0["package"] as? [String: Any])?["name"] as? String == name })
        let ecosystem = try #require((entry["package"] as? [String: Any])?["ecosystem"] as? String)
        let scheme = try #require(VersionScheme(osvEcosystem: ecosystem))
        var ranges: [OSVRange] = []
        for r in entry["ranges"] as? [[String: Any]] ?? [] {
            let type = try #require(OSVRangeType(rawValue: r["type"] as? String ?? ""))
            let events: [OSVEvent] = (r["events"] as? [[String: String]] ?? []).compactMap { e in
                if let v = e["introduced"] { return .introduced(v) }
                if let v = e["fixed"] { return .fixed(v) }
                if let v = e["last_affected"] { return .lastAffected(v) }
                if let v = e["limit"] { return .limit(v) }
                return nil
            }
            ranges.append(OSVRange(type: type, events: events))
        }
        return (scheme, OSVAffectedVersions(ranges: ranges, versions: entry["versions"] as? [String] ?? []))
    }

    @Test func lodashFixedIn4_17_21() throws {
        let (scheme, a) = try Self.affected("npm/GHSA-29mw-wpgm-hmr9.json", package: "lodash")
        #expect(try a.contains("4.17.20", scheme: scheme))
        #expect(try !a.contains("4.17.21", scheme: scheme))
    }

    @Test func fixedBelowIntroduced() throws {
        // GHSA-4j54-mmmv-hjpm: introduced 0.9.2, fixed 0.9.1 (a data mistake); sorted
        // evaluation leaves everything from 0.9.2 affected and nothing before it.
        let (scheme, a) = try Self.affected("npm/GHSA-4j54-mmmv-hjpm.json", package: "slush-fullstack-framework")
        #expect(try !a.contains("0.9.1", scheme: scheme))
        #expect(try a.contains("0.9.2", scheme: scheme))
    }

    @Test func goSemverRangesWithIncompatibleAndPseudoVersions() throws {
        let (scheme, a) = try Self.affected("Go/GO-2021-0076.json", package: "github.com/evanphx/json-patch")
        #expect(scheme == .go)
        #expect(try a.contains("v0.5.1", scheme: scheme))
        #expect(try !a.contains("v0.5.2", scheme: scheme))
        #expect(try a.contains("v3.0.0+incompatible", scheme: scheme))
        #expect(try a.contains("v3.0.1-0.20180525145409-4c9aadca8f88+incompatible", scheme: scheme))
        #expect(try !a.contains("v3.0.1+incompatible", scheme: scheme))
    }

    @Test func pypiLastAffectedAndVersionsList() throws {
        let (scheme, a) = try Self.affected("PyPI/PYSEC-2022-42969.json", package: "py")
        #expect(try a.contains("1.11.0", scheme: scheme))
        #expect(try a.contains("0.8.0-alpha2", scheme: scheme))
        #expect(try !a.contains("1.11.1", scheme: scheme))
    }
}
