import Testing
@testable import KensaVersion

/// dpkg comparison runs on an order-preserving byte key; it must give exactly what dpkg's
/// own algorithm (verrevcmp, kept as `compareByAlgorithm`) gives.
struct DpkgSortKeyTests {
    @Test func keyOrderEqualsTheAlgorithmOnVectorsAndRandomVersions() throws {
        var strings: [String] = []
        for line in try VectorTests.dataLines("dpkg.tsv") {
            let f = line.split(separator: "\t")
            strings.append(String(f[0])); strings.append(String(f[1]))
        }
        var rng = SeededGenerator(seed: 7)
        let alphabet = Array("0123456789.+~-:aAzZ")
        for _ in 0..<3000 {
            var s = String(Int.random(in: 0...20, using: &rng))
            for _ in 0..<Int.random(in: 0...8, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
            strings.append(s)
        }
        let versions = strings.compactMap { try? DpkgVersion($0) }
        try #require(versions.count > 4000)
        var checked = 0
        for _ in 0..<40_000 {
            let a = versions.randomElement(using: &rng)!, b = versions.randomElement(using: &rng)!
            #expect(DpkgVersion.compare(a, b) == DpkgVersion.compareByAlgorithm(a, b), "\(a) vs \(b)")
            checked += 1
        }
        #expect(checked == 40_000)
    }

    @Test func equalSpellingsShareAKey() throws {
        for (a, b) in [("1.0", "1.00"), ("1.0", "1.0-0"), ("0:1.0", "1.0"), ("01.0", "1.0"), ("1.0-00", "1.0"), ("0", "00")] {
            #expect(try DpkgVersion(a) == DpkgVersion(b), "\(a) == \(b)")
            #expect(try DpkgVersion(a).hashValue == DpkgVersion(b).hashValue)
        }
    }
}

/// PEP 440 comparison also runs on a byte key; it must equal packaging's field order.
struct PEP440SortKeyTests {
    @Test func keyOrderEqualsTheFieldOrder() throws {
        var strings: [String] = []
        for line in try VectorTests.dataLines("pep440.tsv") {
            let f = line.split(separator: "\t")
            strings.append(String(f[0])); strings.append(String(f[1]))
        }
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2000 { strings.append(PropertyTests.generate(.pep440, &rng)) }
        let versions = strings.compactMap { try? PEP440Version($0) }
        try #require(versions.count > 3000)
        for _ in 0..<40_000 {
            let a = versions.randomElement(using: &rng)!, b = versions.randomElement(using: &rng)!
            #expect(PEP440Version.compare(a, b) == PEP440Version.compareByFields(a, b), "\(a) vs \(b)")
        }
    }
}
