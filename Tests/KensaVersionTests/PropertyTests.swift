import Foundation
import Testing
@testable import KensaVersion

/// SplitMix64: a small seeded generator, so every run checks the same triples.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Order properties on random triples of each scheme: antisymmetry, transitivity, equality
/// agreeing with hashing, and `parse(formatted) == v`.
struct PropertyTests {
    /// Version strings per scheme: the vector files' strings where there are some, plus
    /// strings from a small random grammar (the only source for apk, NuGet and SemVer).
    static func pool(_ scheme: VersionScheme, rng: inout SeededGenerator) throws -> [Version] {
        var strings: [String] = []
        let file: String? = switch scheme {
        case .dpkg: "dpkg.tsv"
        case .rpm: "rpm.tsv"
        case .pep440: "pep440.tsv"
        case .npm: "semver.tsv"
        case .maven: "maven.tsv"
        case .gem: "gem.tsv"
        case .go: "go.tsv"
        case .cargo, .cargoOrd, .semver: "cargo.tsv"
        case .composer: "composer.tsv"
        case .apk, .nuget: nil
        }
        if let file {
            for line in try VectorTests.dataLines(file) {
                let f = line.split(separator: "\t")
                strings.append(String(f[0])); strings.append(String(f[1]))
            }
        }
        for _ in 0..<400 { strings.append(generate(scheme, &rng)) }
        return strings.compactMap { try? scheme.parse($0) }
    }

    static func generate(_ scheme: VersionScheme, _ rng: inout SeededGenerator) -> String {
        func n() -> String { String(Int.random(in: 0...12, using: &rng)) }
        func pick(_ xs: [String]) -> String { xs.randomElement(using: &rng)! }
        func maybe(_ s: @autoclosure () -> String) -> String { Bool.random(using: &rng) ? s() : "" }
        switch scheme {
        case .apk:
            return n() + "." + n() + maybe("." + n()) + maybe(pick(["a", "b", "z"]))
                + maybe("_" + pick(["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"]) + maybe(n()))
                + maybe("~" + pick(["a1", "ff", "0b3"])) + maybe("-r" + n())
        case .nuget:
            return n() + "." + n() + maybe("." + n()) + maybe("." + n())
                + maybe("-" + pick(["alpha", "Beta", "rc", "1", "10", "x-y"]) + maybe("." + pick(["1", "2", "10", "a"])))
                + maybe("+" + pick(["build", "001", "sha.5"]))
        case .semver, .cargo, .cargoOrd, .npm:
            return n() + "." + n() + "." + n() + maybe("-" + pick(["alpha", "beta", "0", "1", "rc"]) + maybe("." + pick(["1", "2", "x"])))
                + maybe("+" + pick(["b1", "001", "exp.sha"]))
        case .dpkg:
            return maybe(n() + ":") + n() + "." + n() + maybe(pick(["~rc1", "+dfsg", "a", ".1"])) + maybe("-" + n() + maybe(pick(["ubuntu1", "+b1", "~deb12u1"])))
        case .rpm:
            return maybe(n() + ":") + n() + pick([".", "_", "^", "~"]) + n() + maybe(pick(["a", "rc1", "^post"])) + maybe("-" + n() + ".el" + n())
        case .pep440:
            return maybe(n() + "!") + n() + "." + n() + maybe(pick(["a", "b", "rc", ".post", ".dev"]) + n()) + maybe("+" + pick(["local", "ubuntu.1", "7"]))
        case .maven:
            return n() + pick([".", "-"]) + n() + maybe(pick(["-alpha", "-beta-1", ".RC1", "-SNAPSHOT", "-sp", ".Final", "-foo"]))
        case .gem:
            return n() + "." + n() + maybe("." + pick(["pre", "rc1", "beta", "a"])) + maybe("." + n())
        case .go:
            return "v" + n() + "." + n() + "." + n() + maybe("-" + pick(["rc.1", "0.20200101000000-abcdefabcdef", "pre"])) + maybe("+incompatible")
        case .composer:
            return n() + "." + n() + maybe("." + n()) + maybe(pick(["-beta1", "-RC2", "-alpha", "-p1", "-dev"]))
        }
    }

    @Test(arguments: VersionScheme.allCases)
    func orderIsAntisymmetricTransitiveAndConsistentWithHashing(scheme: VersionScheme) throws {
        var rng = SeededGenerator(seed: 0x6B656E7361 ^ UInt64(VersionScheme.allCases.firstIndex(of: scheme)!))
        let pool = try Self.pool(scheme, rng: &rng)
        try #require(pool.count >= 300)
        var checked = 0
        for _ in 0..<5000 {
            // Neighbours make ties and near-ties likely; fully random triples cover the rest.
            let i = Int.random(in: 0..<pool.count, using: &rng)
            let j = Bool.random(using: &rng) ? (i ^ 1) % pool.count : Int.random(in: 0..<pool.count, using: &rng)
            let k = Int.random(in: 0..<pool.count, using: &rng)
            let (a, b, c) = (pool[i], pool[j], pool[k])
            let ab = a.compare(to: b), ba = b.compare(to: a)
            #expect(ab == -ba, "antisymmetry: \(a) vs \(b): \(ab), \(ba)")
            #expect(a.compare(to: a) == 0, "reflexivity: \(a)")
            if ab == 0 { #expect(a.hashValue == b.hashValue, "equal but hashed apart: \(a), \(b)") }
            let bc = b.compare(to: c), ac = a.compare(to: c)
            if ab <= 0 && bc <= 0 { #expect(ac <= 0, "transitivity: \(a) <= \(b) <= \(c) but \(a) vs \(c) = \(ac)") }
            if ab >= 0 && bc >= 0 { #expect(ac >= 0, "transitivity: \(a) >= \(b) >= \(c) but \(a) vs \(c) = \(ac)") }
            if ab == 0 && bc == 0 { #expect(ac == 0, "equality is transitive: \(a), \(b), \(c)") }
            checked += 1
        }
        #expect(checked == 5000)
    }

    @Test(arguments: VersionScheme.allCases)
    func formattedVersionsParseBackToEqualValues(scheme: VersionScheme) throws {
        var rng = SeededGenerator(seed: 42 &+ UInt64(VersionScheme.allCases.firstIndex(of: scheme)!))
        let pool = try Self.pool(scheme, rng: &rng)
        try #require(pool.count >= 300)
        for v in pool {
            let again = try scheme.parse(v.formatted)
            #expect(again == v, "\(v) → \(v.formatted) → \(again)")
            #expect(again.formatted == v.formatted, "formatting is not stable for \(v)")
        }
    }
}
