import Testing
@testable import KensaVersion

/// NuGet has no vector file (.NET cannot be installed here), so these cases come from the
/// NuGet documentation, "Package versioning" (https://learn.microsoft.com/nuget/concepts/package-versioning:
/// version basics, pre-release sort order, normalized version numbers, SemVer 2.0.0), and
/// from the semantics of NuGet.Versioning (NuGet/NuGet.Client, src/NuGet.Core/NuGet.Versioning:
/// `NuGetVersion.TryParse`, `VersionComparer.Default`).
struct NuGetVersionTests {
    static func cmp(_ a: String, _ b: String) throws -> Int { try VersionScheme.nuget.compare(a, b) }

    /// The docs' pre-release precedence list, highest first: "1.0.1, 1.0.1-zzz, 1.0.1-rc.10,
    /// 1.0.1-rc.2, 1.0.1-open, 1.0.1-beta, 1.0.1-alpha2, 1.0.1-alpha10, 1.0.1-aaa"
    /// (alpha10 below alpha2 because whole labels compare as text; rc.10 above rc.2 because
    /// dot-separated numeric labels compare as numbers).
    @Test func documentedPrereleaseOrder() throws {
        let documented = ["1.0.1", "1.0.1-zzz", "1.0.1-rc.10", "1.0.1-rc.2", "1.0.1-open", "1.0.1-beta",
                          "1.0.1-alpha2", "1.0.1-alpha10", "1.0.1-aaa"]
        for i in 0..<documented.count {
            for j in 0..<documented.count {
                let expected = i == j ? 0 : (i < j ? 1 : -1)
                #expect(try Self.cmp(documented[i], documented[j]) == expected, "\(documented[i]) vs \(documented[j])")
            }
        }
        let shuffled = try documented.reversed().map { try NuGetVersion($0) }.sorted(by: >)
        #expect(shuffled.map(\.description) == documented)
    }

    /// "Normalized version numbers": leading zeros removed (1.01.1 → 1.1.1), a zero fourth
    /// part omitted (1.0.0.0 → 1.0.0), a non-zero fourth part kept, build metadata removed
    /// (1.0.7+r3456 → 1.0.7); the normalised spellings are equal versions.
    @Test(arguments: [
        ("1.01.1", "1.1.1"), ("1.00", "1.0.0"), ("1.0.0.0", "1.0.0"), ("1.0.01.0", "1.0.1"),
        ("1.0.0.1", "1.0.0.1"), ("1.0.7+r3456", "1.0.7"), ("1.0.0-beta.1+build.5", "1.0.0-beta.1"),
        ("1", "1.0.0"), ("1.2", "1.2.0"),
    ])
    func normalisation(input: String, normalized: String) throws {
        let v = try NuGetVersion(input)
        #expect(v.normalized == normalized)
        #expect(try Self.cmp(input, normalized) == 0)
    }

    /// NuGet.Versioning `VersionComparer.Default` rules.
    @Test(arguments: [
        // A release beats its pre-releases (SemVer 2.0.0 §11, docs "Pre-release versions").
        ("1.0.0-beta", "1.0.0", -1),
        // Labels are compared case-insensitively (CompareRelease: OrdinalIgnoreCase).
        ("1.0.0-BETA", "1.0.0-beta", 0),
        ("1.0.0-Alpha.1", "1.0.0-alpha.2", -1),
        // Numeric labels sort numerically and below text labels (CompareRelease).
        ("1.0.0-2", "1.0.0-10", -1),
        ("1.0.0-10", "1.0.0-a", -1),
        // More labels sort higher when the shared ones are equal (CompareReleaseLabels).
        ("1.0.0-beta", "1.0.0-beta.1", -1),
        // Build metadata does not take part (docs "SemVer 2.0.0": metadata ignored for precedence).
        ("1.0.0+abc", "1.0.0+def", 0),
        ("1.0.0-rc.1+a", "1.0.0-rc.1", 0),
        // The fourth (revision) part counts (CompareLegacyVersion).
        ("1.0.0.1", "1.0.0", 1),
        ("1.0.0.1-beta", "1.0.0", 1),
        ("1.2.3.4", "1.2.3.5", -1),
        // Numbers compare as numbers.
        ("1.10.0", "1.9.0", 1),
        ("6.11.1231", "6.2.0-beta1", 1),
        // Documented examples from "Version basics".
        ("4.3.1-rc", "4.3.1", -1),
        ("2.2.44-beta.1", "2.2.44-beta.2", -1),
    ])
    func comparison(a: String, b: String, expected: Int) throws {
        #expect(try Self.cmp(a, b) == expected)
        #expect(try Self.cmp(b, a) == -expected)
    }

    /// Strings NuGetVersion.TryParse rejects: more than four parts, non-numeric parts, numbers
    /// above Int32.MaxValue, empty labels, characters outside [0-9A-Za-z-], numeric labels
    /// with leading zeros (IsValidPart with allowLeadingZeros: false), empty metadata.
    @Test(arguments: ["", "1.2.3.4.5", "a.b.c", "1.2.x", "2147483648.0.0", "1.0.0-", "1.0.0-beta..1",
                      "1.0.0-beta_1", "1.0.0-01", "1.0.0+", "1.0.0+a..b", ".1.0", "1..0", "v1.0.0"])
    func rejects(_ s: String) {
        #expect(throws: VersionError.self) { try NuGetVersion(s) }
    }

    @Test func acceptsSurroundingWhitespaceAndLeadingZeroMetadata() throws {
        // TryParse trims; metadata may have leading zeros (IsValid with allowLeadingZeros: true).
        #expect(try NuGetVersion(" 1.0.0 ").normalized == "1.0.0")
        #expect(try NuGetVersion("1.0.0+001").metadata == "001")
    }

    @Test func labelsTooLargeForInt32CompareAsText() throws {
        // CompareRelease uses int.TryParse, so 2147483648 is a text label and sorts above 5.
        #expect(try Self.cmp("1.0.0-2147483648", "1.0.0-5") == 1)
        #expect(try Self.cmp("1.0.0-2147483647", "1.0.0-5") == 1)
        #expect(try Self.cmp("1.0.0-2147483648", "1.0.0-a") == -1)
    }
}
