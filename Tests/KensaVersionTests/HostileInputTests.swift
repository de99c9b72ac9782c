import Testing
@testable import KensaVersion

/// Truncated, oversized and malicious inputs: every scheme answers with a value or a
/// VersionError naming itself and the input, never a crash, and in bounded time.
struct HostileInputTests {
    static let samples: [VersionScheme: String] = [
        .dpkg: "1:2.36.1-8+deb12u1~bpo11+1", .rpm: "2:1.0.0~rc1^20240101-3.el9_4.1", .apk: "1.2.3_rc1_p2~abc-r10",
        .pep440: "1!2.0.0rc1.post2.dev3+ubuntu.1", .semver: "1.2.3-alpha.1+build.5", .npm: "v1.2.3-beta.2+exp",
        .maven: "1.0.0-RC1-SNAPSHOT", .gem: "1.2.3.pre.rc1", .go: "v0.0.0-20191109021931-daa7c04131f5+incompatible",
        .nuget: "1.2.3.4-beta.1+meta", .cargo: "1.2.3-rc.1+build", .cargoOrd: "1.2.3-rc.1+build", .composer: "v1.2.3-beta1-dev",
    ]

    @Test(arguments: VersionScheme.allCases)
    func everyPrefixParsesOrFailsCleanly(scheme: VersionScheme) throws {
        let sample = try #require(Self.samples[scheme])
        _ = try scheme.parse(sample)
        for n in 0..<sample.count {
            let prefix = String(sample.prefix(n))
            do throws(VersionError) {
                _ = try scheme.parse(prefix)
            } catch {
                #expect(error.scheme == scheme)
                #expect(error.input == prefix)
                #expect(error.description.contains(scheme.rawValue))
            }
        }
    }

    @Test(arguments: VersionScheme.allCases)
    func oversizedInputIsRejected(scheme: VersionScheme) {
        let huge = "1." + String(repeating: "1", count: 10_000)
        do throws(VersionError) {
            _ = try scheme.parse(huge)
            Issue.record("a 10 kB version was accepted by \(scheme)")
        } catch {
            #expect(error.reason.contains("longer than"))
            #expect(error.description.count < 300, "the message must not repeat the whole input")
        }
    }

    @Test(arguments: VersionScheme.allCases)
    func maliciousInputsFailCleanlyOrCompare(scheme: VersionScheme) {
        let nasty = ["", " ", "\0", "1\u{0}2", "1.0\n", "\u{202E}1.0", "１.０", "1.0.😀", String(repeating: "9", count: 400),
                     String(repeating: "1.", count: 1000) + "1", String(repeating: "-", count: 300),
                     String(repeating: "1-a", count: 1000), "..", "~~", "^", "+", "v", "1:", ":1", "1-", "99999999999999999999999999999.0.0"]
        for s in nasty {
            do throws(VersionError) {
                let v = try scheme.parse(s)
                // Whatever is accepted must compare with itself and with a normal version.
                #expect(v.compare(to: v) == 0)
                if let sample = Self.samples[scheme], let w = try? scheme.parse(sample) {
                    #expect(v.compare(to: w) == -w.compare(to: v))
                }
            } catch {
                #expect(error.scheme == scheme)
                #expect(!error.reason.isEmpty)
            }
        }
    }

    @Test func mavenNestingIsBounded() {
        // Each "-" opens a nested list in Maven; 300 levels is refused rather than recursed.
        #expect(throws: VersionError.self) { try MavenVersion(String(repeating: "1-", count: 300) + "1") }
        #expect(throws: Never.self) { try MavenVersion(String(repeating: "1-", count: 100) + "1") }
    }

    @Test func errorMessagesEscapeControlCharacters() throws {
        do throws(VersionError) {
            _ = try DpkgVersion("1.0\n\u{1B}[31m")
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(!error.description.contains("\u{1B}"))
        }
    }

    @Test func npmRangesRejectGarbageWithoutCrashing() {
        for r in [">", "<=", "^", "~>", "1.2.3 -", "- 1.2.3", "|| ||", ">=1.2.3 <", "=*=", "1.2.3 - 2.3.4 - 5",
                  String(repeating: "||", count: 1000), String(repeating: "^1.2.3 ", count: 500), "\u{0}"] {
            _ = try? NpmRange(r)
            _ = npmSatisfies("1.2.3", r)
        }
        #expect(throws: VersionError.self) { try NpmRange(String(repeating: "1.2.3 ", count: 1000)) }
    }
}
