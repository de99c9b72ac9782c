import Testing
@testable import KensaVersion

/// Rules that the vector files exercise only by chance, each stated once.
struct SchemeTests {
    @Test func schemeNamesAreTheCLINames() {
        #expect(VersionScheme.allCases.map(\.rawValue) ==
                ["dpkg", "rpm", "apk", "pep440", "semver", "npm", "maven", "gem", "go", "nuget", "cargo", "cargo-ord", "composer"])
    }

    @Test(arguments: [
        (VersionScheme.dpkg, "1.0~rc1", "1.0", -1), (.dpkg, "1:0.1", "2.0", 1), (.dpkg, "1.0", "1.0-0", 0),
        (.dpkg, "1.0a", "1.0+", -1), (.dpkg, "2.30-1ubuntu1", "2.30-1", 1),
        (.rpm, "1.0", "1.0-1", -1), (.rpm, "1.0~rc1", "1.0", -1), (.rpm, "1.0^git1", "1.0", 1), (.rpm, "1.0^git1", "1.0.1", -1),
        (.rpm, "1_0", "1.0", 0), (.rpm, "1.0a", "1.0.1", -1),
        (.pep440, "1.0.dev1", "1.0a1", -1), (.pep440, "1.0a1", "1.0b1", -1), (.pep440, "1.0rc1", "1.0", -1),
        (.pep440, "1.0", "1.0.post1", -1), (.pep440, "1.0", "1.0+local", -1), (.pep440, "1!0.1", "2.0", 1),
        (.pep440, "1.0+abc.5", "1.0+abc.10", -1), (.pep440, "1.0+5", "1.0+abc", 1),
        (.semver, "1.0.0-alpha", "1.0.0-alpha.1", -1), (.semver, "1.0.0-alpha.beta", "1.0.0-beta", -1),
        (.semver, "1.0.0-beta.11", "1.0.0-rc.1", -1), (.semver, "1.0.0-rc.1", "1.0.0", -1),
        (.semver, "1.0.0+a", "1.0.0+b", 0), (.semver, "99999999999999999999999.0.0", "1.0.0", 1),
        (.npm, "v1.2.3", "1.2.3", 0), (.npm, "1.2.3-9007199254740993", "1.2.3-9007199254740992", 0),
        (.maven, "1.0-alpha-1", "1.0-beta-1", -1), (.maven, "1.0-SNAPSHOT", "1.0", -1), (.maven, "1.0-sp", "1.0", 1),
        (.maven, "1.0.0", "1", 0), (.maven, "1.0-foo", "1.0-sp", 1), (.maven, "1-ga", "1-final", 0),
        (.gem, "1.0.a", "1.0", -1), (.gem, "1.0-beta", "1.0.pre.beta", 0), (.gem, "1.0.0", "1", 0),
        (.go, "v1", "v1.0.0", 0), (.go, "v1.2.3+incompatible", "v1.2.3", 0),
        (.go, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", -1),
        (.cargo, "1.0.0+a", "1.0.0+b", 0), (.cargoOrd, "1.0.0+a", "1.0.0+b", -1), (.cargoOrd, "1.0.0", "1.0.0+0", -1),
        (.composer, "1.0.0-b1", "1.0.0-beta1", 0), (.composer, "1.0-pl1", "1.0.0-patch1", 0),
        (.composer, "dev-master", "9999999-dev", 0), (.composer, "1.x-dev", "1.9999999.9999999.9999999-dev", 0),
        (.composer, "1.0.0-RC1", "1.0.0", -1), (.composer, "1.0.0", "1.0.0-p1", -1),
    ])
    func documentedOrderings(scheme: VersionScheme, a: String, b: String, expected: Int) throws {
        #expect(try scheme.compare(a, b) == expected)
        #expect(try scheme.compare(b, a) == -expected)
    }

    @Test func goPseudoVersions() throws {
        let base = try GoVersion("v0.0.0-20191109021931-daa7c04131f5")
        #expect(base.isPseudoVersion)
        #expect(base.pseudoTimestampAndRevision?.timestamp == "20191109021931")
        #expect(base.pseudoTimestampAndRevision?.revision == "daa7c04131f5")
        #expect(try GoVersion("v1.2.4-0.20191109021931-daa7c04131f5").isPseudoVersion)
        #expect(try GoVersion("v1.2.3-pre.0.20191109021931-daa7c04131f5").isPseudoVersion)
        #expect(try !GoVersion("v1.2.3-rc.1").isPseudoVersion)
        #expect(try GoVersion("v2.0.0+incompatible").isIncompatible)
        #expect(try GoVersion(osv: "1.20.5") == GoVersion("v1.20.5"))
        #expect(throws: VersionError.self) { try GoVersion("1.2.3") }
        #expect(throws: VersionError.self) { try GoVersion("v1.2-pre") }
    }

    @Test func errorsNameTheSchemeTheInputAndTheReason() {
        do throws(VersionError) {
            _ = try VersionScheme.dpkg.parse("1.0:")
            Issue.record("accepted")
        } catch {
            #expect(error.scheme == .dpkg)
            #expect(error.input == "1.0:")
            #expect(error.description == "invalid dpkg version \"1.0:\": epoch in version is not number")
        }
    }

    @Test func pep440Normalisation() throws {
        #expect(try PEP440Version("1.0-ALPHA.1").normalized == "1.0a1")
        #expect(try PEP440Version("v1.0-1").normalized == "1.0.post1")
        #expect(try PEP440Version("0!1.0c2-dev3").normalized == "1.0rc2.dev3")
        #expect(try PEP440Version("1.0+Ubuntu-1").normalized == "1.0+ubuntu.1")
    }

    @Test func npmRanges() throws {
        // node-semver README examples.
        let cases: [(String, String, Bool)] = [
            ("1.2.3", "^1.2.3", true), ("1.9.9", "^1.2.3", true), ("2.0.0", "^1.2.3", false),
            ("0.2.5", "^0.2.3", true), ("0.3.0", "^0.2.3", false), ("0.0.3", "^0.0.3", true), ("0.0.4", "^0.0.3", false),
            ("1.2.9", "~1.2.3", true), ("1.3.0", "~1.2.3", false), ("1.9.0", "~1", true),
            ("1.2.3", "1.2.3 - 2.3.4", true), ("2.3.4", "1.2.3 - 2.3.4", true), ("2.3.5", "1.2.3 - 2.3.4", false),
            ("2.3.9", "1.2 - 2.3", true), ("2.4.0", "1.2 - 2.3", false),
            ("1.5.0", "1.x", true), ("2.0.0", "1.x || >=2.5.0", false), ("2.5.1", "1.x || >=2.5.0", true),
            ("1.2.3-alpha.7", ">1.2.3-alpha.3", true), ("3.4.5-alpha.9", ">1.2.3-alpha.3", false),
            ("1.2.3", "", true), ("1.2.3-beta", "*", false), ("1.2.3", ">= 1.2.0 < 2", true),
            ("1.0.0", "<1.0.0-0", false), ("0.9.9", "<1", true),
        ]
        for (v, r, want) in cases {
            #expect(npmSatisfies(v, r) == want, "\(v) in \(r)")
        }
        #expect(throws: VersionError.self) { try NpmRange("not a range") }
    }

    /// Quirks of node-semver 7.3.5's regular-expression rewrites, each checked against the
    /// real node-semver on this machine while fuzzing.
    @Test func npmRangeQuirks() throws {
        // GTE0 is written `0\.0\.0` in a plain JS string, so its dots match any character:
        // ">=0.010" is read as "any version".
        #expect(npmSatisfies("2.0.0", ">= 0.010"))
        #expect(!npmSatisfies("2.0.0-0", ">= 0.010"))
        // COMPARATORTRIM runs over the whole string: ">*= 1.2.3" becomes ">*=1.2.3", the
        // star rewrite drops ">*", leaving "=1.2.3".
        #expect(npmSatisfies("1.2.3", ">*= 1.2.3"))
        #expect(!npmSatisfies("1.2.4", ">*= 1.2.3"))
        // "~>= 4.0.21" and "~= 1" are tilde ranges once the space is trimmed.
        #expect(npmSatisfies("4.0.30", "~>= 4.0.21"))
        #expect(!npmSatisfies("4.1.0", "~>= 4.0.21"))
        #expect(npmSatisfies("1.9.0", "~= 1"))
        // Every comparator must be valid even after a null set ("<0" is "<0.0.0-0").
        #expect(throws: VersionError.self) { try NpmRange("<0 <.0.X") }
        #expect(throws: Never.self) { try NpmRange("<0 <1") }
    }

    /// dpkg's parseversion (dpkg 1.21.22, lib/dpkg/parsehelp.c): blanks around the string are
    /// trimmed and the epoch is read with strtol, so a sign is allowed.
    @Test func dpkgParsingQuirks() throws {
        #expect(try VersionScheme.dpkg.compare(" 1.0", "1.0") == 0)
        #expect(try VersionScheme.dpkg.compare("+1:1.0", "1:1.0") == 0)
        #expect(try VersionScheme.dpkg.compare("-0:1.0", "1.0") == 0)
        #expect(throws: VersionError.self) { try DpkgVersion("-1:1.0") }
        #expect(throws: VersionError.self) { try DpkgVersion("1.0 1") }
    }

    /// Composer's normaliser shares compiled regular expressions between threads; parallel
    /// parsing must give the same answers as serial parsing.
    @Test func composerParsesConcurrently() async throws {
        let inputs = ["1.0.0-beta1", "v2.3", "dev-master", "1.x-dev", "2010-01-02", "1.0-pl2", "3.0.0-RC1", "dev-feature/x"]
        let expected = try inputs.map { try ComposerVersion($0).normalized }
        let results = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var out: [String] = []
                    for _ in 0..<200 { out = inputs.map { (try? ComposerVersion($0).normalized) ?? "error" } }
                    return out
                }
            }
            var all: [[String]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 8)
        for r in results { #expect(r == expected) }
    }
}
